package dev.spindle.thread;

import dev.spindle.threading.Lock;
import dev.spindle.threading.ThreadError;

/**
 * MicroPython's {@code _thread.LockType}, made by {@link Threads#allocateLock()}. Timeouts are in
 * seconds, as in the seed; a negative timeout waits forever. It is a {@link Lock} underneath, with
 * all its guarantees: the highest-priority waiter gets the lock first, by direct hand-off, and the
 * holder inherits the priority of its waiters.
 *
 * <p>Python's {@code with lock:} is
 * <pre>try (LockType held = lock.enter()) { ... }</pre>
 */
public final class LockType implements AutoCloseable {
    private final Lock lock = new Lock();

    LockType() {
    }

    /** Acquires the lock, waiting as long as it takes. Always returns true. */
    public boolean acquire() {
        return lock.acquire();
    }

    /**
     * @param waitflag 0 tries once without waiting; any other value waits as long as it takes
     * @return whether the lock was acquired
     */
    public boolean acquire(int waitflag) {
        return lock.acquire(waitflag != 0);
    }

    /**
     * @param waitflag       0 tries once (then no timeout may be given: pass a negative one)
     * @param timeoutSeconds the longest wait in seconds (fractions allowed; honoured, unlike in
     *                       MicroPython's own port); negative waits forever
     * @return whether the lock was acquired (false when the time ran out)
     * @throws IllegalArgumentException a timeout with waitflag 0, or a timeout that is NaN or too large
     */
    public boolean acquire(int waitflag, double timeoutSeconds) {
        if (timeoutSeconds != timeoutSeconds) {
            throw new IllegalArgumentException("timeout must be a number of seconds, got NaN");
        }
        if (timeoutSeconds < 0) {
            return lock.acquire(waitflag != 0);
        }
        if (waitflag == 0) {
            throw new IllegalArgumentException("can't specify a timeout for a non-blocking call");
        }
        if (timeoutSeconds > Threads.TIMEOUT_MAX) {
            throw new IllegalArgumentException("timeout value is too large: " + timeoutSeconds
                    + " s (at most " + Threads.TIMEOUT_MAX + " s)");
        }
        // Round up so that a tiny positive timeout still waits rather than only trying.
        long ms = (long) Math.ceil(timeoutSeconds * 1000.0);
        return lock.acquire(true, ms);
    }

    /**
     * Releases the lock; any thread may.
     *
     * @throws ThreadError if it is not locked
     */
    public void release() {
        lock.release();
    }

    /** @return whether the lock is locked */
    public boolean locked() {
        return lock.locked();
    }

    /** Acquires the lock for a try-with-resources block, Python's {@code with lock:}. */
    public LockType enter() {
        lock.acquire();
        return this;
    }

    /** Releases the lock at the end of a try-with-resources block. */
    @Override
    public void close() {
        lock.release();
    }

    @Override
    public String toString() {
        return "<LockType " + lock + ">";
    }
}
