package dev.spindle.bench.threading;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark 5: how long a high-priority thread waits for a lock that low-priority threads keep
 * busy. Not JMH: the result is a latency distribution (p50, p99), not a mean.
 *
 * <p>{@code n} contenders, Spindle threads at {@link dev.spindle.threading.Thread#PRIO_LOW}, loop
 * "lock, spin {@link #CRITICAL_NANOS} ns, unlock" without pause, so with {@code n >= 2} a queue of
 * {@code n - 1} is always waiting. One measuring Spindle thread at
 * {@link dev.spindle.threading.Thread#PRIO_HIGHEST} sleeps 1 ms, then times {@code lock()} (from
 * the call to its return), runs the same critical section and unlocks; repeated for the samples
 * asked, the first {@link #WARMUP} dropped. The configurations run interleaved in
 * {@link #BLOCKS} blocks, and the reported p99 is the median of the blocks' p99s. The same workload runs on Spindle's Lock and on a fair
 * {@code ReentrantLock} (for which the priorities are only labels): with Spindle the high thread
 * should wait at most about one critical section whatever {@code n}; with the FIFO peer it waits
 * behind the whole queue.
 *
 * <p>Bounded: a configuration stops after {@link #LIMIT_MS} with the samples it has.
 */
final class LatencyHarness {
    static final long CRITICAL_NANOS = 20_000;
    static final int WARMUP = 10;
    static final long LIMIT_MS = 20_000;
    /** Interleaved blocks per configuration; see {@link #runInterleaved}. */
    static final int BLOCKS = 10;

    /** Latencies of one configuration, in nanoseconds. */
    static final class Result {
        final String lock;
        final int contenders;
        final long[] sorted;

        Result(String lock, int contenders, long[] sorted) {
            this.lock = lock;
            this.contenders = contenders;
            this.sorted = sorted;
        }

        long percentile(double q) {
            return percentileOf(sorted, q);
        }
    }

    /** @return the {@code q} quantile (nearest rank) of ascending {@code sorted}, -1 when empty */
    static long percentileOf(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * Runs every configuration ({@code contenders} x {@code locks}) in {@link #BLOCKS} interleaved
     * blocks of {@code samples / BLOCKS}, so that a burst of load from elsewhere on a shared machine
     * hits one block of several configurations rather than the whole of one.
     *
     * @return per configuration, in the order given: the blocks' results
     */
    static List<List<Result>> runInterleaved(java.util.function.Supplier<BenchLock>[] locks, int[] contenders,
            int samples) {
        List<List<Result>> all = new ArrayList<>();
        for (int i = 0; i < contenders.length * locks.length; i++) {
            all.add(new ArrayList<>());
        }
        int perBlock = Math.max(1, samples / BLOCKS);
        for (int block = 0; block < BLOCKS; block++) {
            int k = 0;
            for (int n : contenders) {
                for (java.util.function.Supplier<BenchLock> lock : locks) {
                    all.get(k++).add(run(lock.get(), n, perBlock));
                }
            }
        }
        return all;
    }

    /**
     * @return {p50, p99, max, samples, p90}: p50, p90 and max over all samples of the blocks; p99 as the median of the blocks' p99s (robust to a few noisy blocks)
     */
    static long[] summarize(List<Result> blocks) {
        List<long[]> parts = new ArrayList<>();
        long[] p99s = new long[blocks.size()];
        int total = 0;
        for (int i = 0; i < blocks.size(); i++) {
            parts.add(blocks.get(i).sorted);
            p99s[i] = blocks.get(i).percentile(0.99);
            total += blocks.get(i).sorted.length;
        }
        long[] merged = new long[total];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, merged, at, part.length);
            at += part.length;
        }
        Arrays.sort(merged);
        Arrays.sort(p99s);
        return new long[] {percentileOf(merged, 0.50), p99s[p99s.length / 2], merged.length == 0 ? -1 : merged[merged.length - 1],
            merged.length, percentileOf(merged, 0.90)};
    }

    private LatencyHarness() {
    }

    static Result run(BenchLock lock, int contenders, int samples) {
        long deadline = System.currentTimeMillis() + LIMIT_MS;
        Control control = new Control();
        List<dev.spindle.threading.Thread> threads = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            dev.spindle.threading.Thread t = new dev.spindle.threading.Thread(() -> {
                while (!control.stop) {
                    lock.lock();
                    try {
                        spin(CRITICAL_NANOS);
                    } finally {
                        lock.unlock();
                    }
                }
            }, "low-" + i);
            t.start(dev.spindle.threading.Thread.PRIO_LOW);
            threads.add(t);
        }
        long[] times = new long[WARMUP + samples];
        int[] taken = new int[1];
        dev.spindle.threading.Thread high = new dev.spindle.threading.Thread(() -> {
            pauseMillis(20); // let the contenders form their queue
            for (int i = 0; i < times.length && System.currentTimeMillis() < deadline; i++) {
                pauseMillis(1);
                long t0 = System.nanoTime();
                lock.lock();
                long t1 = System.nanoTime();
                try {
                    spin(CRITICAL_NANOS);
                } finally {
                    lock.unlock();
                }
                times[i] = t1 - t0;
                taken[0] = i + 1;
            }
        }, "high");
        high.start(dev.spindle.threading.Thread.PRIO_HIGHEST);
        high.join();
        control.stop = true;
        for (dev.spindle.threading.Thread t : threads) {
            t.join(10_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop on " + lock.name);
            }
        }
        // join() made the high thread's writes visible.
        int n = Math.max(0, taken[0] - WARMUP);
        long[] measured = Arrays.copyOfRange(times, taken[0] - n, taken[0]);
        Arrays.sort(measured);
        return new Result(lock.name, contenders, measured);
    }

    static final class Control {
        volatile boolean stop;
    }

    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static void pauseMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
