package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Semaphore}: default value, errors, available(), every acquire form. */
@Timeout(120)
class SemaphoreTest {

    @Test
    void defaultValueIsOne() {
        Semaphore sem = new Semaphore();
        assertEquals(1, sem.available());
        assertTrue(sem.acquire(false));
        assertFalse(sem.acquire(false));
        assertEquals(0, sem.available());
        sem.release();
        assertEquals(1, sem.available());
    }

    @Test
    void negativeValueIsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(Integer.MIN_VALUE));
        assertEquals(0, new Semaphore(0).available());
    }

    @Test
    void countsPermits() {
        Semaphore sem = new Semaphore(3);
        assertTrue(sem.acquire());
        assertTrue(sem.acquire(true));
        assertTrue(sem.acquire(true, 10));
        assertEquals(0, sem.available());
        assertFalse(sem.acquire(false));
        assertFalse(sem.acquire(false, -1));
        assertFalse(sem.acquire(true, 0));
        sem.release();
        sem.release();
        assertEquals(2, sem.available());
        assertTrue(sem.toString().matches("Semaphore#\\d+\\(2\\)"), sem.toString());
    }

    @Test
    void releaseBeyondTheInitialValueIsAllowed() {
        Semaphore sem = new Semaphore(1);
        sem.release();
        assertEquals(2, sem.available());
    }

    @Test
    void releasePastIntegerMaxIsThreadError() {
        Semaphore sem = new Semaphore(Integer.MAX_VALUE);
        assertThrows(ThreadError.class, sem::release);
        assertEquals(Integer.MAX_VALUE, sem.available());
    }

    @Test
    void nonBlockingWithATimeoutAndBadTimeoutsAreIllegalArgument() {
        Semaphore sem = new Semaphore(1);
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(false, 0));
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(false, 5));
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(true, -2));
        assertEquals(1, sem.available());
    }

    @Test
    void timedAcquireGivesUpAfterAtLeastTheTimeout() {
        Semaphore sem = new Semaphore(0);
        long t0 = System.currentTimeMillis();
        assertFalse(sem.acquire(true, 120));
        assertTrue(System.currentTimeMillis() - t0 >= 120);
        assertEquals(0, sem.available());
        sem.release();
        assertEquals(1, sem.available(), "the timed-out waiter took nothing");
    }

    @Test
    void releaseHandsThePermitToAWaiter() {
        Semaphore sem = new Semaphore(0);
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(sem.acquire()), "waiter");
        t.start();
        Waiting.untilWaitingOn(t.getIdent(), "Semaphore#");
        sem.release();
        Waiting.joinClean(t);
        assertTrue(got.get());
        assertEquals(0, sem.available(), "handed over, never counted");
    }

    @Test
    void noBargingPastAQueuedWaiter() {
        Semaphore sem = new Semaphore(0);
        Semaphore done = new Semaphore(0);
        Thread t = new Thread(() -> {
            sem.acquire();
            done.release();
        }, "waiter");
        t.start(Thread.PRIO_LOWEST);
        Waiting.untilWaiting(t.getIdent());
        sem.release();
        assertFalse(sem.acquire(false), "the permit went to the waiter");
        done.acquire();
        Waiting.joinClean(t);
    }
}
