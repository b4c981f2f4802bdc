package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Condition}: ownership checks, await, waitFor, signal(n), signalAll, both constructors. */
@Timeout(120)
class ConditionTest {

    @Test
    void noArgConstructorMakesANewPlainLock() {
        Condition a = new Condition();
        Condition b = new Condition();
        assertNotSame(a.getLock(), b.getLock());
        assertFalse(a.getLock().locked());
        a.acquire();
        assertTrue(a.getLock().locked());
        assertFalse(a.acquire(false), "a plain Lock: not reentrant");
        a.release();
        assertFalse(a.getLock().locked());
        assertTrue(new Condition(null).getLock() != null);
    }

    @Test
    void lockConstructorShares() {
        Lock lock = new Lock();
        Condition a = new Condition(lock);
        Condition b = new Condition(lock);
        assertSame(lock, a.getLock());
        a.acquire();
        assertFalse(lock.acquire(false));
        assertFalse(b.acquire(false));
        b.release();
        assertTrue(lock.acquire(false));
        assertFalse(a.acquire(false));
        lock.release();
    }

    @Test
    void acquireForms() {
        Condition c = new Condition();
        assertTrue(c.acquire(true));
        assertFalse(c.acquire(true, 0));
        assertFalse(c.acquire(true, 20));
        assertThrows(IllegalArgumentException.class, () -> c.acquire(false, 10));
        c.release();
        assertTrue(c.acquire(false));
        c.release();
        assertTrue(c.acquire(true, 10));
        c.release();
    }

    @Test
    void everythingButAcquireNeedsTheLockHeld() {
        Condition c = new Condition();
        assertThrows(ThreadError.class, c::release);
        assertThrows(ThreadError.class, c::await);
        assertThrows(ThreadError.class, () -> c.await(10));
        assertThrows(ThreadError.class, () -> c.await(0));
        assertThrows(ThreadError.class, () -> c.waitFor(() -> true));
        assertThrows(ThreadError.class, () -> c.waitFor(() -> true, 10));
        assertThrows(ThreadError.class, c::signal);
        assertThrows(ThreadError.class, () -> c.signal(2));
        assertThrows(ThreadError.class, () -> c.signal(0));
        assertThrows(ThreadError.class, c::signalAll);
        assertThrows(ThreadError.class, c::close);
    }

    @Test
    void heldByAnotherThreadCountsAsNotHeld() {
        Condition c = new Condition();
        Thread t = new Thread(c::acquire, "holder");
        t.start();
        Waiting.joinClean(t);
        assertTrue(c.getLock().locked());
        assertThrows(ThreadError.class, c::signal);
        assertThrows(ThreadError.class, c::await);
        assertThrows(ThreadError.class, c::release);
        c.getLock().release();
    }

    @Test
    void enterAndClose() {
        Condition c = new Condition();
        try (Condition held = c.enter()) {
            assertSame(c, held);
            assertTrue(c.getLock().locked());
            c.signal();
        }
        assertFalse(c.getLock().locked());
    }

    @Test
    void awaitTimesOutAfterAtLeastTheTimeoutWithTheLockBack() {
        Condition c = new Condition();
        c.acquire();
        long t0 = System.currentTimeMillis();
        assertFalse(c.await(120));
        assertTrue(System.currentTimeMillis() - t0 >= 120);
        assertTrue(c.getLock().locked());
        assertEquals(0, c.waiting());
        c.signal(); // still held: no ThreadError
        c.release();
    }

    @Test
    void awaitZeroLetsQueuedThreadsInAndReturnsFalse() {
        Condition c = new Condition();
        c.acquire();
        AtomicBoolean ran = new AtomicBoolean();
        Thread t = new Thread(() -> {
            c.acquire();
            ran.set(true);
            c.release();
        }, "queued");
        t.start();
        Waiting.untilWaitingOn(t.getIdent(), "Lock#");
        assertFalse(c.await(0));
        assertTrue(ran.get(), "the queued thread got the lock during await(0)");
        assertTrue(c.getLock().locked());
        c.release();
        Waiting.joinClean(t);
    }

    @Test
    void badTimeoutsAndNullPredicate() {
        Condition c = new Condition();
        c.acquire();
        assertThrows(IllegalArgumentException.class, () -> c.await(-2));
        assertThrows(IllegalArgumentException.class, () -> c.waitFor(() -> true, -2));
        assertThrows(IllegalArgumentException.class, () -> c.waitFor(null));
        assertTrue(c.getLock().locked());
        c.release();
    }

    @Test
    void awaitReturnsTrueWhenSignalledAndHoldsTheLock() {
        Condition c = new Condition();
        AtomicBoolean result = new AtomicBoolean();
        AtomicBoolean heldAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            c.acquire();
            result.set(c.await());
            heldAfter.set(c.getLock().locked());
            c.release();
        }, "waiter");
        t.start();
        Waiting.untilWaitingOn(t.getIdent(), "Condition#");
        c.acquire();
        assertEquals(1, c.waiting());
        c.signal();
        assertEquals(0, c.waiting());
        Waiting.untilWaitingOn(t.getIdent(), "Lock#"); // woken, but needs the lock we hold
        c.release();
        Waiting.joinClean(t);
        assertTrue(result.get());
        assertTrue(heldAfter.get());
    }

    @Test
    void timedAwaitReturnsTrueWhenSignalled() {
        Condition c = new Condition();
        AtomicBoolean result = new AtomicBoolean();
        Thread t = new Thread(() -> {
            c.acquire();
            result.set(c.await(Waiting.HANG_GUARD_MS));
            c.release();
        }, "waiter");
        t.start();
        Waiting.untilWaitingOn(t.getIdent(), "Condition#");
        c.acquire();
        c.signal();
        c.release();
        Waiting.joinClean(t);
        assertTrue(result.get());
    }

    /** Starts {@code n} waiters, each awaiting once; returns them when all are queued. */
    private static Thread[] waiters(Condition c, int n, AtomicInteger woken) {
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = new Thread(() -> {
                c.acquire();
                c.await();
                woken.incrementAndGet();
                c.release();
            }, "waiter-" + i);
            ts[i].start();
        }
        Waiting.until("all waiting", () -> {
            synchronized (c) {
                return c.waiting() == n;
            }
        });
        return ts;
    }

    @Test
    void signalNWakesExactlyMinOfNAndWaiting() {
        Condition c = new Condition();
        AtomicInteger woken = new AtomicInteger();
        Thread[] ts = waiters(c, 5, woken);
        c.acquire();
        c.signal(0);
        c.signal(-3);
        assertEquals(5, c.waiting(), "n <= 0 wakes nobody");
        c.signal(2);
        assertEquals(3, c.waiting());
        c.release();
        Waiting.until("two woken", () -> woken.get() == 2);
        c.acquire();
        c.signal();
        assertEquals(2, c.waiting());
        c.release();
        Waiting.until("three woken", () -> woken.get() == 3);
        c.acquire();
        c.signal(10);
        assertEquals(0, c.waiting());
        c.signal(10);
        c.release();
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        assertEquals(5, woken.get());
    }

    @Test
    void signalAllWakesEveryone() {
        Condition c = new Condition();
        AtomicInteger woken = new AtomicInteger();
        Thread[] ts = waiters(c, 6, woken);
        c.acquire();
        c.signalAll();
        assertEquals(0, c.waiting());
        c.release();
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        assertEquals(6, woken.get());
    }

    @Test
    void signalWithNobodyWaitingIsANoOp() {
        Condition c = new Condition();
        c.acquire();
        c.signal();
        c.signal(3);
        c.signalAll();
        c.release();
        assertEquals(0, c.waiting());
    }

    @Test
    void waitForReturnsAtOnceWhenThePredicateHolds() {
        Condition c = new Condition();
        c.acquire();
        AtomicInteger calls = new AtomicInteger();
        assertTrue(c.waitFor(() -> calls.incrementAndGet() > 0));
        assertTrue(c.waitFor(() -> true, 0));
        assertTrue(c.waitFor(() -> true, 10));
        assertEquals(1, calls.get());
        assertFalse(c.waitFor(() -> false, 0), "timeout 0 only tests");
        c.release();
    }

    @Test
    void waitForCallsThePredicateWithTheLockHeldAndReturnsItsLastValue() {
        Condition c = new Condition();
        int[] state = {0};
        AtomicBoolean alwaysHeld = new AtomicBoolean(true);
        AtomicBoolean result = new AtomicBoolean();
        Thread t = new Thread(() -> {
            c.acquire();
            result.set(c.waitFor(() -> {
                if (!c.getLock().heldByCurrentThread()) {
                    alwaysHeld.set(false);
                }
                return state[0] == 4;
            }));
            c.release();
        }, "waitFor");
        t.start();
        for (int i = 0; i < 4; i++) {
            Waiting.untilWaitingOn(t.getIdent(), "Condition#");
            c.acquire();
            state[0]++;
            c.signal();
            c.release();
        }
        Waiting.joinClean(t);
        assertTrue(result.get());
        assertTrue(alwaysHeld.get());
    }

    @Test
    void waitForHonoursTheTimeoutAcrossWakeUps() {
        Condition c = new Condition();
        AtomicBoolean result = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        long[] elapsed = {0};
        Event stop = new Event();
        Thread t = new Thread(() -> {
            c.acquire();
            long t0 = System.currentTimeMillis();
            result.set(c.waitFor(() -> {
                calls.incrementAndGet();
                return false;
            }, 300));
            elapsed[0] = System.currentTimeMillis() - t0;
            c.release();
            stop.set();
        }, "waitFor");
        t.start();
        // Wake it again and again: the 300 ms cover all the waits together.
        while (!stop.await(5)) {
            if (c.acquire(true, 5)) {
                c.signal();
                c.release();
            }
        }
        Waiting.joinClean(t);
        assertFalse(result.get(), "the predicate's last value");
        assertTrue(elapsed[0] >= 300, "waited " + elapsed[0] + " ms");
        assertTrue(calls.get() >= 2, "woken at least once: " + calls.get());
    }

    @Test
    void waitForReturnsLastPredicateValueWhenItTurnsTrueAtTheLastCall() {
        Condition c = new Condition();
        c.acquire();
        AtomicInteger calls = new AtomicInteger();
        // false, then true after the timeout: the last value (true) is returned.
        long t0 = System.currentTimeMillis();
        boolean r = c.waitFor(() -> calls.incrementAndGet() >= 2, 50);
        assertTrue(r);
        assertTrue(System.currentTimeMillis() - t0 >= 50);
        c.release();
    }

    @Test
    void timedOutWaiterTakesTheLockBackBeforeReturning() {
        Condition c = new Condition();
        AtomicBoolean result = new AtomicBoolean(true);
        AtomicBoolean held = new AtomicBoolean();
        Semaphore waiting = new Semaphore(0);
        Thread t = new Thread(() -> {
            c.acquire();
            waiting.release();
            result.set(c.await(50));
            held.set(c.getLock().heldByCurrentThread());
            c.release();
        }, "timed-out");
        t.start();
        waiting.acquire();
        c.acquire(); // only once the waiter released it in await
        Waiting.untilWaitingOn(t.getIdent(), "Lock#"); // timed out, now queued for the lock
        assertTrue(t.isAlive());
        c.release();
        Waiting.joinClean(t);
        assertFalse(result.get());
        assertTrue(held.get());
    }

    /** A signalled waiter queues on the lock at its own priority, so it boosts the signaller. */
    @Test
    void signalledHighWaiterBoostsTheLowSignallerUntilItReleases() {
        Condition c = new Condition();
        Thread high = new Thread(() -> {
            c.acquire();
            c.await();
            c.release();
        }, "high-cond");
        high.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaitingOn(high.getIdent(), "Condition#");
        PriorityInheritanceTest.Holder low = new PriorityInheritanceTest.Holder("low-signaller", Thread.PRIO_LOWEST,
                () -> {
                    c.acquire();
                    c.signal();
                });
        Waiting.untilWaitingOn(high.getIdent(), "Lock#");
        assertEquals(Thread.PRIO_HIGHEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), low.javaPriority());
        low.run(c::release);
        Waiting.joinClean(high);
        assertEquals(Thread.PRIO_LOWEST, low.effective());
        low.stop();
    }

    @Test
    void toStringNamesLockAndWaiting() {
        Condition c = new Condition();
        assertTrue(c.toString().matches("Condition#\\d+\\(Lock#\\d+, 0 waiting\\)"), c.toString());
    }
}
