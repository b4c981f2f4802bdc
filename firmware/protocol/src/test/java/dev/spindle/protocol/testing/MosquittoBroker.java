package dev.spindle.protocol.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto 2 for transfer tests and bench/deploy: started on a free port of 127.0.0.1
 * with a generated config (TCP_NODELAY, queues and in-flight raised, packets up to 2 MiB so that
 * chunks fit), stopped by its PID; {@link #stop()} then {@link #start()} again restarts it on the
 * same port (a broker restart in the middle of a transfer). The agent's tests have their own
 * helper of the same idea; this one lives in the protocol's test jar, which the agent cannot
 * serve (it depends on the protocol). A missing mosquitto is an error, never a silent pass.
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process; // confined to the thread that starts and stops it

    public MosquittoBroker(Path dir) throws IOException {
        this(dir, freePort());
    }

    public MosquittoBroker(Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir);
        String conf = String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "set_tcp_nodelay true",
                "max_queued_messages 100000",
                "max_queued_bytes 0",
                "max_inflight_messages 1000",
                "max_packet_size 2097152",
                "persistence false",
                "log_dest file " + dir.resolve("mosquitto.log").toAbsolutePath(),
                "log_type error",
                "log_type warning",
                "log_type notice",
                "") + ("root".equals(System.getProperty("user.name")) ? "user root\n" : "");
        Files.writeString(dir.resolve("mosquitto.conf"), conf, StandardCharsets.UTF_8);
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
        throw new IllegalStateException("mosquitto is not installed: install it (apt-get install -y mosquitto); "
                + "the transfer tests and make bench-deploy need the real broker");
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
        process = new ProcessBuilder(binary(), "-c", dir.resolve("mosquitto.conf").toString())
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

    /** SIGTERM to our own mosquitto, SIGKILL if it lingers. */
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
