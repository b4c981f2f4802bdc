package dev.spindle.protocol;

import java.util.Map;

/**
 * {@code spindle/v1/{fleet}/{board}/telemetry}, retained, QoS 1, every {@code period_s} seconds.
 *
 * @param v              protocol version
 * @param ts             ms since the epoch (board clock)
 * @param session        the session of the state message this belongs to
 * @param periodS        seconds until the next one
 * @param uptimeS        seconds since the agent started
 * @param heapUsedBytes  JVM heap in use, bytes
 * @param heapMaxBytes   JVM heap limit, bytes
 * @param cpuLoad        CPU used by the agent's JVM over the last period, 0..1 of all cores; null when unknown
 * @param systemLoad     one-minute load average of the machine; null when unknown
 * @param temperatureC   SoC temperature in degrees Celsius; null when the board has no sensor file
 * @param threadCount    live Spindle threads (the app's)
 * @param jvmThreadCount live JVM threads (all, including the agent's)
 * @param health         {@code ok}, {@code degraded} (a thread crashed), {@code deadlock}, {@code app_stopped}, {@code no_app}
 * @param appState       {@code running}, {@code stopped}, {@code failed} or {@code none}
 * @param pins           pin name to level (0/1), empty when the agent runs without a HAL
 * @param pinModes       pin name to {@code in} or {@code out}, for the pins in {@code pins}; absent
 *                       (null) in messages from agents before 0.1.0 and then unknown
 */
public record TelemetryMessage(int v, long ts, long session, double periodS, double uptimeS, long heapUsedBytes,
        long heapMaxBytes, Double cpuLoad, Double systemLoad, Double temperatureC, int threadCount,
        int jvmThreadCount, String health, String appState, Map<String, Integer> pins,
        Map<String, String> pinModes) {

    /** Telemetry without pin modes (tools and tests that publish their own telemetry). */
    public TelemetryMessage(int v, long ts, long session, double periodS, double uptimeS, long heapUsedBytes,
            long heapMaxBytes, Double cpuLoad, Double systemLoad, Double temperatureC, int threadCount,
            int jvmThreadCount, String health, String appState, Map<String, Integer> pins) {
        this(v, ts, session, periodS, uptimeS, heapUsedBytes, heapMaxBytes, cpuLoad, systemLoad, temperatureC,
                threadCount, jvmThreadCount, health, appState, pins, Map.of());
    }
}
