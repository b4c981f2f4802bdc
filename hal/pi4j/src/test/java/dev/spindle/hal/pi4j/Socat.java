package dev.spindle.hal.pi4j;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real pseudo-terminal pair made by {@code socat}, on link paths in a temp directory. Started by
 * the test, stopped by its PID. A missing socat fails the test (it is a declared test dependency,
 * installed by .ci/run), it never skips it.
 */
final class Socat implements AutoCloseable {
    private final Process process;
    final Path a;
    final Path b;

    private Socat(Process process, Path a, Path b) {
        this.process = process;
        this.a = a;
        this.b = b;
    }

    static Socat ptyPair(Path dir) throws IOException, InterruptedException {
        Process which = new ProcessBuilder("sh", "-c", "command -v socat").redirectErrorStream(true).start();
        if (!which.waitFor(10, TimeUnit.SECONDS) || which.exitValue() != 0) {
            fail("socat is not installed, and the serial tests need it to make a pseudo-terminal pair:"
                    + " install it (sudo apt-get install socat); .ci/run installs it when missing");
        }
        Path la = dir.resolve("ttyA");
        Path lb = dir.resolve("ttyB");
        Process p = new ProcessBuilder("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + la, "pty,raw,echo=0,link=" + lb)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(la) && Files.exists(lb))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("socat did not make the pty pair: " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
        // socat prints "starting data transfer loop" once both ends are ready.
        while (!Files.readString(dir.resolve("socat.log")).contains("starting data transfer loop")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("socat did not start relaying: " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
        return new Socat(p, la.toRealPath(), lb.toRealPath());
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
