package dev.spindle.protocol.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto 2 for the tests and benchmarks that need the real broker: started on a free
 * port of 127.0.0.1 with a generated config (TCP_NODELAY, queues and in-flight raised, packets
 * up to 2 MiB so that deploy chunks fit), stopped by its PID; {@link #stop()} then
 * {@link #start()} again restarts it on the same port. Options, set before the first {@link #start()}:
 * {@link #persistent()} (retained messages and sessions survive a restart, as on a real
 * installation) and {@link #logConnections()} (a "New client connected" line per connect, read by
 * bench-fleet to count the reconnect storm). A missing mosquitto is an error, never a silent pass.
 * In the protocol's test jar: the agent's and host tools' tests and the benchmarks use it.
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private boolean persistent;
    private boolean logConnections;
    private final List<String> extra = new ArrayList<>();
    private boolean configured;
    private Process process; // confined to the thread that starts and stops it

    public MosquittoBroker(Path dir) throws IOException {
        this(dir, freePort());
    }

    public MosquittoBroker(Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir);
    }

    /** Keeps retained messages and sessions in this broker's directory across a restart. */
    public MosquittoBroker persistent() {
        persistent = true;
        return this;
    }

    /** Logs every connect and disconnect ("New client connected from ... as ID"). */
    public MosquittoBroker logConnections() {
        logConnections = true;
        return this;
    }

    private void writeConfig() throws IOException {
        List<String> conf = new ArrayList<>(List.of(
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "set_tcp_nodelay true",
                "max_queued_messages 100000",
                "max_queued_bytes 0",
                "max_inflight_messages 1000",
                "max_packet_size 2097152",
                "log_dest file " + dir.resolve("mosquitto.log").toAbsolutePath(),
                "log_type error",
                "log_type warning",
                "log_type notice"));
        if (persistent) {
            conf.add("persistence true");
            conf.add("persistence_location " + dir.toAbsolutePath() + "/");
        } else {
            conf.add("persistence false");
        }
        if (logConnections) {
            conf.add("log_type information");
        }
        conf.addAll(extra);
        if ("root".equals(System.getProperty("user.name"))) {
            conf.add("user root");
        }
        Files.writeString(config(), String.join("\n", conf) + "\n", StandardCharsets.UTF_8);
    }

    /** Adds a TLS listener on {@code port} of 127.0.0.1 serving {@code cert} (the plain listener stays). */
    public MosquittoBroker tlsListener(int port, SelfSignedCertificate cert) {
        return configure("listener " + port + " 127.0.0.1")
                .configure("certfile " + cert.certificate().toAbsolutePath())
                .configure("keyfile " + cert.key().toAbsolutePath());
    }

    /** Adds a line to the generated configuration, e.g. {@code sys_interval 1}. */
    public MosquittoBroker configure(String line) {
        extra.add(line);
        return this;
    }

    private Path config() {
        return dir.resolve("mosquitto.conf");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** @throws IllegalStateException when mosquitto is not installed, saying what to install */
    public static String binary() {
        for (String p : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mosquitto"))) {
                return Path.of(d, "mosquitto").toString();
            }
        }
        throw new IllegalStateException("mosquitto is not installed: install it (apt-get install -y mosquitto); "
                + "the integration tests and the MQTT benchmarks need the real broker (.ci/run installs it)");
    }

    /** @return the first line of {@code mosquitto -h} ("mosquitto version 2.0.x"), or "?" */
    public static String version() {
        try {
            Process p = new ProcessBuilder(binary(), "-h").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            String first = out.lines().findFirst().orElse("").strip();
            return first.isEmpty() ? "?" : first;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts mosquitto and waits until it accepts connections (30 s at most). */
    public MosquittoBroker start() throws IOException, InterruptedException {
        if (!configured) { // once: a restart runs with the same file
            writeConfig();
            configured = true;
        }
        process = new ProcessBuilder(binary(), "-c", config().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                .start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    stop();
                    throw new IllegalStateException("mosquitto did not start on port " + port + ": " + log());
                }
                Thread.sleep(20);
            }
        }
    }

    /** SIGTERM to our own mosquitto (it saves its persistence), SIGKILL if it lingers. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
