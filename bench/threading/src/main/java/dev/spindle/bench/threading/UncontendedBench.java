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
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 1: one thread takes and gives back a free lock, nobody else ever touches it. Each
 * critical section increments a field so that no variant is empty. Spindle's {@link Lock} against
 * {@link ReentrantLock} (the target peer) and a {@code synchronized} block (the floor any
 * monitor-based lock is built on).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class UncontendedBench {
    private final Lock spindle = new Lock();
    private final ReentrantLock reentrant = new ReentrantLock();
    private final Object monitor = new Object();
    private long counter;

    @Benchmark
    public long spindleLock() {
        spindle.acquire();
        try {
            return ++counter;
        } finally {
            spindle.release();
        }
    }

    @Benchmark
    public long reentrantLock() {
        reentrant.lock();
        try {
            return ++counter;
        } finally {
            reentrant.unlock();
        }
    }

    @Benchmark
    public long synchronizedBlock() {
        synchronized (monitor) {
            return ++counter;
        }
    }
}
