package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A million operations per primitive, spread over a few threads of mixed priorities, checking
 * that no permit is lost or duplicated (counter invariants) and no wake-up is lost (every thread
 * finishes; a lost wake-up would hang, which the hang guard turns into a failure). The hang guard
 * is minutes: it is never a performance limit.
 */
class StressTest {
    private static final Duration HANG_GUARD = Duration.ofMinutes(4);
    private static final int OPS = 1_000_000;
    private static final int THREADS = 4;

    /**
     * Starts {@code n} threads of priorities 1, 3, 5, 7, ... running {@code body(index)}, lets them
     * all go at once (so they really overlap) and joins them all.
     */
    private static void runAll(int n, IndexedBody body) {
        Thread[] ts = new Thread[n];
        Event go = new Event();
        for (int i = 0; i < n; i++) {
            final int index = i;
            ts[i] = new Thread(() -> {
                go.await();
                body.run(index);
            }, "stress-" + i);
            ts[i].start(1 + (2 * i) % 7);
        }
        for (Thread t : ts) {
            Waiting.untilWaiting(t.getIdent());
        }
        go.set();
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
    }

    interface IndexedBody {
        void run(int index);
    }

    @Test
    void lock() {
        Lock lock = new Lock();
        int[] counter = {0}; // guarded by lock
        AtomicLong ops = new AtomicLong();
        int perThread = OPS / 2 / THREADS;
        assertTimeoutPreemptively(HANG_GUARD, () -> runAll(THREADS, index -> {
            long mine = 0;
            for (int k = 0; k < perThread; k++) {
                switch (k % 4) {
                    case 0:
                        lock.acquire();
                        break;
                    case 1:
                        assertTrue(lock.acquire(true, Waiting.HANG_GUARD_MS));
                        break;
                    case 2:
                        while (!lock.acquire(false)) {
                            mine++;
                            java.lang.Thread.yield();
                        }
                        break;
                    default:
                        try (Lock held = lock.enter()) {
                            counter[0]++;
                        }
                        mine += 2;
                        continue;
                }
                counter[0]++;
                lock.release();
                mine += 2;
            }
            ops.addAndGet(mine);
        }));
        assertEquals(THREADS * perThread, counter[0], "no lost update: mutual exclusion held");
        assertFalse(lock.locked());
        assertTrue(ops.get() >= OPS, "ops " + ops.get());
    }

    @Test
    void semaphore() {
        int permits = 2;
        Semaphore sem = new Semaphore(permits);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicLong ops = new AtomicLong();
        AtomicLong passes = new AtomicLong();
        int perThread = OPS / 2 / THREADS;
        assertTimeoutPreemptively(HANG_GUARD, () -> runAll(THREADS, index -> {
            long mine = 0;
            for (int k = 0; k < perThread; k++) {
                if (k % 3 == 0) {
                    assertTrue(sem.acquire(true, Waiting.HANG_GUARD_MS));
                } else if (k % 3 == 1) {
                    sem.acquire();
                } else {
                    while (!sem.acquire(false)) {
                        mine++;
                        java.lang.Thread.yield();
                    }
                }
                int now = inside.incrementAndGet();
                if (now > worst.get()) {
                    worst.accumulateAndGet(now, Math::max);
                }
                passes.incrementAndGet();
                inside.decrementAndGet();
                sem.release();
                mine += 2;
            }
            ops.addAndGet(mine);
        }));
        assertEquals(permits, sem.available(), "no permit lost or made up");
        assertTrue(worst.get() <= permits, "never more than " + permits + " inside: " + worst.get());
        assertEquals((long) THREADS * perThread, passes.get());
        assertTrue(ops.get() >= OPS, "ops " + ops.get());
    }

    /**
     * A sense-reversing barrier built on two Events: in round r the controller clears the event of
     * round r+1, sets the one of round r and waits for every worker's ack. Between its wake-up and
     * its ack, each worker checks (with isSet/await(0)) that its round's event is set and the next
     * one's is clear. A wake-up lost by set(), even with a clear() right after, hangs the round.
     */
    @Test
    void event() {
        Event[] round = {new Event(), new Event()};
        Semaphore acks = new Semaphore(0);
        int checks = 20;
        int workers = THREADS - 1;
        int opsPerRound = 2 + workers * (1 + 3 * checks);
        int rounds = OPS / opsPerRound + 1;
        AtomicLong ops = new AtomicLong();
        AtomicInteger broken = new AtomicInteger();
        assertTimeoutPreemptively(HANG_GUARD, () -> runAll(THREADS, index -> {
            long mine = 0;
            if (index == 0) {
                for (int r = 0; r < rounds; r++) {
                    round[(r + 1) % 2].clear();
                    round[r % 2].set();
                    mine += 2;
                    for (int w = 0; w < workers; w++) {
                        acks.acquire();
                    }
                }
            } else {
                for (int r = 0; r < rounds; r++) {
                    Event now = round[r % 2];
                    Event next = round[(r + 1) % 2];
                    boolean ok = (r + index) % 2 == 0 ? now.await() : now.await(Waiting.HANG_GUARD_MS);
                    mine++;
                    for (int c = 0; c < checks; c++) {
                        if (!ok || !now.isSet() || !now.await(0) || next.isSet()) {
                            broken.incrementAndGet();
                        }
                        mine += 3;
                    }
                    acks.release();
                }
            }
            ops.addAndGet(mine);
        }));
        assertEquals(0, broken.get(), "a round's event was not set, or the next one not clear");
        assertEquals(0, acks.available());
        assertTrue(ops.get() >= OPS, "ops " + ops.get());
    }

    /**
     * A bounded buffer (one Lock, two Conditions): producers await notFull, consumers waitFor
     * notEmpty; signal, signal(n) and signalAll are mixed. Every item is consumed exactly once.
     */
    @Test
    void condition() {
        Lock lock = new Lock();
        Condition notFull = new Condition(lock);
        Condition notEmpty = new Condition(lock);
        int capacity = 64;
        long[] buffer = new long[capacity]; // guarded by lock
        int[] head = {0};
        int[] count = {0};
        int producers = 2;
        int consumers = 2;
        int items = 75_000; // per producer
        AtomicLong consumedSum = new AtomicLong();
        AtomicLong consumedCount = new AtomicLong();
        AtomicLong ops = new AtomicLong();
        AtomicInteger overflow = new AtomicInteger();
        assertTimeoutPreemptively(HANG_GUARD, () -> runAll(producers + consumers, index -> {
            long mine = 0;
            if (index < producers) {
                for (int k = 0; k < items; k++) {
                    notFull.acquire();
                    mine++;
                    while (count[0] == capacity) {
                        if (k % 2 == 0) {
                            notFull.await();
                        } else {
                            notFull.await(Waiting.HANG_GUARD_MS);
                        }
                        mine++;
                    }
                    buffer[(head[0] + count[0]) % capacity] = (long) index * items + k;
                    count[0]++;
                    if (count[0] > capacity) {
                        overflow.incrementAndGet();
                    }
                    if (k % 3 == 0) {
                        notEmpty.signal();
                    } else if (k % 3 == 1) {
                        notEmpty.signal(2);
                    } else {
                        notEmpty.signalAll();
                    }
                    notFull.release();
                    mine += 2;
                }
            } else {
                int share = producers * items / consumers;
                for (int k = 0; k < share; k++) {
                    notEmpty.acquire();
                    long[] calls = {0};
                    assertTrue(notEmpty.waitFor(() -> {
                        calls[0]++;
                        return count[0] > 0;
                    }, k % 2 == 0 ? -1 : Waiting.HANG_GUARD_MS));
                    mine += 1 + calls[0];
                    long v = buffer[head[0]];
                    head[0] = (head[0] + 1) % capacity;
                    count[0]--;
                    consumedSum.addAndGet(v);
                    consumedCount.incrementAndGet();
                    notFull.signal();
                    notEmpty.release();
                    mine += 2;
                }
            }
            ops.addAndGet(mine);
        }));
        long n = (long) producers * items;
        assertEquals(n, consumedCount.get());
        assertEquals(n * (n - 1) / 2, consumedSum.get(), "every item consumed exactly once");
        assertEquals(0, count[0]);
        assertEquals(0, overflow.get());
        assertEquals(0, notFull.waiting());
        assertEquals(0, notEmpty.waiting());
        assertFalse(lock.locked());
        assertTrue(ops.get() >= OPS, "ops " + ops.get());
    }

    @Test
    void lockType() {
        LockType lock = Threads.allocateLock();
        int[] counter = {0}; // guarded by lock
        AtomicLong ops = new AtomicLong();
        int perThread = OPS / 2 / THREADS;
        assertTimeoutPreemptively(HANG_GUARD, () -> runAll(THREADS, index -> {
            long mine = 0;
            for (int k = 0; k < perThread; k++) {
                switch (k % 4) {
                    case 0:
                        lock.acquire();
                        break;
                    case 1:
                        assertTrue(lock.acquire(1, 60.0));
                        break;
                    case 2:
                        while (!lock.acquire(0)) {
                            mine++;
                            java.lang.Thread.yield();
                        }
                        break;
                    default:
                        try (LockType held = lock.enter()) {
                            counter[0]++;
                        }
                        mine += 2;
                        continue;
                }
                counter[0]++;
                lock.release();
                mine += 2;
            }
            ops.addAndGet(mine);
        }));
        assertEquals(THREADS * perThread, counter[0]);
        assertFalse(lock.locked());
        assertTrue(ops.get() >= OPS, "ops " + ops.get());
    }
}
