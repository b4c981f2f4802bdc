package dev.spindle.bench.mqtt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A board-side process of the round-trip benchmark: a JVM started with the flags the agent gets
 * on a board ({@link #BOARD_JVM_FLAGS}, as {@code dist/bin/spindle-agent} starts it), the same for
 * the agent and for the raw Paho responders so that neither side has a better JVM. Its output goes
 * to a log file; it is stopped by its PID (SIGTERM, then SIGKILL after 15 s).
 */
final class ChildJvm implements AutoCloseable {
    /** {@code DEFAULT_OPTS} of {@code dist/src/main/dist/bin/spindle-agent}. */
    static final List<String> BOARD_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=25", "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData");
    /**
     * Extra flags for both children, e.g. {@code -Xlog:gc*,safepoint:file=/tmp/x-%p.log} for a profile;
     * {@code {name}} in them becomes the child's name ({@code agent}, {@code raw-responders}), for
     * JFR's {@code filename=}, which has no {@code %p} in Java 17.
     */
    static final String EXTRA_FLAGS_PROPERTY = "bench.board.jvmArgs";

    final String name;
    final Process process;
    final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args} on this JVM's class path, with the board's flags and
     * {@code flags}; stdout and stderr go to {@code log}.
     */
    static ChildJvm start(String name, List<String> flags, String mainClass, Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(BOARD_JVM_FLAGS);
        cmd.addAll(flags);
        String extra = System.getProperty(EXTRA_FLAGS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            for (String f : extra.split("\\s+")) {
                cmd.add(f.replace("{name}", name.replace(' ', '-')));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                mainClass));
        cmd.addAll(List.of(args));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(name, p, log);
    }

    /** Waits until the log has a line equal to {@code line}; fails with the log when the process ends or time runs out. */
    void awaitLine(String line, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(log),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null;) {
                    if (l.strip().equals(line)) {
                        return;
                    }
                }
            }
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " (PID " + process.pid() + ") "
                        + (process.isAlive() ? "did not print '" + line + "' in time" : "exited " + process.exitValue())
                        + "; its log " + log + ":\n" + tail());
            }
            Thread.sleep(50);
        }
    }

    /** @return the last lines of the log, for an error message */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log not readable: " + e + ")";
        }
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " (PID " + process.pid() + ") exited " + process.exitValue()
                    + "; its log " + log + ":\n" + tail());
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM to this PID: the agent stops cleanly (state offline)
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
