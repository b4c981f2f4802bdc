package dev.spindle.bench.threading;

import dev.spindle.threading.Condition;
import dev.spindle.threading.Event;
import dev.spindle.threading.Semaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Benchmark 3: a round trip between two threads, each blocking until the other signals. The JMH
 * thread sends a ping and waits for the pong; a partner thread, started per trial, answers. One
 * operation is one full round trip (two wake-ups), so the score is dominated by how fast each
 * primitive puts a thread to sleep and wakes it.
 *
 * <p>Pairs: Spindle {@link Semaphore} vs {@link java.util.concurrent.Semaphore}; Spindle
 * {@link Event} vs {@link CountDownLatch} (one-shot, so a fresh pair per round, which is how a
 * latch is used for a repeated signal) and vs a volatile flag with {@link LockSupport} park/unpark
 * (the bare floor of a JDK wake-up); Spindle {@link Condition} vs
 * {@link java.util.concurrent.locks.Condition} of a {@link ReentrantLock}.
 *
 * <p>The partner stops at tear-down: the flag is set and it is woken once more. It is a daemon
 * thread so that a broken primitive cannot keep a benchmark JVM alive.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class PingPongBench {

    /** Starts the partner side of a ping-pong. */
    static Thread partner(String name, Runnable loop) {
        Thread t = new Thread(loop, "pingpong-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void stop(Thread partner) throws InterruptedException {
        partner.join(10_000);
        if (partner.isAlive()) {
            throw new IllegalStateException(partner.getName() + " did not stop: the primitive lost a wake-up");
        }
    }

    // ---- Semaphore -----------------------------------------------------------------------------

    @State(Scope.Benchmark)
    public static class SpindleSemaphores {
        final Semaphore ping = new Semaphore(0);
        final Semaphore pong = new Semaphore(0);
        volatile boolean stop;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("spindle-semaphore", () -> {
                while (true) {
                    ping.acquire();
                    if (stop) {
                        return;
                    }
                    pong.release();
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            stop = true;
            ping.release();
            stop(partner);
        }
    }

    @State(Scope.Benchmark)
    public static class JdkSemaphores {
        final java.util.concurrent.Semaphore ping = new java.util.concurrent.Semaphore(0);
        final java.util.concurrent.Semaphore pong = new java.util.concurrent.Semaphore(0);
        volatile boolean stop;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("jdk-semaphore", () -> {
                while (true) {
                    ping.acquireUninterruptibly();
                    if (stop) {
                        return;
                    }
                    pong.release();
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            stop = true;
            ping.release();
            stop(partner);
        }
    }

    @Benchmark
    public void semaphoreSpindle(SpindleSemaphores s) {
        s.ping.release();
        s.pong.acquire();
    }

    @Benchmark
    public void semaphoreJdk(JdkSemaphores s) {
        s.ping.release();
        s.pong.acquireUninterruptibly();
    }

    // ---- Event ---------------------------------------------------------------------------------

    @State(Scope.Benchmark)
    public static class SpindleEvents {
        final Event go = new Event();
        final Event back = new Event();
        volatile boolean stop;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("spindle-event", () -> {
                while (true) {
                    go.await();
                    go.clear(); // before answering: the next set is a new one
                    if (stop) {
                        return;
                    }
                    back.set();
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            stop = true;
            go.set();
            stop(partner);
        }
    }

    /** A round of the latch ping-pong: latches are one-shot, so each round has its own pair. */
    static final class Round {
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch back = new CountDownLatch(1);
        Round next; // written before go.countDown(), read after go.await()
    }

    @State(Scope.Benchmark)
    public static class Latches {
        Round current = new Round(); // only the JMH thread
        volatile boolean stop;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            Round first = current;
            partner = partner("latch", () -> {
                Round r = first;
                while (true) {
                    awaitUninterruptibly(r.go);
                    if (stop) {
                        return;
                    }
                    Round next = r.next;
                    r.back.countDown();
                    r = next;
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            stop = true;
            current.go.countDown();
            stop(partner);
        }
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @State(Scope.Benchmark)
    public static class Parking {
        volatile boolean toPartner;
        volatile boolean toCaller;
        volatile Thread caller;
        volatile boolean stop;
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("park", () -> {
                while (true) {
                    while (!toPartner && !stop) {
                        LockSupport.park(this);
                    }
                    if (stop) {
                        return;
                    }
                    toPartner = false;
                    toCaller = true;
                    LockSupport.unpark(caller);
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            stop = true;
            LockSupport.unpark(partner);
            stop(partner);
        }
    }

    @Benchmark
    public void eventSpindle(SpindleEvents s) {
        s.go.set();
        s.back.await();
        s.back.clear();
    }

    @Benchmark
    public void eventCountDownLatch(Latches s) {
        Round r = s.current;
        Round next = new Round();
        r.next = next;
        r.go.countDown();
        awaitUninterruptibly(r.back);
        s.current = next;
    }

    @Benchmark
    public void eventLockSupport(Parking s) {
        Thread me = Thread.currentThread();
        if (s.caller != me) {
            s.caller = me;
        }
        s.toPartner = true;
        LockSupport.unpark(s.partner);
        while (!s.toCaller) {
            LockSupport.park(s);
        }
        s.toCaller = false;
    }

    // ---- Condition -----------------------------------------------------------------------------

    @State(Scope.Benchmark)
    public static class SpindleCondition {
        final Condition cond = new Condition();
        int turn; // guarded by cond's lock: 1 = the partner's turn, 0 = the caller's
        boolean stop; // guarded by cond's lock
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("spindle-condition", () -> {
                cond.acquire();
                try {
                    while (true) {
                        while (turn != 1 && !stop) {
                            cond.await();
                        }
                        if (stop) {
                            return;
                        }
                        turn = 0;
                        cond.signal();
                    }
                } finally {
                    cond.release();
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            cond.acquire();
            stop = true;
            cond.signal();
            cond.release();
            stop(partner);
        }
    }

    @State(Scope.Benchmark)
    public static class JdkCondition {
        final ReentrantLock lock = new ReentrantLock();
        final java.util.concurrent.locks.Condition cond = lock.newCondition();
        int turn; // guarded by lock
        boolean stop; // guarded by lock
        Thread partner;

        @Setup(Level.Trial)
        public void start() {
            partner = partner("jdk-condition", () -> {
                lock.lock();
                try {
                    while (true) {
                        while (turn != 1 && !stop) {
                            cond.awaitUninterruptibly();
                        }
                        if (stop) {
                            return;
                        }
                        turn = 0;
                        cond.signal();
                    }
                } finally {
                    lock.unlock();
                }
            });
        }

        @TearDown(Level.Trial)
        public void end() throws InterruptedException {
            lock.lock();
            try {
                stop = true;
                cond.signal();
            } finally {
                lock.unlock();
            }
            stop(partner);
        }
    }

    @Benchmark
    public void conditionSpindle(SpindleCondition s) {
        s.cond.acquire();
        try {
            s.turn = 1;
            s.cond.signal();
            while (s.turn != 0) {
                s.cond.await();
            }
        } finally {
            s.cond.release();
        }
    }

    @Benchmark
    public void conditionJdk(JdkCondition s) {
        s.lock.lock();
        try {
            s.turn = 1;
            s.cond.signal();
            while (s.turn != 0) {
                s.cond.awaitUninterruptibly();
            }
        } finally {
            s.lock.unlock();
        }
    }
}
