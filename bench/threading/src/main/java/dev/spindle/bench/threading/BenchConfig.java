package dev.spindle.bench.threading;

/**
 * How long and how often to measure. {@link #SHORT} is what {@code make bench-threading} runs
 * (fits in under 10 minutes on a 2-core machine); {@link #SMOKE} is the one-tiny-iteration run of
 * {@code make test}, whose numbers mean nothing.
 */
final class BenchConfig {
    static final BenchConfig SHORT = new BenchConfig("short", 2, 2, 1000, 4, 1000, 30, 1500, 500);
    static final BenchConfig SMOKE = new BenchConfig("smoke", 0, 1, 60, 1, 60, 1, 20, 20);

    final String name;
    /** JMH forks; 0 runs in this JVM (smoke only). */
    final int forks;
    final int warmupIterations;
    final int warmupMillis;
    final int measurementIterations;
    final int measurementMillis;
    /** Rounds of 14 waiters for {@link PriorityOrderHarness}. */
    final int priorityRounds;
    /** Samples per configuration for {@link LatencyHarness}. */
    final int latencySamples;
    /** Threads started at once for the per-thread heap measurement. */
    final int memoryThreads;

    BenchConfig(String name, int forks, int warmupIterations, int warmupMillis, int measurementIterations,
            int measurementMillis, int priorityRounds, int latencySamples, int memoryThreads) {
        this.name = name;
        this.forks = forks;
        this.warmupIterations = warmupIterations;
        this.warmupMillis = warmupMillis;
        this.measurementIterations = measurementIterations;
        this.measurementMillis = measurementMillis;
        this.priorityRounds = priorityRounds;
        this.latencySamples = latencySamples;
        this.memoryThreads = memoryThreads;
    }

    @Override
    public String toString() {
        return name + ": JMH forks " + forks + ", warm-up " + warmupIterations + " x " + warmupMillis
                + " ms, measurement " + measurementIterations + " x " + measurementMillis + " ms; priority order "
                + priorityRounds + " rounds x 14 waiters; latency " + latencySamples + " samples per configuration;"
                + " thread heap over " + memoryThreads + " threads";
    }
}
