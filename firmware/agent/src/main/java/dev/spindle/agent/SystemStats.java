package dev.spindle.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads heap, CPU, load and temperature for telemetry. Used by the agent's timer thread only. */
final class SystemStats {
    private final Path temperatureFile;
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private long lastCpuNs = -1; // confined to the timer thread
    private long lastWallNs; // confined to the timer thread

    SystemStats(Path temperatureFile) {
        this.temperatureFile = temperatureFile;
    }

    /** @return the JVM's share of all cores since the last call, 0..1, or null when the JVM cannot tell */
    Double cpuLoad() {
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
            return null;
        }
        long cpu = sun.getProcessCpuTime();
        long wall = System.nanoTime();
        if (cpu < 0) {
            return null;
        }
        Double load = null;
        if (lastCpuNs >= 0 && wall > lastWallNs) {
            load = Math.min(1.0, Math.max(0.0,
                    (double) (cpu - lastCpuNs) / ((wall - lastWallNs) * (double) Runtime.getRuntime().availableProcessors())));
            load = Math.round(load * 10000) / 10000.0;
        }
        lastCpuNs = cpu;
        lastWallNs = wall;
        return load;
    }

    Double systemLoad() {
        double l = os.getSystemLoadAverage();
        return l < 0 ? null : l;
    }

    /** @return °C from the sensor file (millidegrees or degrees), or null when there is none */
    Double temperatureC() {
        if (temperatureFile == null || !Files.isReadable(temperatureFile)) {
            return null;
        }
        try {
            double v = Double.parseDouble(Files.readString(temperatureFile, StandardCharsets.US_ASCII).trim());
            return Math.abs(v) >= 1000 ? v / 1000.0 : v;
        } catch (java.io.IOException | NumberFormatException e) {
            return null;
        }
    }

    static int jvmThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
