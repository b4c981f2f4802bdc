package dev.spindle.threading;

/**
 * Zerynth's {@code threading.Condition}: a queue of threads waiting, under a {@link Lock}, for
 * shared state to change. Python's {@code wait}, {@code wait_for}, {@code notify} and
 * {@code notify_all} are {@code await}, {@code waitFor}, {@code signal} and {@code signalAll} here,
 * because {@code Object.wait/notify/notifyAll} are final in Java.
 *
 * <h2>Algorithm</h2>
 * {@link #await(long)} queues a {@link Waiter} here, releases the lock and waits on the waiter's
 * own monitor. {@link #signal(int)} takes the best {@code n} waiters (highest priority, earliest
 * first) and moves their nodes onto the lock's queue at their own priority; since the signaller
 * holds the lock, they wake only when the lock is handed to them, already holding it: a signal
 * wakes nobody early and no thread barges. A waiter whose time runs out, or that is interrupted,
 * before a signal moved it, leaves this queue and takes the lock back before returning.
 *
 * <h2>Lock ownership</h2>
 * A Zerynth Lock has no owner; the Condition counts its lock as held by the thread that acquired
 * it last and has not released it. Every method but {@code acquire} throws {@link ThreadError}
 * when the calling thread does not hold the lock.
 *
 * <h2>Timeouts and interrupts</h2>
 * Milliseconds, {@code -1} forever, {@code 0} releases the lock, lets queued threads in, takes it
 * back. An interrupt before a signal: the lock is taken back, the interrupt flag set again and
 * {@link ThreadError} thrown. An interrupt after a signal moved the waiter: the signal wins, the
 * call returns true with the interrupt flag set (as {@code java.util.concurrent} does), so a
 * {@code signal(n)} never wakes fewer than {@code n} threads.
 *
 * <p>The queue of signal-waiters and the {@code inCondition} flag of its nodes are guarded by this.
 */
public class Condition extends Primitive implements AutoCloseable {
    private final Lock lock;

    /** A condition with a new, plain {@link Lock} of its own. */
    public Condition() {
        this(null);
    }

    /** @param lock the lock to use, shared with other conditions; null makes a new one */
    public Condition(Lock lock) {
        super(CONDITION);
        this.lock = lock == null ? new Lock() : lock;
    }

    /** @return the underlying lock */
    public Lock getLock() {
        return lock;
    }

    /** Acquires the underlying lock; see {@link Lock#acquire()}. */
    public boolean acquire() {
        return lock.acquire();
    }

    /** Acquires the underlying lock; see {@link Lock#acquire(boolean)}. */
    public boolean acquire(boolean blocking) {
        return lock.acquire(blocking);
    }

    /** Acquires the underlying lock; see {@link Lock#acquire(boolean, long)}. */
    public boolean acquire(boolean blocking, long timeoutMs) {
        return lock.acquire(blocking, timeoutMs);
    }

    /**
     * Releases the underlying lock.
     *
     * @throws ThreadError if the calling thread does not hold it
     */
    public void release() {
        checkHeld("release");
        lock.release();
    }

    /** Acquires the lock for a try-with-resources block: {@code try (Condition c = cv.enter()) {...}}. */
    public Condition enter() {
        acquire();
        return this;
    }

    /** Releases the lock at the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    /** Waits until signalled, then takes the lock back. Always returns true. */
    public boolean await() {
        return await(Timeouts.FOREVER);
    }

    /**
     * Releases the lock, waits until signalled or the time is up, and takes the lock back.
     *
     * @param timeoutMs the longest wait in milliseconds; {@code -1} waits forever
     * @return false if the time ran out, else true
     * @throws ThreadError if the lock is not held, or when interrupted before a signal
     * @throws IllegalArgumentException a timeout below -1
     */
    public boolean await(long timeoutMs) {
        Timeouts.checkMillis(timeoutMs);
        checkHeld("wait");
        java.lang.Thread me = java.lang.Thread.currentThread();
        Waiter w = Scheduler.current(me).waiter(me, null, false);
        synchronized (this) {
            w.inCondition = true;
            add(w);
            w.beginWait(this, timeoutMs != Timeouts.FOREVER);
        }
        lock.release();
        int outcome = w.park(timeoutMs);
        if (outcome == Waiter.PARK_GRANTED) {
            return true;
        }
        boolean signalled;
        synchronized (this) {
            signalled = !w.inCondition;
            if (!signalled) {
                remove(w);
                w.inCondition = false;
                w.endWait();
            }
        }
        if (signalled) {
            // Moved to the lock's queue: the lock will be handed over; the signal wins.
            InterruptedException late = w.parkUninterruptibly();
            if (outcome == Waiter.PARK_INTERRUPTED || late != null) {
                java.lang.Thread.currentThread().interrupt();
            }
            return true;
        }
        // Read before the lock is taken back: that wait reuses (and resets) the same node.
        InterruptedException cause = w.interruption();
        lock.acquireUninterruptibly();
        if (outcome == Waiter.PARK_INTERRUPTED) {
            java.lang.Thread.currentThread().interrupt();
            throw new ThreadError("interrupted while waiting on " + describe(), cause);
        }
        return false;
    }

    /** Waits until {@code predicate} holds; see {@link #waitFor(Predicate, long)}. */
    public boolean waitFor(Predicate predicate) {
        return waitFor(predicate, Timeouts.FOREVER);
    }

    /**
     * Waits until {@code predicate} holds or the time is up. The predicate is called with the lock
     * held, first before any wait; the timeout covers all the waits together.
     *
     * @param timeoutMs the longest wait in milliseconds; {@code -1} waits forever, {@code 0} only tests
     * @return the predicate's last value (false when the time ran out)
     * @throws ThreadError if the lock is not held
     */
    public boolean waitFor(Predicate predicate, long timeoutMs) {
        Timeouts.checkMillis(timeoutMs);
        if (predicate == null) {
            throw new IllegalArgumentException("predicate must not be null");
        }
        checkHeld("wait");
        boolean result = predicate.test();
        Countdown countdown = timeoutMs > 0 ? new Countdown(timeoutMs) : null;
        while (!result && timeoutMs != 0) {
            if (countdown == null) {
                await();
            } else {
                long left = countdown.left();
                if (left <= 0) {
                    break;
                }
                await(left);
            }
            result = predicate.test();
        }
        return result;
    }

    /** Wakes the best waiting thread, if any. */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes exactly {@code min(n, waiting)} threads, the highest priority first, FIFO among equals;
     * {@code n <= 0} wakes nobody. They return once they get the lock.
     *
     * @throws ThreadError if the calling thread does not hold the lock
     */
    public void signal(int n) {
        checkHeld("notify");
        Waiter[] toWake = null;
        int granted = 0;
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                Waiter w = pollBest();
                if (w == null) {
                    break;
                }
                w.inCondition = false;
                if (lock.enqueueSignalled(w)) {
                    // The lock was free (another thread released it): w holds it now.
                    if (toWake == null) {
                        toWake = new Waiter[1];
                    } else if (granted == toWake.length) {
                        Waiter[] more = new Waiter[granted * 2];
                        System.arraycopy(toWake, 0, more, 0, granted);
                        toWake = more;
                    }
                    toWake[granted++] = w;
                }
            }
        }
        for (int i = 0; i < granted; i++) {
            toWake[i].wake();
        }
    }

    /** Wakes every waiting thread. */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /** @return how many threads wait to be signalled */
    public synchronized int waiting() {
        return queued();
    }

    @Override
    public String toString() {
        return describe() + "(" + lock.describe() + ", " + waiting() + " waiting)";
    }

    private void checkHeld(String what) {
        if (!lock.heldByCurrentThread()) {
            throw new ThreadError("cannot " + what + " on un-acquired lock");
        }
    }
}
