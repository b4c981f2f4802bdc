package dev.spindle.bench.threading;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 6 (time): start a thread that does nothing and join it. Spindle's
 * {@link dev.spindle.threading.Thread} adds the registry (enter at start, leave at join), the
 * start/end listeners and a join built on its own {@link dev.spindle.threading.Event}, on top of
 * the {@link java.lang.Thread} that carries it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class ThreadStartBench {
    private static final Runnable NOTHING = () -> { };

    @Benchmark
    public void spindleThread() {
        dev.spindle.threading.Thread t = new dev.spindle.threading.Thread(NOTHING);
        t.start();
        t.join();
    }

    @Benchmark
    public void javaThread() throws InterruptedException {
        Thread t = new Thread(NOTHING);
        t.start();
        t.join();
    }
}
