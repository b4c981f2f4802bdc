package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code _thread.LockType}: waitflag, timeouts in seconds (fractions honoured), locked, with-form. */
@Timeout(120)
class LockTypeTest {

    @Test
    void acquireAndRelease() {
        LockType lock = Threads.allocateLock();
        assertTrue(lock.acquire());
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
        assertTrue(lock.toString().startsWith("<LockType Lock#"), lock.toString());
    }

    @Test
    void waitflag() {
        LockType lock = Threads.allocateLock();
        assertTrue(lock.acquire(0));
        assertFalse(lock.acquire(0));
        lock.release();
        assertTrue(lock.acquire(1));
        assertFalse(lock.acquire(0));
        lock.release();
        assertTrue(lock.acquire(42), "any non-zero waitflag blocks");
        lock.release();
    }

    @Test
    void nonBlockingWithANonNegativeTimeoutIsIllegalArgument() {
        LockType lock = Threads.allocateLock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(0, 1.5));
        assertFalse(lock.locked());
        assertTrue(lock.acquire(0, -1.0), "a negative timeout is no timeout");
        assertFalse(lock.acquire(0, -1.0));
        lock.release();
    }

    @Test
    void nanIsIllegalArgument() {
        LockType lock = Threads.allocateLock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(0, Double.NaN));
        assertFalse(lock.locked());
    }

    @Test
    void tooLargeIsIllegalArgument() {
        LockType lock = Threads.allocateLock();
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> lock.acquire(1, Threads.TIMEOUT_MAX * 2));
        assertTrue(lock.acquire(1, Threads.TIMEOUT_MAX));
        lock.release();
    }

    @Test
    void timeoutZeroTriesOnce() {
        LockType lock = Threads.allocateLock();
        assertTrue(lock.acquire(1, 0.0));
        assertFalse(lock.acquire(1, 0.0));
        lock.release();
    }

    @Test
    void fractionalTimeoutIsHonoured() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        long t0 = System.currentTimeMillis();
        assertFalse(lock.acquire(1, 0.15));
        assertTrue(System.currentTimeMillis() - t0 >= 150);
        t0 = System.currentTimeMillis();
        assertFalse(lock.acquire(1, 0.0004), "a tiny timeout still waits rather than failing outright");
        assertTrue(System.currentTimeMillis() - t0 >= 1);
        lock.release();
    }

    @Test
    void negativeTimeoutWaitsForever() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(lock.acquire(1, -5.0)), "forever");
        t.start();
        Waiting.untilState(t.getIdent(), ThreadInfo.WAITING); // untimed
        Waiting.sleep(50);
        assertFalse(got.get());
        lock.release();
        Waiting.joinClean(t);
        assertTrue(got.get());
        lock.release();
    }

    @Test
    void timedAcquireSucceedsWhenReleasedInTime() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        AtomicBoolean got = new AtomicBoolean();
        Thread t = new Thread(() -> got.set(lock.acquire(1, 60.0)), "timed");
        t.start();
        Waiting.untilState(t.getIdent(), ThreadInfo.TIMED_WAITING);
        lock.release();
        Waiting.joinClean(t);
        assertTrue(got.get());
        assertTrue(lock.locked());
        lock.release();
    }

    @Test
    void releaseUnlockedIsThreadError() {
        LockType lock = Threads.allocateLock();
        assertThrows(ThreadError.class, lock::release);
        assertThrows(ThreadError.class, lock::close);
    }

    @Test
    void anotherThreadMayRelease() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        Thread t = new Thread(lock::release, "releaser");
        t.start();
        Waiting.joinClean(t);
        assertFalse(lock.locked());
    }

    @Test
    void tryWithResourcesIsWithLock() {
        LockType lock = Threads.allocateLock();
        try (LockType held = lock.enter()) {
            assertSame(lock, held);
            assertTrue(lock.locked());
        }
        assertFalse(lock.locked());
        assertThrows(IllegalStateException.class, () -> {
            try (LockType held = lock.enter()) {
                throw new IllegalStateException("inside");
            }
        });
        assertFalse(lock.locked());
    }
}
