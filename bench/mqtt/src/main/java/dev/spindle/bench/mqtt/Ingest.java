package dev.spindle.bench.mqtt;

import dev.spindle.bench.common.Stats;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Benchmark 2: how fast {@code spindle monitor --json} takes in a stream of telemetry, against
 * {@code mosquitto_sub} on the same stream. Both run as processes subscribed to the same topics
 * at QoS 1, their output read through a pipe by this harness (which counts lines). Each round:
 * both are stopped (SIGSTOP), N telemetry messages of 50 boards are published at QoS 1 (the agent's
 * QoS, retained as the agent does) and queue up in Mosquitto, then one consumer is continued
 * (SIGCONT) and timed until its N-th line, then the other. So each drains the same backlog alone,
 * measuring what the consumer can take in rather than the publisher's rate. The order alternates
 * between rounds; the first rounds warm the monitor's JIT up and are not counted (a monitor is a
 * long-running process).
 */
final class Ingest {
    static final int BOARDS = 50;

    record Result(double monitorMsgPerS, double subMsgPerS, int messages, int rounds, List<Double> monitorRounds,
            List<Double> subRounds) {
    }

    private Ingest() {
    }

    static String mosquittoSub() {
        for (String p : new String[] {"/usr/bin/mosquitto_sub", "/usr/local/bin/mosquitto_sub"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mosquitto_sub"))) {
                return Path.of(d, "mosquitto_sub").toString();
            }
        }
        throw new IllegalStateException("mosquitto_sub is not installed: install mosquitto-clients "
                + "(apt-get install -y mosquitto-clients); the ingest benchmark compares against it (.ci/run installs it)");
    }

    /** A consumer process whose stdout lines are counted. */
    static final class Consumer implements AutoCloseable {
        final String name;
        final Process process;
        final AtomicLong lines = new AtomicLong();
        volatile long target = Long.MAX_VALUE;
        volatile long reachedAt;
        private final Thread reader;

        Consumer(String name, List<String> command, Path log) throws IOException {
            this.name = name;
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            reader = new Thread(this::read, "bench-read-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] buf = new byte[64 * 1024];
            boolean lineStart = true;
            boolean json = false; // only JSON lines count (not a JVM's banner, e.g. of a JFR recording)
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0;) {
                    long c = 0;
                    for (int i = 0; i < n; i++) {
                        if (lineStart) {
                            json = buf[i] == '{';
                        }
                        lineStart = buf[i] == '\n';
                        if (lineStart && json) {
                            c++;
                        }
                    }
                    long now = lines.addAndGet(c);
                    if (now >= target && reachedAt == 0) {
                        reachedAt = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        void signal(String sig) throws IOException, InterruptedException {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            if (k.waitFor() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        }

        /** Continues the stopped process and waits for {@code n} more lines; @return messages per second */
        double drain(long n, long timeoutMs) throws Exception {
            reachedAt = 0;
            target = lines.get() + n;
            long t0 = System.nanoTime();
            signal("CONT");
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (reachedAt == 0) {
                if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                    throw new IllegalStateException(name + " got " + (lines.get() - target + n) + " of " + n
                            + " messages" + (process.isAlive() ? " in time" : " and exited " + process.exitValue()));
                }
                Thread.sleep(2);
            }
            return n / ((reachedAt - t0) / 1e9);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                try {
                    signal("CONT");
                } catch (IOException | RuntimeException e) {
                    // ends below anyway
                }
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    static Result run(String url, int port, Path dir, int n, int warmupRounds, int rounds) throws Exception {
        String fleet = "ingest";
        String base = Topics.ROOT + "/" + fleet + "/+/";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> monitorCmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m"));
        String extra = System.getProperty("bench.monitor.jvmArgs", "").strip(); // e.g. a JFR recording
        if (!extra.isEmpty()) {
            monitorCmd.addAll(List.of(extra.split("\\s+")));
        }
        monitorCmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.spindle.tools.SpindleCommand", "monitor", "--json", "--broker", url, "--fleet", fleet));
        List<String> subCmd = List.of(mosquittoSub(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
                "-i", "bench-mosquitto-sub", "-t", base + Topics.STATE, "-t", base + Topics.EVENTS,
                "-t", base + Topics.TELEMETRY);
        byte[][] payloads = new byte[BOARDS][];
        long now = System.currentTimeMillis();
        for (int b = 0; b < BOARDS; b++) {
            payloads[b] = Json.bytes(new TelemetryMessage(1, now, 3, 5.0, 12_345.6, 48_234_496L, 268_435_456L, 0.042, 0.61,
                    47.2, 9, 21, "ok", "running", Map.of("17", 1, "27", 0, "22", 1)));
        }
        try (Publisher pub = new Publisher(url);
                Consumer monitor = new Consumer("spindle monitor --json", monitorCmd, dir.resolve("monitor.err"));
                Consumer sub = new Consumer("mosquitto_sub", subCmd, dir.resolve("mosquitto_sub.err"))) {
            // both subscribed: a telemetry message shows up in both outputs
            long deadline = System.currentTimeMillis() + 60_000;
            while (monitor.lines.get() == 0 || sub.lines.get() == 0) {
                if (System.currentTimeMillis() > deadline || !monitor.process.isAlive() || !sub.process.isAlive()) {
                    throw new IllegalStateException("consumers not ready: monitor " + monitor.lines + " lines ("
                            + Files.readString(dir.resolve("monitor.err")) + "), mosquitto_sub " + sub.lines + " lines ("
                            + Files.readString(dir.resolve("mosquitto_sub.err")) + ")");
                }
                pub.publish(Topics.telemetry(fleet, "warm"), payloads[0]);
                pub.drain();
                Thread.sleep(200);
            }
            Thread.sleep(300); // the last warm messages
            List<Double> m = new ArrayList<>();
            List<Double> s = new ArrayList<>();
            for (int r = 0; r < warmupRounds + rounds; r++) {
                monitor.signal("STOP");
                sub.signal("STOP");
                for (int i = 0; i < n; i++) {
                    int b = i % BOARDS;
                    pub.publish(Topics.telemetry(fleet, "b" + b), payloads[b]);
                }
                pub.drain();
                Thread.sleep(200);
                boolean monitorFirst = r % 2 == 1;
                Consumer first = monitorFirst ? monitor : sub;
                Consumer second = monitorFirst ? sub : monitor;
                double a = first.drain(n, 120_000);
                double b = second.drain(n, 120_000);
                if (r >= warmupRounds) {
                    m.add(monitorFirst ? a : b);
                    s.add(monitorFirst ? b : a);
                }
            }
            return new Result(Stats.median(m), Stats.median(s), n, rounds, m, s);
        }
    }

    /** Publishes QoS 1 as fast as the in-flight window allows. */
    static final class Publisher implements AutoCloseable, MqttCallback {
        static final int WINDOW = 500;
        private final MqttAsyncClient client;
        private final Semaphore window = new Semaphore(WINDOW);

        Publisher(String url) throws Exception {
            client = new MqttAsyncClient(url, "bench-telemetry-publisher", new MemoryPersistence());
            client.setCallback(this);
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setSocketFactory(new NoDelaySocketFactory());
            o.setMaxInflight(WINDOW * 2);
            client.connect(o).waitForCompletion(30_000);
        }

        void publish(String topic, byte[] payload) throws Exception {
            if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker stopped acknowledging");
            }
            client.publish(topic, payload, 1, true);
        }

        /** Waits until every message published so far was acknowledged. */
        void drain() throws InterruptedException {
            if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker stopped acknowledging");
            }
            window.release(WINDOW);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            window.release();
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void close() throws Exception {
            try {
                client.disconnect().waitForCompletion(5000);
            } finally {
                client.close();
            }
        }
    }
}
