package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A port of CPython's {@code Lib/test/lock_tests.py} (and the start/join checks of
 * {@code test_threading.ThreadTests}) to Spindle, for what applies: Zerynth has no RLock,
 * BoundedSemaphore, Barrier or {@code release(n)}, and timeouts here are milliseconds on the
 * {@code threading} side and seconds on the {@code _thread} side.
 *
 * <p>Timing: CPython's {@code _wait()} sleeps are replaced by registry checks
 * ({@link Waiting#untilWaiting}) or by counters that are read under the lock, and CPython's
 * {@code assertTimeout(dt, expected)} keeps only its lower bound ({@code dt >= expected}): a slow
 * machine can make a wait longer, never shorter. Each test names its CPython origin.
 */
@Timeout(180)
class LockTestsPortTest {

    /** lock_tests.Bunch: n threads running f; started/finished counts. */
    static final class Bunch {
        final Thread[] threads;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();

        Bunch(Runnable f, int n) {
            threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                threads[i] = new Thread(() -> {
                    started.incrementAndGet();
                    try {
                        f.run();
                    } finally {
                        finished.incrementAndGet();
                    }
                }, "bunch-" + i);
                threads[i].start();
            }
        }

        void waitForStarted() {
            Waiting.until("bunch started", () -> started.get() == threads.length);
        }

        /** Waits until every thread of the bunch is blocked in a Spindle wait (CPython: _wait()). */
        void waitForAllBlocked() {
            for (Thread t : threads) {
                Waiting.untilWaiting(t.getIdent());
            }
        }

        void waitForFinished() {
            for (Thread t : threads) {
                Waiting.joinClean(t);
            }
        }
    }

    private static void assertAtLeast(long elapsedMs, long expectedMs) {
        assertTrue(elapsedMs >= expectedMs, "waited " + elapsedMs + " ms, expected at least " + expectedMs);
    }

    // ==== BaseLockTests / LockTests, for threading.Lock ===================================

    /** BaseLockTests.test_constructor, test_repr, test_locked_repr. */
    @Test
    void lockConstructorAndRepr() {
        Lock lock = new Lock();
        assertTrue(lock.toString().contains("unlocked"));
        lock.acquire();
        assertTrue(lock.toString().contains("(locked)"));
        lock.release();
    }

    /** BaseLockTests.test_acquire_destroy, test_acquire_release. */
    @Test
    void lockAcquireRelease() {
        Lock lock = new Lock();
        lock.acquire();
        lock.release();
        Lock dropped = new Lock();
        dropped.acquire(); // and dropped while locked: nothing to clean up
    }

    /** BaseLockTests.test_try_acquire. */
    @Test
    void lockTryAcquire() {
        Lock lock = new Lock();
        assertTrue(lock.acquire(false));
        lock.release();
    }

    /** BaseLockTests.test_try_acquire_contended. */
    @Test
    void lockTryAcquireContended() {
        Lock lock = new Lock();
        lock.acquire();
        List<Boolean> result = Collections.synchronizedList(new ArrayList<Boolean>());
        new Bunch(() -> result.add(lock.acquire(false)), 1).waitForFinished();
        assertEquals(Collections.singletonList(false), result);
        lock.release();
    }

    /** BaseLockTests.test_acquire_contended. */
    @Test
    void lockAcquireContended() {
        Lock lock = new Lock();
        lock.acquire();
        int n = 5;
        Bunch b = new Bunch(() -> {
            lock.acquire();
            lock.release();
        }, n);
        b.waitForStarted();
        b.waitForAllBlocked();
        assertEquals(0, b.finished.get());
        lock.release();
        b.waitForFinished();
        assertEquals(n, b.finished.get());
    }

    /** BaseLockTests.test_with. */
    @Test
    void lockWith() {
        Lock lock = new Lock();
        Runnable f = () -> {
            lock.acquire();
            lock.release();
        };
        try (Lock held = lock.enter()) {
            assertTrue(lock.locked());
        }
        new Bunch(f, 1).waitForFinished();
        assertThrows(ArithmeticException.class, () -> {
            try (Lock held = lock.enter()) {
                int zero = 0;
                System.out.println(1 / zero);
            }
        });
        new Bunch(f, 1).waitForFinished();
    }

    /** BaseLockTests.test_thread_leak: many short threads using one lock. */
    @Test
    void lockThreadLeak() {
        Lock lock = new Lock();
        for (int i = 0; i < 15; i++) {
            new Bunch(() -> {
                lock.acquire();
                lock.release();
            }, 15).waitForFinished();
        }
        assertFalse(lock.locked());
    }

    /** BaseLockTests.test_timeout. */
    @Test
    void lockTimeout() {
        Lock lock = new Lock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(false, 1));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(true, -100));
        // No OverflowError: a long holds any number of milliseconds.
        assertTrue(lock.acquire(true, Long.MAX_VALUE));
        lock.release();
        assertTrue(lock.acquire(true, 5000));
        List<Boolean> results = Collections.synchronizedList(new ArrayList<Boolean>());
        long[] dt = {0};
        new Bunch(() -> {
            long t1 = System.currentTimeMillis();
            results.add(lock.acquire(false));
            results.add(lock.acquire(true, 500));
            dt[0] = System.currentTimeMillis() - t1;
        }, 1).waitForFinished();
        assertEquals(java.util.Arrays.asList(false, false), results);
        assertAtLeast(dt[0], 500);
        lock.release();
    }

    /** LockTests.test_reacquire: a plain lock is not reentrant; another thread unblocks it. */
    @Test
    void lockReacquire() {
        Lock lock = new Lock();
        List<Integer> phase = Collections.synchronizedList(new ArrayList<Integer>());
        Thread t = new Thread(() -> {
            lock.acquire();
            phase.add(0);
            lock.acquire();
            phase.add(1);
        }, "reacquire");
        t.start();
        Waiting.untilWaiting(t.getIdent());
        assertEquals(Collections.singletonList(0), phase);
        lock.release();
        Waiting.joinClean(t);
        assertEquals(java.util.Arrays.asList(0, 1), phase);
        lock.release();
    }

    /** LockTests.test_different_thread: a lock can be released from a different thread. */
    @Test
    void lockDifferentThread() {
        Lock lock = new Lock();
        lock.acquire();
        new Bunch(lock::release, 1).waitForFinished();
        lock.acquire();
        lock.release();
    }

    /** LockTests.test_state_after_timeout (bpo-11618). */
    @Test
    void lockStateAfterTimeout() {
        Lock lock = new Lock();
        lock.acquire();
        assertFalse(lock.acquire(true, 10));
        lock.release();
        assertFalse(lock.locked());
        assertTrue(lock.acquire(false));
        lock.release();
    }

    // ==== the same BaseLockTests for _thread.allocate_lock (test_thread.LockTests) =========

    /** BaseLockTests.test_try_acquire / test_try_acquire_contended for _thread locks. */
    @Test
    void lockTypeTryAcquireContended() {
        LockType lock = Threads.allocateLock();
        assertTrue(lock.acquire(0));
        List<Boolean> result = Collections.synchronizedList(new ArrayList<Boolean>());
        new Bunch(() -> result.add(lock.acquire(0)), 1).waitForFinished();
        assertEquals(Collections.singletonList(false), result);
        lock.release();
    }

    /** BaseLockTests.test_acquire_contended for _thread locks. */
    @Test
    void lockTypeAcquireContended() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        Bunch b = new Bunch(() -> {
            lock.acquire();
            lock.release();
        }, 5);
        b.waitForStarted();
        b.waitForAllBlocked();
        assertEquals(0, b.finished.get());
        lock.release();
        b.waitForFinished();
    }

    /** BaseLockTests.test_timeout for _thread locks (seconds, fractions honoured). */
    @Test
    void lockTypeTimeout() {
        LockType lock = Threads.allocateLock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(1, Threads.TIMEOUT_MAX + 1e6 * Threads.TIMEOUT_MAX));
        assertTrue(lock.acquire(1, Threads.TIMEOUT_MAX));
        lock.release();
        assertTrue(lock.acquire(1, 5.0));
        List<Boolean> results = Collections.synchronizedList(new ArrayList<Boolean>());
        long[] dt = {0};
        new Bunch(() -> {
            long t1 = System.currentTimeMillis();
            results.add(lock.acquire(0));
            results.add(lock.acquire(1, 0.5));
            dt[0] = System.currentTimeMillis() - t1;
        }, 1).waitForFinished();
        assertEquals(java.util.Arrays.asList(false, false), results);
        assertAtLeast(dt[0], 500);
        lock.release();
    }

    /** LockTests.test_different_thread / test_state_after_timeout / test_with for _thread locks. */
    @Test
    void lockTypeDifferentThreadStateAfterTimeoutAndWith() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        new Bunch(lock::release, 1).waitForFinished();
        lock.acquire();
        assertFalse(lock.acquire(1, 0.01));
        lock.release();
        assertFalse(lock.locked());
        assertTrue(lock.acquire(0));
        lock.release();
        try (LockType held = lock.enter()) {
            assertTrue(lock.locked());
        }
        assertFalse(lock.locked());
    }

    // ==== EventTests =======================================================================

    /** EventTests.test_is_set. */
    @Test
    void eventIsSet() {
        Event evt = new Event();
        assertFalse(evt.isSet());
        evt.set();
        assertTrue(evt.isSet());
        evt.set();
        assertTrue(evt.isSet());
        evt.clear();
        assertFalse(evt.isSet());
        evt.clear();
        assertFalse(evt.isSet());
    }

    /** EventTests._check_notify: all threads get notified, twice. */
    private static void checkEventNotify(Event evt) {
        int n = 5;
        List<Boolean> results1 = Collections.synchronizedList(new ArrayList<Boolean>());
        List<Boolean> results2 = Collections.synchronizedList(new ArrayList<Boolean>());
        Bunch b = new Bunch(() -> {
            results1.add(evt.await());
            results2.add(evt.await());
        }, n);
        b.waitForStarted();
        b.waitForAllBlocked();
        assertEquals(0, results1.size());
        evt.set();
        b.waitForFinished();
        assertEquals(Collections.nCopies(n, true), results1);
        assertEquals(Collections.nCopies(n, true), results2);
    }

    /** EventTests.test_notify. */
    @Test
    void eventNotify() {
        Event evt = new Event();
        checkEventNotify(evt);
        // Another time, after an explicit clear().
        evt.set();
        evt.clear();
        checkEventNotify(evt);
    }

    /** EventTests.test_timeout. */
    @Test
    void eventTimeout() {
        Event evt = new Event();
        int n = 5;
        List<Boolean> results1 = Collections.synchronizedList(new ArrayList<Boolean>());
        List<long[]> results2 = Collections.synchronizedList(new ArrayList<long[]>());
        new Bunch(() -> {
            results1.add(evt.await(0));
            long t1 = System.currentTimeMillis();
            boolean r = evt.await(500);
            results2.add(new long[] {r ? 1 : 0, System.currentTimeMillis() - t1});
        }, n).waitForFinished();
        assertEquals(Collections.nCopies(n, false), results1);
        for (long[] r : results2) {
            assertEquals(0, r[0]);
            assertAtLeast(r[1], 500);
        }
        // The event is set.
        results1.clear();
        results2.clear();
        evt.set();
        new Bunch(() -> {
            results1.add(evt.await(0));
            results1.add(evt.await(1000));
        }, n).waitForFinished();
        assertEquals(Collections.nCopies(2 * n, true), results1);
    }

    /** EventTests.test_set_and_clear (bpo-13502): wait() returns true though cleared before waking. */
    @Test
    void eventSetAndClear() {
        Event evt = new Event();
        List<Boolean> results = Collections.synchronizedList(new ArrayList<Boolean>());
        int n = 5;
        Bunch b = new Bunch(() -> results.add(evt.await(1000 * 60)), n);
        b.waitForStarted();
        b.waitForAllBlocked();
        evt.set();
        evt.clear();
        b.waitForFinished();
        assertEquals(Collections.nCopies(n, true), results);
    }

    // ==== ConditionTests ===================================================================

    /** ConditionTests.test_acquire, adapted: Zerynth's default lock is a plain Lock, not an RLock. */
    @Test
    void conditionAcquire() {
        Condition cond = new Condition();
        cond.acquire();
        assertFalse(cond.acquire(false), "not reentrant (CPython's default RLock would be)");
        cond.release();
        Lock lock = new Lock();
        cond = new Condition(lock);
        cond.acquire();
        assertFalse(lock.acquire(false));
        cond.release();
        assertTrue(lock.acquire(false));
        assertFalse(cond.acquire(false));
        lock.release();
        try (Condition held = cond.enter()) {
            assertFalse(lock.acquire(false));
        }
    }

    /** ConditionTests.test_unacquired_wait. */
    @Test
    void conditionUnacquiredWait() {
        Condition cond = new Condition();
        assertThrows(ThreadError.class, cond::await);
    }

    /** ConditionTests.test_unacquired_notify. */
    @Test
    void conditionUnacquiredNotify() {
        Condition cond = new Condition();
        assertThrows(ThreadError.class, cond::signal);
    }

    /**
     * ConditionTests._check_notify: notify(3), then notify(5) reaching threads in their first or
     * second wait, then notify_all. Spindle has no spurious wake-ups and woken threads return only
     * once they get the lock, so the phase checks are exact.
     */
    private static void checkConditionNotify(Condition cond) {
        int n = 5;
        AtomicInteger ready = new AtomicInteger();
        List<int[]> results1 = Collections.synchronizedList(new ArrayList<int[]>());
        List<int[]> results2 = Collections.synchronizedList(new ArrayList<int[]>());
        int[] phaseNum = {0}; // guarded by cond's lock
        Bunch b = new Bunch(() -> {
            cond.acquire();
            ready.incrementAndGet();
            boolean result = cond.await();
            int phase = phaseNum[0];
            cond.release();
            results1.add(new int[] {result ? 1 : 0, phase});
            cond.acquire();
            ready.incrementAndGet();
            result = cond.await();
            phase = phaseNum[0];
            cond.release();
            results2.add(new int[] {result ? 1 : 0, phase});
        }, n);
        b.waitForStarted();
        // First wait, to ensure all workers settle into cond.wait() before we continue.
        Waiting.until("5 ready", () -> waitingUnder(cond) == 5);
        ready.set(0);
        assertEquals(0, results1.size());
        // Notify 3 threads at first.
        cond.acquire();
        cond.signal(3);
        phaseNum[0] = 1;
        cond.release();
        Waiting.until("3 results", () -> results1.size() >= 3);
        assertPhases(results1, 3, 1);
        assertEquals(0, results2.size());
        // Make sure all awakened workers settle into cond.wait().
        Waiting.until("3 ready", () -> ready.get() >= 3 && waitingUnder(cond) == 5);
        // Notify 5 threads: they might be in their first or second wait.
        cond.acquire();
        cond.signal(5);
        phaseNum[0] = 2;
        cond.release();
        Waiting.until("8 results", () -> results1.size() + results2.size() >= 8);
        assertPhases(results1.subList(0, 3), 3, 1);
        assertPhases(results1.subList(3, 5), 2, 2);
        assertPhases(results2, 3, 2);
        // Make sure all workers settle into cond.wait() (the 2 left are in their second wait).
        Waiting.until("5 ready", () -> ready.get() >= 5 && waitingUnder(cond) == 2);
        // Notify all threads: they are all in their second wait.
        cond.acquire();
        cond.signalAll();
        phaseNum[0] = 3;
        cond.release();
        Waiting.until("5 results2", () -> results2.size() >= 5);
        assertPhases(results1.subList(0, 3), 3, 1);
        assertPhases(results1.subList(3, 5), 2, 2);
        assertPhases(results2.subList(0, 3), 3, 2);
        assertPhases(results2.subList(3, 5), 2, 3);
        b.waitForFinished();
    }

    private static int waitingUnder(Condition cond) {
        cond.acquire();
        try {
            return cond.waiting();
        } finally {
            cond.release();
        }
    }

    private static void assertPhases(List<int[]> results, int count, int phase) {
        assertEquals(count, results.size());
        for (int[] r : results) {
            assertEquals(1, r[0], "wait() returned True");
            assertEquals(phase, r[1]);
        }
    }

    /** ConditionTests.test_notify: twice on the same condition, to check no state is left. */
    @Test
    void conditionNotify() {
        Condition cond = new Condition();
        checkConditionNotify(cond);
        checkConditionNotify(cond);
    }

    /** ConditionTests.test_timeout. */
    @Test
    void conditionTimeout() {
        Condition cond = new Condition();
        List<long[]> results = Collections.synchronizedList(new ArrayList<long[]>());
        int n = 5;
        new Bunch(() -> {
            cond.acquire();
            long t1 = System.currentTimeMillis();
            boolean result = cond.await(500);
            long t2 = System.currentTimeMillis();
            cond.release();
            results.add(new long[] {t2 - t1, result ? 1 : 0});
        }, n).waitForFinished();
        assertEquals(n, results.size());
        for (long[] r : results) {
            assertAtLeast(r[0], 500);
            assertEquals(0, r[1]);
        }
    }

    /** ConditionTests.test_waitfor. */
    @Test
    void conditionWaitFor() {
        Condition cond = new Condition();
        int[] state = {0};
        AtomicInteger success = new AtomicInteger();
        Thread t = new Thread(() -> {
            try (Condition held = cond.enter()) {
                boolean result = cond.waitFor(() -> state[0] == 4);
                if (result && state[0] == 4) {
                    success.incrementAndGet();
                }
            }
        }, "waitfor");
        t.start();
        for (int i = 0; i < 4; i++) {
            Waiting.sleep(10);
            try (Condition held = cond.enter()) {
                state[0]++;
                cond.signal();
            }
        }
        Waiting.joinClean(t);
        assertEquals(1, success.get());
    }

    /** ConditionTests.test_waitfor_timeout. */
    @Test
    void conditionWaitForTimeout() {
        Condition cond = new Condition();
        int[] state = {0};
        AtomicInteger success = new AtomicInteger();
        long[] dt = {0};
        Thread t = new Thread(() -> {
            try (Condition held = cond.enter()) {
                long t1 = System.currentTimeMillis();
                boolean result = cond.waitFor(() -> state[0] == 4, 100);
                dt[0] = System.currentTimeMillis() - t1;
                if (!result) {
                    success.incrementAndGet();
                }
            }
        }, "waitfor-timeout");
        t.start();
        // Only increment 3 times, so state == 4 is never reached.
        for (int i = 0; i < 3; i++) {
            Waiting.sleep(10);
            try (Condition held = cond.enter()) {
                state[0]++;
                cond.signal();
            }
        }
        Waiting.joinClean(t);
        assertEquals(1, success.get());
        assertAtLeast(dt[0], 100);
    }

    // ==== BaseSemaphoreTests / SemaphoreTests ==============================================

    /** BaseSemaphoreTests.test_constructor. */
    @Test
    void semaphoreConstructor() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-Integer.MAX_VALUE));
        new Semaphore(1);
        new Semaphore(0);
    }

    /** BaseSemaphoreTests.test_acquire, test_acquire_destroy. */
    @Test
    void semaphoreAcquire() {
        Semaphore sem = new Semaphore(1);
        sem.acquire();
        sem.release();
        sem = new Semaphore(2);
        sem.acquire();
        sem.acquire();
        sem.release();
        sem.release();
        new Semaphore(1).acquire();
    }

    /** BaseSemaphoreTests.test_acquire_contended. */
    @Test
    void semaphoreAcquireContended() {
        Semaphore sem = new Semaphore(7);
        sem.acquire();
        int n = 10;
        List<Boolean> semResults = Collections.synchronizedList(new ArrayList<Boolean>());
        List<Integer> results1 = Collections.synchronizedList(new ArrayList<Integer>());
        List<Integer> results2 = Collections.synchronizedList(new ArrayList<Integer>());
        int[] phaseNum = {0}; // written before a release, read after the acquire it enables
        Bunch b = new Bunch(() -> {
            semResults.add(sem.acquire());
            synchronized (phaseNum) {
                results1.add(phaseNum[0]);
            }
            semResults.add(sem.acquire());
            synchronized (phaseNum) {
                results2.add(phaseNum[0]);
            }
        }, n);
        Waiting.until("6 acquired, the rest blocked", () -> results1.size() + results2.size() >= 6
                && blockedOn(b, sem) == n - (results2.size()));
        List<Integer> all = new ArrayList<>(results1);
        all.addAll(results2);
        assertEquals(Collections.nCopies(6, 0), all);
        synchronized (phaseNum) {
            phaseNum[0] = 1;
        }
        for (int i = 0; i < 7; i++) {
            sem.release();
        }
        Waiting.until("13", () -> results1.size() + results2.size() >= 13);
        all = new ArrayList<>(results1);
        all.addAll(results2);
        Collections.sort(all);
        List<Integer> expected = new ArrayList<>(Collections.nCopies(6, 0));
        expected.addAll(Collections.nCopies(7, 1));
        assertEquals(expected, all);
        synchronized (phaseNum) {
            phaseNum[0] = 2;
        }
        for (int i = 0; i < 6; i++) {
            sem.release();
        }
        Waiting.until("19", () -> results1.size() + results2.size() >= 19);
        all = new ArrayList<>(results1);
        all.addAll(results2);
        Collections.sort(all);
        expected.addAll(Collections.nCopies(6, 2));
        assertEquals(expected, all);
        assertFalse(sem.acquire(false), "the permits were taken exactly");
        sem.release();
        b.waitForFinished();
        assertEquals(Collections.nCopies(6 + 7 + 6 + 1, true), semResults);
        assertEquals(0, sem.available());
    }

    /** How many threads of the bunch wait on {@code sem} right now. */
    private static int blockedOn(Bunch b, Semaphore sem) {
        int n = 0;
        for (Thread t : b.threads) {
            ThreadInfo row = Waiting.row(t.getIdent());
            if (row != null && sem.describe().equals(row.getWaitingOn())) {
                n++;
            }
        }
        return n;
    }

    /** BaseSemaphoreTests.test_try_acquire. */
    @Test
    void semaphoreTryAcquire() {
        Semaphore sem = new Semaphore(2);
        assertTrue(sem.acquire(false));
        assertTrue(sem.acquire(false));
        assertFalse(sem.acquire(false));
        sem.release();
        assertTrue(sem.acquire(false));
    }

    /** BaseSemaphoreTests.test_try_acquire_contended. */
    @Test
    void semaphoreTryAcquireContended() {
        Semaphore sem = new Semaphore(4);
        sem.acquire();
        List<Boolean> results = Collections.synchronizedList(new ArrayList<Boolean>());
        new Bunch(() -> {
            results.add(sem.acquire(false));
            results.add(sem.acquire(false));
        }, 5).waitForFinished();
        List<Boolean> sorted = new ArrayList<>(results);
        Collections.sort(sorted);
        List<Boolean> expected = new ArrayList<>(Collections.nCopies(7, false));
        expected.addAll(Collections.nCopies(3, true));
        assertEquals(expected, sorted);
    }

    /** BaseSemaphoreTests.test_acquire_timeout. */
    @Test
    void semaphoreAcquireTimeout() {
        Semaphore sem = new Semaphore(2);
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(false, 1000));
        assertTrue(sem.acquire(true, 5));
        assertTrue(sem.acquire(true, 5));
        assertFalse(sem.acquire(true, 5));
        sem.release();
        assertTrue(sem.acquire(true, 5));
        long t = System.currentTimeMillis();
        assertFalse(sem.acquire(true, 500));
        assertAtLeast(System.currentTimeMillis() - t, 500);
    }

    /** BaseSemaphoreTests.test_default_value. */
    @Test
    void semaphoreDefaultValue() {
        Semaphore sem = new Semaphore();
        sem.acquire();
        Bunch b = new Bunch(() -> {
            sem.acquire();
            sem.release();
        }, 1);
        b.waitForStarted();
        b.waitForAllBlocked();
        assertEquals(0, b.finished.get());
        sem.release();
        b.waitForFinished();
    }

    /** SemaphoreTests.test_release_unacquired: an unbounded semaphore may be released more. */
    @Test
    void semaphoreReleaseUnacquired() {
        Semaphore sem = new Semaphore();
        sem.release();
        sem.acquire();
        sem.acquire();
        sem.release();
        assertEquals(1, sem.available());
    }

    // ==== test_threading.ThreadTests: start/join errors ===================================

    /** ThreadTests.test_start_thread_again (a thread can be started only once). */
    @Test
    void startThreadAgain() {
        Thread t = new Thread(() -> { });
        t.start();
        t.join();
        assertThrows(ThreadError.class, t::start);
    }

    /** ThreadTests.test_joining_current_thread. */
    @Test
    void joiningCurrentThread() {
        List<Throwable> caught = Collections.synchronizedList(new ArrayList<Throwable>());
        Thread[] self = new Thread[1];
        self[0] = new Thread(() -> {
            try {
                self[0].join();
            } catch (Throwable e) {
                caught.add(e);
            }
        });
        self[0].start();
        Waiting.joinClean(self[0]);
        assertEquals(1, caught.size());
        assertTrue(caught.get(0) instanceof ThreadError);
    }

    /** ThreadTests.test_joining_inactive_thread (join before start). */
    @Test
    void joiningInactiveThread() {
        Thread t = new Thread(() -> { });
        assertThrows(ThreadError.class, t::join);
    }

    /** ThreadTests.test_various_ops: idents, names, is_alive, repr through a thread's life. */
    @Test
    void variousOps() {
        int n = 10;
        Semaphore sema = new Semaphore(3);
        Lock mutex = new Lock();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = new Thread(() -> {
                sema.acquire();
                try {
                    mutex.acquire();
                    int now = running.incrementAndGet();
                    worst.accumulateAndGet(now, Math::max);
                    mutex.release();
                    Waiting.sleep(2);
                    mutex.acquire();
                    running.decrementAndGet();
                    mutex.release();
                } finally {
                    sema.release();
                }
            }, "<thread " + i + ">");
            assertEquals(-1L, threads[i].getIdent());
            assertTrue(threads[i].toString().contains("initial"));
            threads[i].start();
        }
        for (Thread t : threads) {
            Waiting.joinClean(t);
            assertFalse(t.isAlive());
            assertTrue(t.getIdent() > 0);
            assertTrue(t.toString().contains("stopped"));
        }
        assertTrue(worst.get() <= 3);
        assertEquals(0, running.get());
    }
}
