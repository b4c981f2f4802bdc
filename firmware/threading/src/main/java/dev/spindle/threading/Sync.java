package dev.spindle.threading;

/**
 * The one acquire algorithm behind {@link Lock}, {@link Semaphore} and {@link Event}.
 *
 * <h2>Algorithm</h2>
 * <ol>
 * <li>Under this object's monitor: if nobody is queued and {@link #tryTake} succeeds, return at
 *     once (the fast path: one monitor enter, no allocation, no global lock). A {@code 0} timeout
 *     stops here.</li>
 * <li>Outside the monitor, find the caller's registry record (for a thread Spindle started,
 *     through its carrier, without any lock) and reset its {@link Waiter} (one per thread, reused
 *     by every wait: no allocation per wait, and its monitor stays inflated), setting the
 *     registry row "waits on this, since now" in the same node section where the primitive
 *     allows it outside this monitor; then, under the monitor again, try once more and otherwise
 *     append the node to the queue. Registry work stays out of this monitor where it can, so
 *     releasers and waiters hold it only briefly; only a {@link Lock} wait takes the global
 *     {@link Scheduler#LOCK} (for priority inheritance).</li>
 * <li>Outside every monitor, wait on the waiter's own monitor until a releaser grants it, the time
 *     is up or the thread is interrupted.</li>
 * <li>A releaser picks the highest-priority, earliest waiter, removes it and passes the resource
 *     directly to it (the lock stays locked, the permit is never put back): a thread arriving
 *     meanwhile finds the queue non-empty and cannot barge in. It marks the waiter granted under
 *     this monitor and wakes it only after leaving the monitor, so the woken thread does not block
 *     on a monitor its releaser still holds (one wake-up per hand-off, not two).</li>
 * <li>A waiter whose time ran out or that was interrupted cancels itself under this monitor
 *     unless a grant won the race; an interrupted waiter that was granted gives the resource back
 *     through {@link #giveBack()}, so no permit is ever kept or lost.</li>
 * </ol>
 * Invariant (under this monitor): the queue is non-empty only while the resource is unavailable,
 * because every release with waiters hands over instead of freeing.
 */
abstract class Sync extends Primitive {
    static final boolean INTERRUPTIBLE = true;
    static final boolean UNINTERRUPTIBLE = false;

    Sync(int kind) {
        super(kind);
    }

    /** Takes the resource for {@code caller} if free. Called under this monitor. */
    abstract boolean tryTake(java.lang.Thread caller);

    /**
     * A waiter joins the queue, under this monitor: for primitives whose registry row cannot be
     * written outside it (see {@link #registryOutside}); the others are marked waiting when their
     * record is looked up, before they queue.
     */
    void enqueued(Waiter w, boolean timed) {
        w.beginWait(this, timed);
    }

    /**
     * Whether the registry may be told of a wait before the waiter is queued, outside this
     * monitor: true unless the primitive keeps more state than the registry row (Lock's
     * priority inheritance must change together with its queue).
     */
    boolean registryOutside() {
        return true;
    }

    /** A waiter left the queue without the resource (under this monitor). */
    void cancelled(Waiter w) {
        // Waiter.cancelUnlessGranted cleared the registry row.
    }

    /** The waiter is being granted (under this monitor); {@link Waiter#markGranted} clears its row. */
    void granted(Waiter w) {
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

    /**
     * As {@link #acquire(long)}; an {@link #UNINTERRUPTIBLE} wait (always without a time limit)
     * ignores interrupts and sets the interrupt flag again once it has the resource. Used where
     * a lock must be taken back whatever happens, as at the end of {@link Condition#await()}.
     */
    final boolean acquire(long timeoutMs, boolean interruptible) {
        java.lang.Thread me = java.lang.Thread.currentThread();
        synchronized (this) {
            if (isEmpty() && tryTake(me)) {
                return true;
            }
            if (timeoutMs == 0) {
                return false;
            }
        }
        boolean timed = timeoutMs > 0;
        boolean early = registryOutside();
        // The caller's node, reset, and where allowed its registry row set, in one node section.
        Waiter w = Scheduler.current(me).waiter(me, early ? this : null, timed);
        synchronized (this) {
            if (isEmpty() && tryTake(me)) {
                if (early) {
                    w.endWait();
                }
                return true;
            }
            add(w);
            if (!early) {
                enqueued(w, timed);
            }
        }
        if (interruptible == UNINTERRUPTIBLE) {
            InterruptedException seen = w.parkUninterruptibly();
            if (seen != null) {
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
                remove(w);
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

    /**
     * Marks the best waiter granted, if any; called under this monitor by releasers, who must
     * {@link Waiter#wake()} the returned node after leaving the monitor.
     */
    final Waiter handOff() {
        Waiter w = pollBest();
        if (w != null) {
            granted(w);
            w.markGranted();
        }
        return w;
    }

    /**
     * Marks every waiter granted, highest priority first; called under this monitor by releasers
     * that open for all ({@link Event#set()}, the end of a thread), who must
     * {@link Waiter#wakeAll(Waiter[]) wake} the returned nodes after leaving the monitor. The
     * nodes are collected in a new array rather than chained through the nodes themselves: a
     * granted node may be reused by its thread for its next wait before the releaser wakes it.
     *
     * @return the granted nodes in grant order, or null when nobody waited (callers that expect
     *         one waiter use {@link #handOff()} when {@link #oneQueued()}, which allocates nothing)
     */
    final Waiter[] handOffAll() {
        int n = queued();
        if (n == 0) {
            return null;
        }
        Waiter[] granted = new Waiter[n];
        for (int i = 0; i < n; i++) {
            granted[i] = handOff();
        }
        return granted;
    }
}
