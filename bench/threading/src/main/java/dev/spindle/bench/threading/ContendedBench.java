package dev.spindle.bench.threading;

import dev.spindle.threading.Lock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Benchmark 2: N threads (see {@link Contended2} and {@link Contended4}) share one lock. Each
 * operation is acquire, a short critical section ({@value #INSIDE} Blackhole tokens), release,
 * then a short stretch of work outside the lock ({@value #OUTSIDE} tokens), as a firmware loop
 * that guards a shared buffer would. Throughput in operations per second of all threads together.
 *
 * <p>Peers: fair {@link ReentrantLock} (FIFO hand-off, the same promise Spindle makes within one
 * priority) and non-fair {@code ReentrantLock} (barging: a releasing thread may take the lock
 * straight back, fast but unordered, the behaviour Spindle refuses by design).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class ContendedBench {
    static final int INSIDE = 50;
    static final int OUTSIDE = 100;

    private final Lock spindle = new Lock();
    private final ReentrantLock fair = new ReentrantLock(true);
    private final ReentrantLock nonFair = new ReentrantLock(false);
    private long counter;

    @Benchmark
    public long spindleLock() {
        long c;
        spindle.acquire();
        try {
            c = ++counter;
            Blackhole.consumeCPU(INSIDE);
        } finally {
            spindle.release();
        }
        Blackhole.consumeCPU(OUTSIDE);
        return c;
    }

    @Benchmark
    public long fairReentrantLock() {
        return run(fair);
    }

    @Benchmark
    public long nonFairReentrantLock() {
        return run(nonFair);
    }

    private long run(ReentrantLock lock) {
        long c;
        lock.lock();
        try {
            c = ++counter;
            Blackhole.consumeCPU(INSIDE);
        } finally {
            lock.unlock();
        }
        Blackhole.consumeCPU(OUTSIDE);
        return c;
    }
}
