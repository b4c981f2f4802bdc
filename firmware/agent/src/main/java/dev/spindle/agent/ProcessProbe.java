package dev.spindle.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM's CPU share and the machine's load average for telemetry, read at most once per
 * {@link #MIN_INTERVAL_MS} for the whole process and shared by every agent in it.
 *
 * <p>Why shared: the process CPU time comes from the kernel summing the times of all the
 * process's threads ({@code times()}), so one reading costs in proportion to the thread count.
 * With one agent per JVM (a board) that is nothing; with {@code spindle sim}'s 1,000 agents and
 * 6,000 threads in one JVM, each agent reading it every second took a quarter of the machine's
 * CPU (perf: {@code thread_group_cputime}, docs/benchmarks.md "Fleet at scale"). The readings
 * describe the process, not an agent, so one reading serves them all.
 *
 * <p>Algorithm: {@link #sample()} returns the cached sample when the last one is younger than
 * {@link #MIN_INTERVAL_MS}; otherwise it reads the CPU time, computes the share since the
 * previous reading and caches it. So a board with a telemetry period of a second or more gets the
 * share over its own period, as before; many agents in one JVM share one reading a second.
 *
 * <p>Thread-safe: every field is guarded by the class lock ({@code synchronized static}).
 */
final class ProcessProbe {
    /** Readings younger than this are reused. */
    static final long MIN_INTERVAL_MS = 900;

    /** One reading: CPU share of all cores since the previous reading (null when unknown), load average (null when unknown). */
    record Sample(Double cpuLoad, Double systemLoad) {
    }

    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private static long lastCpuNs = -1; // guarded by ProcessProbe.class
    private static long lastWallNs; // guarded by ProcessProbe.class
    private static Sample last = new Sample(null, null); // guarded by ProcessProbe.class
    private static long reads; // guarded by ProcessProbe.class: readings taken (tests)

    private ProcessProbe() {
    }

    /** @return the current sample, read now if the cached one is {@link #MIN_INTERVAL_MS} old or older */
    static synchronized Sample sample() {
        long wall = System.nanoTime();
        if (lastCpuNs >= 0 && wall - lastWallNs < MIN_INTERVAL_MS * 1_000_000L) {
            return last;
        }
        reads++;
        Double cpu = null;
        if (OS instanceof com.sun.management.OperatingSystemMXBean sun) {
            long cpuNs = sun.getProcessCpuTime();
            if (cpuNs >= 0) {
                if (lastCpuNs >= 0 && wall > lastWallNs) {
                    double share = (double) (cpuNs - lastCpuNs)
                            / ((wall - lastWallNs) * (double) Runtime.getRuntime().availableProcessors());
                    cpu = Math.round(Math.min(1.0, Math.max(0.0, share)) * 10000) / 10000.0;
                }
                lastCpuNs = cpuNs;
            }
        }
        if (lastCpuNs < 0) {
            lastCpuNs = 0; // no CPU time on this JVM: still cache the load average
        }
        lastWallNs = wall;
        double load = OS.getSystemLoadAverage();
        last = new Sample(cpu, load < 0 ? null : load);
        return last;
    }

    /** How many times the process was actually read (tests). */
    static synchronized long reads() {
        return reads;
    }
}
