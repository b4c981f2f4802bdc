package dev.spindle.bench.mqtt;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells when the JIT compilers of the round trip's three JVMs have settled, so that the samples
 * are taken from compiled code, as a long-running agent has it (docs/benchmarks.md, "MQTT": C2
 * compiling the agent's command path during the samples was the largest part of its p99 tail).
 * The children log their compilations ({@link #logFlag}); a line of tier 4 (C2) that is not a
 * "made not entrant" note counts as one C2 compilation. This JVM's compilers are watched through
 * {@link CompilationMXBean#getTotalCompilationTime} (all tiers, milliseconds).
 */
final class JitWatch {
    /** A state of the three JVMs' compilers. */
    record Snapshot(long childC2, long selfCompileMs) {
    }

    private final List<Path> childLogs;
    private final CompilationMXBean self = ManagementFactory.getCompilationMXBean();

    JitWatch(List<Path> childLogs) {
        this.childLogs = List.copyOf(childLogs);
    }

    /** The JVM flag that makes a child log its compilations to {@code log}. */
    static String logFlag(Path log) {
        return "-Xlog:jit+compilation=debug:file=" + log + ":none";
    }

    Snapshot snapshot() throws IOException {
        long c2 = 0;
        for (Path p : childLogs) {
            if (Files.exists(p)) {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (isC2Compile(line)) {
                        c2++;
                    }
                }
            }
        }
        return new Snapshot(c2, self.isCompilationTimeMonitoringSupported() ? self.getTotalCompilationTime() : 0);
    }

    /**
     * @return true for a line of {@code -Xlog:jit+compilation=debug} (no decorations) that starts
     *         a tier 4 compilation: {@code "  182 %     4       a.B::c @ 12 (40 bytes)"}
     */
    static boolean isC2Compile(String line) {
        if (line.contains("made not entrant") || line.contains("made zombie")) {
            return false;
        }
        String[] t = line.strip().split("\\s+");
        if (t.length < 3 || !t[0].chars().allMatch(Character::isDigit)) {
            return false;
        }
        int i = 1;
        while (i < t.length && t[i].chars().allMatch(c -> "%sb!n".indexOf(c) >= 0)) {
            i++; // the flags column: OSR, synchronized, has handler, blocking, native
        }
        return i < t.length && t[i].equals("4");
    }
}
