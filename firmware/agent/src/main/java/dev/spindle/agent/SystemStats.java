package dev.spindle.agent;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads CPU, load and temperature for telemetry (process-wide readings: {@link ProcessProbe}). Used by the agent's timer thread only. */
final class SystemStats {
    private final Path temperatureFile;

    SystemStats(Path temperatureFile) {
        this.temperatureFile = temperatureFile;
    }

    /**
     * @return the JVM's share of all cores since the previous reading (at most about a second old,
     *         shared by all agents in the JVM: {@link ProcessProbe}), 0..1, or null when the JVM cannot tell
     */
    Double cpuLoad() {
        return ProcessProbe.sample().cpuLoad();
    }

    Double systemLoad() {
        return ProcessProbe.sample().systemLoad();
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
