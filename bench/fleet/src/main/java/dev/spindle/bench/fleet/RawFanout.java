package dev.spindle.bench.fleet;

import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The yardstick of the rollout phase: the broker's raw fan-out of the same bytes. A rollout
 * sends the bundle to every board separately (point to point, {@code spindle/v1/F/B/transfer/...}),
 * {@code parallel} boards at a time over the deploy tool's one connection. The raw peer does the
 * same with nothing but Paho: one publisher connection, {@code parallel} subscriber connections,
 * {@code streams} copies of the bytes in the same chunk size at QoS 1, each stream with at most
 * {@code window} chunks unacknowledged (PUBACK), {@code parallel} streams at a time. No board
 * acknowledgement, no resume, no checksum, no file: the floor of what the broker costs for
 * these bytes. TCP_NODELAY on every socket, as Spindle's link has.
 *
 * <p>Where each end runs, as in the rollout: the publisher is a child JVM of its own (as
 * {@code spindle deploy} is, {@link DeployProcess}; same heap limit), the subscribers live in the
 * harness's JVM next to the simulated boards. With the publisher in the harness's JVM too, every
 * GC pause of the 1,000-board heap stopped the sender as well as the receivers, and the raw peer
 * took longer than the rollout it is the floor of (0.7x at 1,000 boards).
 *
 * <p>The time runs from the publisher's first publish (its clock, the same machine's) until the
 * last byte arrived at a subscriber.
 *
 * <p>Threads: in the publisher, one sender thread per stream lane ({@code parallel}), each with
 * a semaphore of {@code window} permits released by Paho on PUBACK; in the harness, Paho's
 * callback threads count received bytes into an atomic and wake the waiting harness thread.
 */
final class RawFanout {
    /** What one run took. */
    record Result(long nanos, long bytes, int streams) {
    }

    private static final String STARTED = "started ";

    private RawFanout() {
    }

    static Result run(String url, byte[] data, int chunk, int window, int streams, int parallel, Path dir) throws Exception {
        int lanes = Math.max(1, Math.min(parallel, streams));
        long total = (long) streams * data.length;
        AtomicLong received = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object done = new Object();
        String base = "bench/raw-fanout/" + System.nanoTime() + "/";
        List<MqttAsyncClient> subs = new ArrayList<>();
        Files.createDirectories(dir);
        Path bytes = Files.write(dir.resolve("raw-fanout.bin"), data);
        Process publisher = null;
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
                            lastAt.set(System.currentTimeMillis());
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
            Path out = dir.resolve("raw-fanout.out");
            Path err = dir.resolve("raw-fanout.err");
            publisher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), RawFanout.class.getName(), url, base, bytes.toString(),
                    Integer.toString(chunk), Integer.toString(window), Integer.toString(streams), Integer.toString(lanes))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long deadline = System.currentTimeMillis() + 10 * 60_000; // hang guard
            synchronized (done) {
                while (received.get() < total && failure.get() == null) {
                    if (!publisher.isAlive() && publisher.exitValue() != 0) {
                        throw new IllegalStateException("raw fan-out publisher failed (exit " + publisher.exitValue() + "): "
                                + Files.readString(err, StandardCharsets.UTF_8));
                    }
                    long wait = deadline - System.currentTimeMillis();
                    if (wait <= 0) {
                        throw new IllegalStateException("raw fan-out: " + received.get() + " of " + total
                                + " bytes arrived in 10 minutes");
                    }
                    done.wait(Math.min(wait, 1000));
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("raw fan-out failed: " + failure.get(), failure.get());
            }
            if (!publisher.waitFor(60, TimeUnit.SECONDS) || publisher.exitValue() != 0) {
                throw new IllegalStateException("raw fan-out publisher did not end cleanly: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            long startedAt = startedAt(Files.readString(out, StandardCharsets.UTF_8));
            return new Result(TimeUnit.MILLISECONDS.toNanos(lastAt.get() - startedAt), total, streams);
        } finally {
            if (publisher != null && publisher.isAlive()) {
                publisher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (MqttAsyncClient c : subs) {
                PahoClients.closeQuietly(c);
            }
        }
    }

    /** @return the epoch ms of the publisher's first publish, from its "started MS" line */
    static long startedAt(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith(STARTED)) {
                return Long.parseLong(line.substring(STARTED.length()).trim());
            }
        }
        throw new IllegalStateException("the raw fan-out publisher printed no start time: " + output);
    }

    /**
     * The publisher process: {@code RawFanout URL BASE FILE CHUNK WINDOW STREAMS LANES}. Publishes
     * {@code STREAMS} copies of FILE to {@code BASE{lane}/{stream}}, prints {@code started MS}
     * before the first publish, and ends (exit 0) when every chunk is acknowledged.
     */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String base = args[1];
        byte[] data = Files.readAllBytes(Path.of(args[2]));
        int chunk = Integer.parseInt(args[3]);
        int window = Integer.parseInt(args[4]);
        int streams = Integer.parseInt(args[5]);
        int lanes = Integer.parseInt(args[6]);
        MqttAsyncClient pub = new MqttAsyncClient(url, "raw-fan-pub-" + System.nanoTime() % 100000, new MemoryPersistence());
        pub.connect(options(Math.min(65_535, lanes * window))).waitForCompletion(30_000);
        try {
            Throwable failed = publish(pub, base, data, chunk, window, streams, lanes);
            if (failed != null) {
                System.err.println("raw fan-out publisher: " + failed);
                failed.printStackTrace();
                System.exit(1);
            }
        } finally {
            PahoClients.closeQuietly(pub);
        }
    }

    /** @return the first failure, or null when every chunk of every stream was acknowledged */
    private static Throwable publish(MqttAsyncClient pub, String base, byte[] data, int chunk, int window, int streams,
            int lanes) throws InterruptedException {
        int chunks = (data.length + chunk - 1) / chunk;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> senders = new ArrayList<>();
        System.out.println(STARTED + System.currentTimeMillis());
        System.out.flush();
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
        for (Thread t : senders) {
            t.join();
        }
        return failure.get();
    }

    private static MqttConnectOptions options(int maxInflight) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(maxInflight);
        o.setSocketFactory(new NoDelaySocketFactory());
        return o;
    }
}
