package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Lock}: every acquire form, release rules, locked(), enter()/close(), toString. */
@Timeout(120)
class LockTest {

    @Test
    void newLockIsUnlocked() {
        Lock lock = new Lock();
        assertFalse(lock.locked());
        assertTrue(lock.toString().matches("Lock#\\d+\\(unlocked\\)"), lock.toString());
    }

    @Test
    void acquireAndRelease() {
        Lock lock = new Lock();
        assertTrue(lock.acquire());
        assertTrue(lock.locked());
        assertTrue(lock.toString().endsWith("(locked)"), lock.toString());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void nonBlockingAcquire() {
        Lock lock = new Lock();
        assertTrue(lock.acquire(false));
        assertFalse(lock.acquire(false));
        lock.release();
        assertTrue(lock.acquire(true));
        assertFalse(lock.acquire(false, -1));
        lock.release();
        assertTrue(lock.acquire(false, -1));
        lock.release();
    }

    @Test
    void lockIsNotReentrant() {
        Lock lock = new Lock();
        lock.acquire();
        assertFalse(lock.acquire(false));
        assertFalse(lock.acquire(true, 0));
        assertFalse(lock.acquire(true, 20));
        lock.release();
    }

    @Test
    void timedAcquireOfAFreeLockSucceeds() {
        Lock lock = new Lock();
        assertTrue(lock.acquire(true, 0));
        lock.release();
        assertTrue(lock.acquire(true, 5000));
        lock.release();
        assertTrue(lock.acquire(true, -1));
        lock.release();
    }

    @Test
    void timedAcquireGivesUpAfterAtLeastTheTimeout() {
        Lock lock = new Lock();
        lock.acquire();
        long t0 = System.currentTimeMillis();
        assertFalse(lock.acquire(true, 150));
        assertTrue(System.currentTimeMillis() - t0 >= 150);
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void nonBlockingWithATimeoutIsIllegalArgument() {
        Lock lock = new Lock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(false, 0));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(false, 10));
        assertFalse(lock.locked());
    }

    @Test
    void timeoutBelowMinusOneIsIllegalArgument() {
        Lock lock = new Lock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(true, -2));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(true, Long.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(false, -100));
        assertFalse(lock.locked());
    }

    @Test
    void releaseUnlockedIsThreadError() {
        Lock lock = new Lock();
        assertThrows(ThreadError.class, lock::release);
        lock.acquire();
        lock.release();
        assertThrows(ThreadError.class, lock::release);
    }

    @Test
    void anotherThreadMayRelease() {
        Lock lock = new Lock();
        lock.acquire();
        Thread t = new Thread(lock::release, "releaser");
        t.start();
        Waiting.joinClean(t);
        assertFalse(lock.locked());
        Thread u = new Thread(lock::acquire, "acquirer");
        u.start();
        Waiting.joinClean(u);
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void blockedAcquireReturnsWhenReleased() {
        Lock lock = new Lock();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(lock.acquire()), "blocked");
        t.start();
        Waiting.untilWaitingOn(t.getIdent(), "Lock#");
        assertFalse(got.get());
        lock.release();
        Waiting.joinClean(t);
        assertTrue(got.get());
        assertTrue(lock.locked(), "handed over, still locked by the waiter");
        lock.release();
    }

    @Test
    void blockedTimedAcquireReturnsTrueWhenReleasedInTime() {
        Lock lock = new Lock();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(lock.acquire(true, Waiting.HANG_GUARD_MS)), "blocked");
        t.start();
        Waiting.untilWaiting(t.getIdent());
        lock.release();
        Waiting.joinClean(t);
        assertTrue(got.get());
        lock.release();
    }

    @Test
    void hugeTimeoutsWaitAndAreGranted() {
        Lock lock = new Lock();
        Event ev = new Event();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean();
        AtomicBoolean set = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(lock.acquire(true, Long.MAX_VALUE)), "huge-lock");
        Thread u = new Thread(() -> set.set(ev.await(Long.MAX_VALUE)), "huge-event");
        t.start();
        u.start();
        Waiting.untilWaiting(t.getIdent());
        Waiting.untilWaiting(u.getIdent());
        lock.release();
        ev.set();
        Waiting.joinClean(t);
        Waiting.joinClean(u);
        assertTrue(got.get());
        assertTrue(set.get());
        lock.release();
    }

    @Test
    void enterAndCloseAreWithLock() {
        Lock lock = new Lock();
        try (Lock held = lock.enter()) {
            assertSame(lock, held);
            assertTrue(lock.locked());
        }
        assertFalse(lock.locked());
        assertThrows(IllegalStateException.class, () -> {
            try (Lock held = lock.enter()) {
                throw new IllegalStateException("inside");
            }
        });
        assertFalse(lock.locked(), "an exception inside the block releases the lock");
    }

    @Test
    void timedOutWaiterLeavesTheQueueCleanly() {
        Lock lock = new Lock();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean(true);
        Thread t = new Thread(() -> got.set(lock.acquire(true, 50)), "gives-up");
        t.start();
        Waiting.joinClean(t);
        assertFalse(got.get());
        lock.release();
        assertFalse(lock.locked(), "nobody was left in the queue to hand the lock to");
        assertTrue(lock.acquire(false));
        lock.release();
    }

    @Test
    void mutualExclusion() {
        Lock lock = new Lock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                for (int k = 0; k < 2000; k++) {
                    lock.acquire();
                    int n = inside.incrementAndGet();
                    worst.accumulateAndGet(n, Math::max);
                    inside.decrementAndGet();
                    lock.release();
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        assertEquals(1, worst.get());
        assertFalse(lock.locked());
    }
}
