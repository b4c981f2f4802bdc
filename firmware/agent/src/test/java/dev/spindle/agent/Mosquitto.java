package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto 2, started by a test on a free port of 127.0.0.1 with a generated config
 * (TCP_NODELAY, large queues, persistence in the test's directory), stopped by its PID. A missing
 * mosquitto fails the test: the integration suite must not pass silently without its broker.
 * Public and in the agent's test jar: host-tools' tests and bench/mqtt use it too.
 */
public final class Mosquitto implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process; // confined to the test thread

    public Mosquitto(Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir);
        String conf = String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "set_tcp_nodelay true",
                "max_queued_messages 100000",
                "max_inflight_messages 1000",
                "persistence true",
                "persistence_location " + dir.toAbsolutePath() + "/",
                "log_dest file " + dir.resolve("mosquitto.log").toAbsolutePath(),
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "") + ("root".equals(System.getProperty("user.name")) ? "user root\n" : "");
        Files.writeString(dir.resolve("mosquitto.conf"), conf, StandardCharsets.UTF_8);
    }

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
        fail("mosquitto is not installed: install mosquitto (apt-get install -y mosquitto); "
                + "the integration tests need the real broker (.ci/run installs it)");
        return null;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public void start() throws Exception {
        process = new ProcessBuilder(binary(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                .start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    stop();
                    fail("mosquitto did not start on port " + port + ": " + log());
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
