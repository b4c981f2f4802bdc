package dev.spindle.tools.security;

import static org.junit.jupiter.api.Assertions.fail;

import dev.spindle.protocol.testing.MosquittoBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto 2 run by a test with a configuration made by {@code spindle broker-config}
 * (its TLS listener on a free port of 127.0.0.1), stopped by its own process handle.
 */
final class ConfiguredMosquitto implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    ConfiguredMosquitto(Path dir, int port) throws Exception {
        this.dir = dir;
        this.port = port;
        Path conf = dir.resolve("mosquitto.conf");
        if ("root".equals(System.getProperty("user.name"))) {
            Files.writeString(conf, "user root\n", StandardOpenOption.APPEND); // else it drops to user mosquitto
        }
        process = new ProcessBuilder(MosquittoBroker.binary(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    close();
                    fail("mosquitto did not start with " + conf + ": " + log());
                }
                Thread.sleep(20);
            }
        }
    }

    int port() {
        return port;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("broker.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Makes Mosquitto read its password file and ACL again. */
    void reload() throws Exception {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
