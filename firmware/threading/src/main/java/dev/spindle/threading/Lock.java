package dev.spindle.threading;

import java.util.Vector;

/**
 * Zerynth's {@code threading.Lock}: a lock that is either locked or unlocked, released by any
 * thread (it has no owner).
 *
 * <h2>Wake order</h2>
 * A release with waiters hands the lock straight to the waiter with the highest priority, the
 * earliest among equals; the lock never becomes free in between, so a thread that arrives meanwhile
 * queues behind (no barging). Each waiter waits on its own monitor: a release wakes one thread.
 *
 * <h2>Priority inheritance</h2>
 * While threads wait, the last thread to acquire the lock (its holder, for this purpose) runs at
 * the highest of their priorities, in every queue it waits in itself and through
 * {@code java.lang.Thread.setPriority}; its priority drops back when it releases.
 *
 * <h2>Timeouts and interrupts</h2>
 * Timeouts are in milliseconds: {@code -1} waits forever, {@code 0} tries once. A wait that times
 * out or is interrupted leaves the queue cleanly; an interrupted wait sets the interrupt flag again
 * and throws {@link ThreadError} with the {@link InterruptedException} as its cause, and never
 * keeps the lock.
 *
 * <h2>Memory effects</h2>
 * Actions before a {@code release()} happen-before the actions after the {@code acquire()} that
 * takes the lock next (both pass through this object's monitor).
 *
 * <p>Fields {@link #locked} and {@link #owner} are guarded by this; {@link #piHolder} and
 * {@link #piWaiters} by {@link Scheduler#LOCK}.
 */
public class Lock extends Acquirable implements AutoCloseable {
    private boolean locked;
    /** The last acquirer: the holder for priority inheritance and for {@link Condition}. */
    private java.lang.Thread owner;

    /** The holder's record while threads wait here, else null. */
    ThreadRecord piHolder;
    /** Records of the threads queued here (the same threads as the queue); made at first contention. */
    Vector piWaiters;

    /** A new, unlocked lock. */
    public Lock() {
        super(LOCK);
    }

    /**
     * Unlocks, or hands the lock to the best waiter. Any thread may release.
     *
     * @throws ThreadError if the lock is not locked
     */
    public void release() {
        Waiter next;
        synchronized (this) {
            if (!locked) {
                throw new ThreadError("release unlocked lock");
            }
            if (isEmpty()) {
                locked = false;
                owner = null;
                return;
            }
            next = handOff();
        }
        next.wake();
    }

    /** @return whether the lock is locked now */
    public synchronized boolean locked() {
        return locked;
    }

    /**
     * Acquires the lock for a try-with-resources block, Python's {@code with lock:}.
     * <pre>try (Lock held = lock.enter()) { ... }</pre>
     */
    public Lock enter() {
        acquire();
        return this;
    }

    /** Releases the lock at the end of a try-with-resources block. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return describe() + (locked() ? "(locked)" : "(unlocked)");
    }

    // ---- Sync hooks, all under this monitor ---------------------------------------------------

    @Override
    final boolean tryTake(java.lang.Thread caller) {
        if (locked) {
            return false;
        }
        locked = true;
        owner = caller;
        return true;
    }

    @Override
    final boolean registryOutside() {
        return false;
    }

    @Override
    final void enqueued(Waiter w, boolean timed) {
        synchronized (Scheduler.LOCK) {
            w.beginWait(this, timed);
            if (piHolder == null) {
                piHolder = Scheduler.recordOf(owner);
                piHolder.addBoosting(this);
            }
            if (piWaiters == null) {
                piWaiters = new Vector(2);
            }
            piWaiters.addElement(w.record);
            Scheduler.recompute(piHolder);
        }
    }

    @Override
    final void cancelled(Waiter w) {
        synchronized (Scheduler.LOCK) {
            Scheduler.removeSame(piWaiters, w.record);
            ThreadRecord holder = piHolder;
            if (piWaiters.isEmpty()) {
                holder.removeBoosting(this);
                piHolder = null;
            }
            Scheduler.recompute(holder);
        }
    }

    @Override
    final void granted(Waiter w) {
        owner = w.thread;
        synchronized (Scheduler.LOCK) {
            w.endWait(); // no longer an edge of the wait-for graph for the recomputes below
            Scheduler.removeSame(piWaiters, w.record);
            ThreadRecord previous = piHolder;
            previous.removeBoosting(this);
            if (piWaiters.isEmpty()) {
                piHolder = null;
            } else {
                piHolder = w.record;
                w.record.addBoosting(this);
            }
            Scheduler.recompute(previous);
            Scheduler.recompute(w.record);
        }
    }

    @Override
    final void giveBack() {
        release();
    }

    // ---- for Condition -----------------------------------------------------------------------

    /** @return whether the calling thread acquired this lock and has not released it */
    final synchronized boolean heldByCurrentThread() {
        return locked && owner == java.lang.Thread.currentThread();
    }

    /**
     * Queues a signalled Condition waiter for this lock at its own priority, or, when the lock is
     * free, grants it at once. Called under the Condition's monitor.
     *
     * @return true if the lock was granted: the caller must {@link Waiter#wake()} the node after
     *         leaving its monitor
     */
    final boolean enqueueSignalled(Waiter w) {
        synchronized (this) {
            if (!locked) {
                locked = true;
                owner = w.thread;
                w.markGranted();
                return true;
            }
            add(w);
            enqueued(w, false);
            return false;
        }
    }

    /** Acquires the lock even if interrupted meanwhile; the interrupt flag is set again after. */
    final void acquireUninterruptibly() {
        acquire(Timeouts.FOREVER, UNINTERRUPTIBLE);
    }
}
