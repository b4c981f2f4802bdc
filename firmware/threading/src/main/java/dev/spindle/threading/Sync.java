package dev.spindle.threading;

/**
 * The one acquire algorithm behind {@link Lock}, {@link Semaphore} and {@link Event}.
 *
 * <h2>Algorithm</h2>
 * <ol>
 * <li>Under this object's monitor: if nobody is queued and {@link #tryTake} succeeds, return at
 *     once (the fast path: one monitor enter, no allocation, no global lock). A {@code 0} timeout
 *     stops here. Otherwise append a {@link Waiter} for the caller to {@link #queue}.</li>
 * <li>Outside every monitor, wait on the waiter's own monitor until a releaser
 *     {@linkplain Waiter#grant() grants} it, the time is up or the thread is interrupted.</li>
 * <li>A releaser picks the highest-priority, earliest waiter, removes it and passes the resource
 *     directly to it (the lock stays locked, the permit is never put back): a thread arriving
 *     meanwhile finds the queue non-empty and cannot barge in.</li>
 * <li>A waiter whose time ran out or that was interrupted cancels itself under this monitor
 *     unless a grant won the race; an interrupted waiter that was granted gives the resource back
 *     through {@link #giveBack()}, so no permit is ever kept or lost.</li>
 * </ol>
 * Invariant (under this monitor): the queue is non-empty only while the resource is unavailable,
 * because every release with waiters hands over instead of freeing.
 */
abstract class Sync extends Primitive {
    /** Threads waiting for this object; guarded by this. */
    final WaitQueue queue = new WaitQueue();

    Sync(String kind) {
        super(kind);
    }

    Sync(String label, boolean fixedLabel) {
        super(label, fixedLabel);
    }

    /** Takes the resource for {@code caller} if free. Called under this monitor. */
    abstract boolean tryTake(java.lang.Thread caller);

    /** A waiter joined the queue (under this monitor): update the registry. */
    void enqueued(Waiter w, boolean timed) {
        Scheduler.beginWait(w.record, this, timed);
    }

    /** A waiter left the queue without the resource (under this monitor). */
    void cancelled(Waiter w) {
        Scheduler.endWait(w.record);
    }

    /** Returns a resource granted to a waiter that then gave up (called with no monitor held). */
    abstract void giveBack();

    /**
     * @param timeoutMs {@link Timeouts#FOREVER}, 0 (try once) or a positive number of milliseconds
     * @return whether the resource was taken
     * @throws ThreadError when interrupted while waiting (the interrupt flag is set again)
     */
    final boolean acquire(long timeoutMs) {
        return acquire(timeoutMs, INTERRUPTIBLE);
    }

    static final boolean INTERRUPTIBLE = true;
    static final boolean UNINTERRUPTIBLE = false;

    /**
     * As {@link #acquire(long)}; an {@link #UNINTERRUPTIBLE} wait (always without a time limit)
     * ignores interrupts and sets the interrupt flag again once it has the resource. Used where
     * a lock must be taken back whatever happens, as at the end of {@link Condition#await()}.
     */
    final boolean acquire(long timeoutMs, boolean interruptible) {
        java.lang.Thread me = java.lang.Thread.currentThread();
        Waiter w;
        synchronized (this) {
            if (queue.isEmpty() && tryTake(me)) {
                return true;
            }
            if (timeoutMs == 0) {
                return false;
            }
            w = new Waiter(me, Scheduler.current());
            queue.add(w);
            enqueued(w, timeoutMs > 0);
        }
        if (interruptible == UNINTERRUPTIBLE) {
            if (w.parkUninterruptibly() != null) {
                me.interrupt();
            }
            return true;
        }
        return await(w, timeoutMs);
    }

    private boolean await(Waiter w, long timeoutMs) {
        int outcome = w.park(timeoutMs);
        if (outcome == Waiter.PARK_GRANTED) {
            return true;
        }
        boolean granted;
        synchronized (this) {
            granted = w.cancelUnlessGranted();
            if (!granted) {
                queue.remove(w);
                cancelled(w);
            }
        }
        if (outcome == Waiter.PARK_INTERRUPTED) {
            if (granted) {
                giveBack();
            }
            java.lang.Thread.currentThread().interrupt();
            throw new ThreadError("interrupted while waiting for " + describe(), w.interruption());
        }
        return granted;
    }

    /** Grants the best waiter, if any; called under this monitor by releasers. */
    final Waiter handOff() {
        Waiter w = queue.pollBest();
        if (w != null) {
            granted(w);
            w.grant();
        }
        return w;
    }

    /** The waiter is about to be granted (under this monitor): update the registry. */
    void granted(Waiter w) {
        Scheduler.endWait(w.record);
    }
}
