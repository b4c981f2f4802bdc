package dev.spindle.bench.fleet;

import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
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
 * The yardstick of the rollout phase: the broker's raw fan-out of the same bytes. A rollout
 * sends the bundle to every board separately (point to point, {@code spindle/v1/F/B/transfer/...}),
 * {@code parallel} boards at a time over the deploy tool's one connection. The raw peer does the
 * same with nothing but Paho: one publisher connection, {@code parallel} subscriber connections,
 * {@code streams} copies of the bytes in the same chunk size at QoS 1, each stream with at most
 * {@code window} chunks unacknowledged (PUBACK), {@code parallel} streams at a time. No board
 * acknowledgement, no resume, no checksum, no file: the floor of what the broker costs for
 * these bytes. TCP_NODELAY on every socket, as Spindle's link has.
 *
 * <p>Threads: one sender thread per stream lane ({@code parallel}); Paho's callback threads
 * count received bytes into an atomic and release the lane's window semaphore on PUBACK.
 */
final class RawFanout {
    /** What one run took. */
    record Result(long nanos, long bytes, int streams) {
    }

    private RawFanout() {
    }

    static Result run(String url, byte[] data, int chunk, int window, int streams, int parallel) throws Exception {
        int lanes = Math.max(1, Math.min(parallel, streams));
        int chunks = (data.length + chunk - 1) / chunk;
        long total = (long) streams * data.length;
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object done = new Object();
        String base = "bench/raw-fanout/" + System.nanoTime() + "/";
        List<MqttAsyncClient> subs = new ArrayList<>();
        MqttAsyncClient pub = new MqttAsyncClient(url, "raw-fan-pub-" + System.nanoTime() % 100000, new MemoryPersistence());
        try {
            for (int k = 0; k < lanes; k++) {
                MqttAsyncClient s = new MqttAsyncClient(url, "raw-fan-sub-" + k + "-" + System.nanoTime() % 100000,
                        new MemoryPersistence());
                s.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                        failure.compareAndSet(null, cause);
                        synchronized (done) {
                            done.notifyAll();
                        }
                    }

                    @Override
                    public void messageArrived(String t, MqttMessage m) {
                        if (received.addAndGet(m.getPayload().length - 4) >= total) {
                            synchronized (done) {
                                done.notifyAll();
                            }
                        }
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                s.connect(options(1000)).waitForCompletion(30_000);
                s.subscribe(base + k + "/#", 1).waitForCompletion(30_000);
                subs.add(s);
            }
            pub.connect(options(Math.min(65_535, lanes * window))).waitForCompletion(30_000);
            long t0 = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (int k = 0; k < lanes; k++) {
                int lane = k;
                Thread t = new Thread(() -> {
                    Semaphore inFlight = new Semaphore(window);
                    IMqttActionListener acked = new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            inFlight.release();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            failure.compareAndSet(null, e);
                            inFlight.release();
                        }
                    };
                    try {
                        for (int s = lane; s < streams && failure.get() == null; s += lanes) {
                            String topic = base + lane + "/" + s;
                            for (int i = 0; i < chunks; i++) {
                                int off = i * chunk;
                                int len = Math.min(chunk, data.length - off);
                                byte[] p = new byte[4 + len];
                                ByteBuffer.wrap(p).putInt(i).put(data, off, len);
                                inFlight.acquire();
                                pub.publish(topic, p, 1, false, null, acked);
                            }
                            inFlight.acquire(window); // the stream is acknowledged: the lane's next one
                            inFlight.release(window);
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }, "raw-fanout-" + k);
                t.start();
                senders.add(t);
            }
            long deadline = System.currentTimeMillis() + 10 * 60_000; // hang guard
            synchronized (done) {
                while (received.get() < total && failure.get() == null) {
                    long wait = deadline - System.currentTimeMillis();
                    if (wait <= 0) {
                        throw new IllegalStateException("raw fan-out: " + received.get() + " of " + total
                                + " bytes arrived in 10 minutes");
                    }
                    done.wait(Math.min(wait, 1000));
                }
            }
            long nanos = System.nanoTime() - t0;
            for (Thread t : senders) {
                t.join(30_000);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("raw fan-out failed: " + failure.get(), failure.get());
            }
            return new Result(nanos, total, streams);
        } finally {
            for (MqttAsyncClient c : subs) {
                close(c);
            }
            close(pub);
        }
    }

    private static MqttConnectOptions options(int maxInflight) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(maxInflight);
        o.setSocketFactory(new NoDelaySocketFactory());
        return o;
    }

    private static void close(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect().waitForCompletion(5000);
            }
            c.close();
        } catch (Exception e) {
            // best effort at the end of a run
        }
    }
}
