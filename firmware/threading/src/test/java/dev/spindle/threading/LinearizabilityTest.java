package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A linearizability check (Wing and Gong's algorithm) of {@link Lock}, {@link Semaphore} and
 * {@link Event}: a few threads run short random histories of try, timed and plain operations on
 * one object; each history must be explainable by some order of the operations that respects
 * real time (an operation that returned before another began comes first) and the sequential
 * specification below. Timed waits take part: a timed acquire (or await) that returns false must
 * be placed at a moment where the resource was unavailable, which Spindle's hand-off guarantees
 * (its queue is non-empty only while the resource is unavailable).
 */
class LinearizabilityTest {
    private static final int THREADS = 3;
    private static final int OPS_PER_THREAD = 4;
    private static final int TRIALS = 1500;
    private static final long ERROR = -1;

    /** One operation of a history: what was called, what it returned, and when (logical clock). */
    static final class Op {
        final int kind;
        final int thread;
        long result;
        long invoked;
        long returned;

        Op(int kind, int thread) {
            this.kind = kind;
            this.thread = thread;
        }
    }

    /** A sequential specification over an int state. */
    interface Spec {
        int kinds();

        /** @return {new state, expected result} */
        long[] step(int state, int kind);

        /** Runs operation {@code kind} on the real object; returns its result code. */
        long run(Object target, int kind);

        Object fresh();

        int initialState();

        String name(int kind);
    }

    private static long bool(boolean b) {
        return b ? 1 : 0;
    }

    // ---- Lock: state 0 unlocked, 1 locked ---------------------------------------------------
    static final Spec LOCK = new Spec() {
        private final String[] names = {"acquire(false)", "acquire(true,1)", "release", "locked", "acquire(true,0)"};

        @Override
        public int kinds() {
            return names.length;
        }

        @Override
        public long[] step(int s, int kind) {
            switch (kind) {
                case 0:
                case 1:
                case 4:
                    return s == 0 ? new long[] {1, 1} : new long[] {1, 0};
                case 2:
                    return s == 1 ? new long[] {0, 0} : new long[] {0, ERROR};
                default:
                    return new long[] {s, s};
            }
        }

        @Override
        public long run(Object target, int kind) {
            Lock lock = (Lock) target;
            switch (kind) {
                case 0:
                    return bool(lock.acquire(false));
                case 1:
                    return bool(lock.acquire(true, 1));
                case 2:
                    try {
                        lock.release();
                        return 0;
                    } catch (ThreadError e) {
                        return ERROR;
                    }
                case 3:
                    return bool(lock.locked());
                default:
                    return bool(lock.acquire(true, 0));
            }
        }

        @Override
        public Object fresh() {
            return new Lock();
        }

        @Override
        public int initialState() {
            return 0;
        }

        @Override
        public String name(int kind) {
            return names[kind];
        }
    };

    // ---- Semaphore(1): state = permits ------------------------------------------------------
    static final Spec SEMAPHORE = new Spec() {
        private final String[] names = {"acquire(false)", "acquire(true,1)", "release", "available"};

        @Override
        public int kinds() {
            return names.length;
        }

        @Override
        public long[] step(int s, int kind) {
            switch (kind) {
                case 0:
                case 1:
                    return s > 0 ? new long[] {s - 1, 1} : new long[] {s, 0};
                case 2:
                    return new long[] {s + 1, 0};
                default:
                    return new long[] {s, s};
            }
        }

        @Override
        public long run(Object target, int kind) {
            Semaphore sem = (Semaphore) target;
            switch (kind) {
                case 0:
                    return bool(sem.acquire(false));
                case 1:
                    return bool(sem.acquire(true, 1));
                case 2:
                    sem.release();
                    return 0;
                default:
                    return sem.available();
            }
        }

        @Override
        public Object fresh() {
            return new Semaphore(1);
        }

        @Override
        public int initialState() {
            return 1;
        }

        @Override
        public String name(int kind) {
            return names[kind];
        }
    };

    // ---- Event: state 0 clear, 1 set --------------------------------------------------------
    static final Spec EVENT = new Spec() {
        private final String[] names = {"set", "clear", "isSet", "await(0)", "await(1)"};

        @Override
        public int kinds() {
            return names.length;
        }

        @Override
        public long[] step(int s, int kind) {
            switch (kind) {
                case 0:
                    return new long[] {1, 0};
                case 1:
                    return new long[] {0, 0};
                default:
                    return new long[] {s, s};
            }
        }

        @Override
        public long run(Object target, int kind) {
            Event ev = (Event) target;
            switch (kind) {
                case 0:
                    ev.set();
                    return 0;
                case 1:
                    ev.clear();
                    return 0;
                case 2:
                    return bool(ev.isSet());
                case 3:
                    return bool(ev.await(0));
                default:
                    return bool(ev.await(1));
            }
        }

        @Override
        public Object fresh() {
            return new Event();
        }

        @Override
        public int initialState() {
            return 0;
        }

        @Override
        public String name(int kind) {
            return names[kind];
        }
    };

    /** Wing and Gong: is there a real-time-respecting order in which every result matches the spec? */
    static boolean linearizable(Spec spec, List<Op> ops) {
        return search(spec, ops, 0L, spec.initialState(), new HashSet<String>());
    }

    private static boolean search(Spec spec, List<Op> ops, long done, int state, Set<String> dead) {
        if (Long.bitCount(done) == ops.size()) {
            return true;
        }
        String key = done + "/" + state;
        if (dead.contains(key)) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if ((done & (1L << i)) != 0 || !minimal(ops, done, i)) {
                continue;
            }
            Op op = ops.get(i);
            long[] next = spec.step(state, op.kind);
            if (next[1] == op.result && search(spec, ops, done | (1L << i), (int) next[0], dead)) {
                return true;
            }
        }
        dead.add(key);
        return false;
    }

    /** Op i may go next if no pending op returned before i was invoked. */
    private static boolean minimal(List<Op> ops, long done, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && (done & (1L << j)) == 0 && ops.get(j).returned < ops.get(i).invoked) {
                return false;
            }
        }
        return true;
    }

    private static void check(Spec spec, long seed) throws Exception {
        Random random = new Random(seed);
        AtomicLong clock = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        CyclicBarrier end = new CyclicBarrier(THREADS + 1);
        AtomicReference<Object> target = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        @SuppressWarnings("unchecked")
        List<Op>[] perThread = new List[THREADS];
        java.lang.Thread[] workers = new java.lang.Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            workers[t] = new java.lang.Thread(() -> {
                try {
                    for (int trial = 0; trial < TRIALS; trial++) {
                        start.await();
                        Object obj = target.get();
                        for (Op op : perThread[me]) {
                            op.invoked = clock.getAndIncrement();
                            op.result = spec.run(obj, op.kind);
                            op.returned = clock.getAndIncrement();
                        }
                        end.await();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "lin-" + t);
            workers[t].start();
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            List<Op> all = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                perThread[t] = new ArrayList<>();
                for (int k = 0; k < OPS_PER_THREAD; k++) {
                    Op op = new Op(random.nextInt(spec.kinds()), t);
                    perThread[t].add(op);
                    all.add(op);
                }
            }
            target.set(spec.fresh());
            start.await();
            end.await();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            if (!linearizable(spec, all)) {
                StringBuilder b = new StringBuilder("not linearizable (seed " + seed + ", trial " + trial + "):\n");
                for (Op op : all) {
                    b.append("  thread ").append(op.thread).append(' ').append(spec.name(op.kind)).append(" -> ")
                            .append(op.result).append(" [").append(op.invoked).append(", ").append(op.returned)
                            .append("]\n");
                }
                fail(b.toString());
            }
        }
        for (java.lang.Thread w : workers) {
            w.join();
        }
    }

    @Test
    void checkerRefusesANonLinearizableHistory() {
        // Two try-acquires of a free lock that both succeed one after the other: impossible.
        Op a = new Op(0, 0);
        a.result = 1;
        a.invoked = 0;
        a.returned = 1;
        Op b = new Op(0, 1);
        b.result = 1;
        b.invoked = 2;
        b.returned = 3;
        List<Op> h = new ArrayList<>();
        h.add(a);
        h.add(b);
        if (linearizable(LOCK, h)) {
            fail("the checker accepted an impossible history");
        }
        b.invoked = 0; // overlapping does not help either: the lock was taken once
        if (linearizable(LOCK, h)) {
            fail("the checker accepted an impossible history");
        }
    }

    @Test
    void lockIsLinearizable() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> check(LOCK, System.nanoTime()));
    }

    @Test
    void semaphoreIsLinearizable() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> check(SEMAPHORE, System.nanoTime()));
    }

    @Test
    void eventIsLinearizable() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> check(EVENT, System.nanoTime()));
    }
}
