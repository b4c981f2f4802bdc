package dev.spindle.bench.deploy;

import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The peer: the same bytes as a raw Paho QoS 1 stream in the same chunk size. The publisher is
 * an {@link MqttAsyncClient} with max in-flight = the window and at most window unacknowledged
 * publishes (a semaphore released on each PUBACK); the subscriber writes each chunk at its
 * offset of a file from Paho's callback (a 4-byte index before the bytes). TCP_NODELAY on both
 * sockets, as Spindle's link has. No acknowledgement from the receiver, no resume, no checksum,
 * no fsync: the floor of what MQTT costs.
 */
final class RawStream {
    private RawStream() {
    }

    /** @return nanoseconds from the first publish until the subscriber has written every byte */
    static long run(String url, byte[] data, int chunk, int window, Path out) throws Exception {
        int chunks = (data.length + chunk - 1) / chunk;
        String topic = "bench/raw/" + System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MqttAsyncClient sub = new MqttAsyncClient(url, "raw-sub-" + System.nanoTime() % 100000, new MemoryPersistence());
        MqttAsyncClient pub = new MqttAsyncClient(url, "raw-pub-" + System.nanoTime() % 100000, new MemoryPersistence());
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            sub.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    failure.set(cause);
                    done.countDown();
                }

                @Override
                public void messageArrived(String t, MqttMessage m) throws IOException {
                    byte[] p = m.getPayload();
                    int index = ByteBuffer.wrap(p, 0, 4).getInt();
                    ByteBuffer b = ByteBuffer.wrap(p, 4, p.length - 4);
                    long pos = (long) index * chunk;
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                    if (received.addAndGet(p.length - 4) == data.length) {
                        done.countDown();
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            sub.connect(options(window)).waitForCompletion(10_000);
            sub.subscribe(topic, 1).waitForCompletion(10_000);
            pub.connect(options(window)).waitForCompletion(10_000);
            Semaphore free = new Semaphore(window);
            IMqttActionListener release = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    free.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failure.set(e);
                    free.release();
                }
            };
            long start = System.nanoTime();
            for (int i = 0; i < chunks; i++) {
                int len = Math.min(chunk, data.length - i * chunk);
                byte[] p = new byte[4 + len];
                ByteBuffer.wrap(p).putInt(i);
                System.arraycopy(data, i * chunk, p, 4, len);
                free.acquire();
                pub.publish(topic, p, 1, false, null, release);
            }
            if (!done.await(300, TimeUnit.SECONDS) || failure.get() != null) {
                throw new IllegalStateException("raw stream did not complete: " + received.get() + " of " + data.length
                        + " bytes" + (failure.get() == null ? "" : ", " + failure.get()));
            }
            return System.nanoTime() - start;
        } finally {
            for (MqttAsyncClient c : new MqttAsyncClient[] {pub, sub}) {
                try {
                    c.disconnect(1000).waitForCompletion(5000);
                } catch (Exception e) {
                    c.disconnectForcibly(0, 100);
                }
                c.close();
            }
        }
    }

    private static MqttConnectOptions options(int window) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setMaxInflight(Math.max(window, 10));
        o.setSocketFactory(new NoDelaySocketFactory());
        return o;
    }
}
