package dev.spindle.tools.sim;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's footprint at one moment: heap in use after a full GC, resident set size (Linux
 * {@code /proc/self/status}; -1 elsewhere), and live threads. Two footprints give the cost per
 * simulated board.
 */
public record Footprint(long heapBytes, long rssBytes, int threads) {
    public static Footprint now() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return new Footprint(rt.totalMemory() - rt.freeMemory(), rss(Path.of("/proc/self/status")),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** VmRSS of a {@code /proc/PID/status} file in bytes, or -1. */
    public static long rss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Per-board cost from {@code before} to this footprint with {@code boards} boards. */
    public String perBoard(Footprint before, int boards) {
        return String.format("%.1f KiB heap, %s, %.1f threads per board",
                (heapBytes - before.heapBytes) / 1024.0 / boards,
                rssBytes < 0 || before.rssBytes < 0 ? "RSS unknown"
                        : String.format("%.1f KiB RSS", (rssBytes - before.rssBytes) / 1024.0 / boards),
                (threads - before.threads) / (double) boards);
    }
}
