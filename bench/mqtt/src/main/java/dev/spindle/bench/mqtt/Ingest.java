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
import java.util.LinkedHashMap;
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
 * measuring what the consumer can take in rather than the publisher's rate. The order rotates
 * between rounds; the first rounds warm the monitor's JIT up and are not counted (a monitor is a
 * long-running process).
 *
 * <p>For the analysis, three more sides: two monitors started with {@code --share} (one MQTT
 * shared subscription), counted together, the design's way to take in more than one connection
 * can; and the monitor and {@code mosquitto_sub} over TLS (the broker's TLS listener, a
 * self-signed certificate both trust), the pair that a fleet on the internet uses.
 */
final class Ingest {
    static final int BOARDS = 50;

    /** The sides' keys in the results and in the JSON ({@code KEYMsgPerS}, {@code KEYRounds}). */
    static final String MONITOR = "monitor";
    static final String SUB = "mosquittoSub";
    static final String SHARED = "shared";
    static final String TLS_MONITOR = "tlsMonitor";
    static final String TLS_SUB = "tlsMosquittoSub";

    /** One side's median and per-round rates (messages per second). */
    record SideResult(String key, double msgPerS, List<Double> rounds) {
    }

    record Result(int messages, int rounds, Map<String, SideResult> sides) {
        SideResult side(String key) {
            return sides.get(key);
        }
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

    /** {@code mosquitto_sub} at QoS 1 on the fleet's state, events and telemetry, with {@code extra} options. */
    private static List<String> mosquittoSubCmd(int port, String clientId, String base, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(mosquittoSub(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-q", "1", "-i", clientId, "-t", base + Topics.STATE, "-t", base + Topics.EVENTS,
                "-t", base + Topics.TELEMETRY));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /**
     * The JSON lines printed by one or more consumer processes measured together, and the
     * moment their sum reached a target (set by the reader thread that crossed it).
     */
    static final class Tally {
        private final AtomicLong lines = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile long reachedAt;

        void add(long c) {
            if (lines.addAndGet(c) >= target && reachedAt == 0) {
                reachedAt = System.nanoTime();
            }
        }

        long lines() {
            return lines.get();
        }
    }

    /** A consumer process whose stdout lines are counted, into its own count and its side's {@link Tally}. */
    static final class Consumer implements AutoCloseable {
        final String name;
        final Process process;
        final AtomicLong lines = new AtomicLong();
        private final Tally tally;
        private final Thread reader;

        Consumer(String name, List<String> command, Path log, Tally tally) throws IOException {
            this.name = name;
            this.tally = tally;
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
                    lines.addAndGet(c);
                    tally.add(c);
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

    /** One measured side: a consumer process, or several that split the stream (shared subscription). */
    static final class Side implements AutoCloseable {
        /** Its key in the results (e.g. {@link #MONITOR}). */
        final String key;
        final String name;
        final List<Consumer> members = new ArrayList<>();
        private final Tally tally = new Tally();

        Side(String key, String name) {
            this.key = key;
            this.name = name;
        }

        Side add(String member, List<String> command, Path log) throws IOException {
            members.add(new Consumer(member, command, log, tally));
            return this;
        }

        /** @return true when every member has printed a line (each is subscribed) */
        boolean ready() {
            return members.stream().allMatch(c -> c.lines.get() > 0);
        }

        boolean alive() {
            return members.stream().allMatch(c -> c.process.isAlive());
        }

        void signal(String sig) throws IOException, InterruptedException {
            for (Consumer c : members) {
                c.signal(sig);
            }
        }

        /** Continues the stopped processes and waits for {@code n} more lines in all; @return messages per second */
        double drain(long n, long timeoutMs) throws Exception {
            tally.reachedAt = 0;
            tally.target = tally.lines() + n;
            long t0 = System.nanoTime();
            signal("CONT");
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (tally.reachedAt == 0) {
                if (System.nanoTime() - deadline > 0 || !alive()) {
                    throw new IllegalStateException(name + " got " + (tally.lines() - tally.target + n) + " of " + n
                            + " messages" + (alive() ? " in time" : ": a process exited"));
                }
                Thread.sleep(2);
            }
            return n / ((tally.reachedAt - t0) / 1e9);
        }

        @Override
        public void close() throws InterruptedException {
            for (Consumer c : members) {
                c.close();
            }
        }
    }

    /**
     * @param tlsPort the same broker's TLS listener on 127.0.0.1
     * @param caFile the certificate that listener serves, trusted by both TLS consumers
     */
    static Result run(String url, int port, int tlsPort, Path caFile, Path dir, int n, int warmupRounds, int rounds)
            throws Exception {
        String fleet = "ingest";
        String base = Topics.ROOT + "/" + fleet + "/+/";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvm = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m"));
        String extra = System.getProperty("bench.monitor.jvmArgs", "").strip(); // e.g. a JFR recording
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.spindle.tools.SpindleCommand", "monitor",
                "--json", "--fleet", fleet));
        List<String> monitorCmd = new ArrayList<>(jvm);
        monitorCmd.addAll(List.of("--broker", url));
        List<String> tlsMonitorCmd = new ArrayList<>(jvm);
        tlsMonitorCmd.addAll(List.of("--broker", "ssl://127.0.0.1:" + tlsPort, "--ca", caFile.toString()));
        List<String> subCmd = mosquittoSubCmd(port, "bench-mosquitto-sub", base);
        List<String> tlsSubCmd = mosquittoSubCmd(tlsPort, "bench-mosquitto-sub-tls", base, "--cafile", caFile.toString());
        byte[][] payloads = new byte[BOARDS][];
        long now = System.currentTimeMillis();
        for (int b = 0; b < BOARDS; b++) {
            payloads[b] = Json.bytes(new TelemetryMessage(1, now, 3, 5.0, 12_345.6, 48_234_496L, 268_435_456L, 0.042, 0.61,
                    47.2, 9, 21, "ok", "running", Map.of("17", 1, "27", 0, "22", 1)));
        }
        List<String> sharedCmd = new ArrayList<>(monitorCmd);
        sharedCmd.addAll(List.of("--share", "bench-ingest"));
        try (Publisher pub = new Publisher(url);
                Side monitor = new Side(MONITOR, "spindle monitor --json")
                        .add("monitor", monitorCmd, dir.resolve("monitor.err"));
                Side sub = new Side(SUB, "mosquitto_sub").add("mosquitto_sub", subCmd, dir.resolve("mosquitto_sub.err"));
                Side shared = new Side(SHARED, "2 x spindle monitor --json --share")
                        .add("shared-1", sharedCmd, dir.resolve("shared-1.err"))
                        .add("shared-2", sharedCmd, dir.resolve("shared-2.err"));
                Side tlsMonitor = new Side(TLS_MONITOR, "spindle monitor --json over TLS")
                        .add("tls-monitor", tlsMonitorCmd, dir.resolve("tls-monitor.err"));
                Side tlsSub = new Side(TLS_SUB, "mosquitto_sub over TLS").add("tls-mosquitto_sub", tlsSubCmd,
                        dir.resolve("tls-mosquitto_sub.err"))) {
            List<Side> sides = List.of(monitor, sub, shared, tlsMonitor, tlsSub);
            // all subscribed: telemetry shows up in every output (each shared monitor gets some)
            long deadline = System.currentTimeMillis() + 60_000;
            while (!sides.stream().allMatch(Side::ready)) {
                if (System.currentTimeMillis() > deadline || !sides.stream().allMatch(Side::alive)) {
                    StringBuilder why = new StringBuilder("consumers not ready:");
                    for (Side side : sides) {
                        for (Consumer c : side.members) {
                            why.append(' ').append(c.name).append(' ').append(c.lines).append(" lines (")
                                    .append(Files.readString(dir.resolve(c.name + ".err")).strip()).append(')');
                        }
                    }
                    throw new IllegalStateException(why.toString());
                }
                pub.publish(Topics.telemetry(fleet, "warm"), payloads[0]);
                pub.drain();
                Thread.sleep(200);
            }
            Thread.sleep(300); // the last warm messages
            List<List<Double>> measured = new ArrayList<>();
            for (int k = 0; k < sides.size(); k++) {
                measured.add(new ArrayList<>());
            }
            for (int r = 0; r < warmupRounds + rounds; r++) {
                for (Side side : sides) {
                    side.signal("STOP");
                }
                for (int i = 0; i < n; i++) {
                    int b = i % BOARDS;
                    pub.publish(Topics.telemetry(fleet, "b" + b), payloads[b]);
                }
                pub.drain();
                Thread.sleep(200);
                // each drains the same backlog alone; who goes first rotates between rounds
                double[] rate = new double[sides.size()];
                for (int k = 0; k < sides.size(); k++) {
                    int i = (r + k) % sides.size();
                    rate[i] = sides.get(i).drain(n, 120_000);
                }
                if (r >= warmupRounds) {
                    for (int k = 0; k < sides.size(); k++) {
                        measured.get(k).add(rate[k]);
                    }
                }
            }
            Map<String, SideResult> results = new LinkedHashMap<>();
            for (int k = 0; k < sides.size(); k++) {
                String key = sides.get(k).key;
                results.put(key, new SideResult(key, Stats.median(measured.get(k)), measured.get(k)));
            }
            return new Result(n, rounds, results);
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
