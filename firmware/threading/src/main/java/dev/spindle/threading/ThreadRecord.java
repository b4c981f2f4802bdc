package dev.spindle.threading;

import java.util.Vector;

/**
 * What the scheduler knows about one thread: the registry row, the priority-inheritance state,
 * the gate that {@link Thread#join} waits at, and the thread's one reusable wait node (which holds
 * what the thread waits on and since when, see {@link Waiter}). For a
 * thread Spindle started, this object <em>is</em> the Spindle {@link Thread} (a subclass), so a
 * registered thread costs one object on top of its {@code java.lang.Thread}; threads Spindle did
 * not start (such as main) get a plain record when first met in a wait.
 *
 * <h2>The join gate</h2>
 * A {@link Sync} whose resource is "the thread has ended" ({@link #ended}, never consumed): a
 * joiner waits in this object's queue, highest priority first, and the thread's end grants them
 * all, as {@link Event#set()} does. Its queue, {@link #ended} and {@link #started} are guarded by
 * this object's monitor (for a Spindle thread, the {@code Thread} object's own monitor; Spindle
 * holds it only for a few field updates and never while calling user code).
 *
 * <h2>Other fields</h2>
 * Every other mutable field but {@link #name}, {@link #effective}, {@link #thread},
 * {@link #exception}, {@link #alive} and {@link #waiter} is guarded by {@link Scheduler#LOCK}.
 * {@link #effective} is written only under that lock but is volatile because wait queues read it,
 * under their own monitor, when they choose whom to serve; {@link #thread}, {@link #exception}
 * and {@link #alive} are written under that lock (or before the thread starts) and volatile so
 * that {@code Thread}'s getters need no lock. {@link #waiter} is read and written only by the
 * thread this record describes.
 *
 * <p>Small values (priorities 1..10, the state 0..4) are bytes, and the Lock a thread is queued
 * on is not stored apart from what its node waits on (see {@link #blockedOn()}): the record is what a
 * registered thread costs beyond its {@code java.lang.Thread}.
 */
class ThreadRecord extends Sync {
    final long ident;
    /** True for threads Spindle started; false for others (such as main) met in a wait. */
    final boolean library;

    volatile String name;
    /** The Zerynth priority the queues order this thread by: {@link #base} raised by inheritance. */
    volatile int effective;
    /** The carrier, from registration; null before and after a refused start. */
    volatile java.lang.Thread thread;
    /** What ended {@code run}, or null. */
    volatile Throwable exception;
    /** True from the return of {@code start} until just after {@code run} ends. */
    volatile boolean alive;

    byte base;
    /** The Java priority the thread runs at when it inherits nothing (its own, for foreign threads). */
    byte javaBase;
    /** New, runnable or terminated; the registry shows a runnable thread whose node waits as waiting. */
    byte state = ThreadInfo.NEW;
    boolean joined;
    /** The Locks this thread holds that have waiters: the sources of its inherited priority; null until the first. */
    Vector boosting;
    int stackSize;

    /** Guarded by this: {@code start} was called and not taken back. */
    boolean started;
    /** Guarded by this: the thread has ended; the join gate is open. */
    private boolean ended;

    /**
     * The thread's wait node, made at its first wait and reused by every later one; it also holds
     * what the thread waits on. Written only by the thread this record describes; volatile so
     * that the registry can read the row through it.
     */
    private volatile Waiter waiter;

    ThreadRecord(long ident, String name, int base, boolean library) {
        super(EVENT);
        this.ident = ident;
        this.name = name;
        this.base = (byte) base;
        this.effective = base;
        this.library = library;
    }

    /**
     * @return the Lock this thread is queued on (an edge of the wait-for graph), or null. Only
     *         a Lock wait records a Lock as the primitive waited on, and it does so under
     *         {@link Scheduler#LOCK} together with the Lock's inheritance state, so no second
     *         field is needed. Caller holds {@link Scheduler#LOCK}.
     */
    final Lock blockedOn() {
        Waiter w = waiter;
        Primitive on = w == null ? null : w.waitingOn();
        return on instanceof Lock ? (Lock) on : null;
    }

    /**
     * The calling thread's wait node, reset for a new wait. Called only by the thread this record
     * describes; a thread waits on one primitive at a time, and its node is in no queue between
     * two waits (granted, cancelled and signalled nodes have all left their queues).
     */
    final Waiter waiter(java.lang.Thread me, Primitive on, boolean timed) {
        Waiter w = waiter;
        if (w == null) {
            w = new Waiter(me, this);
            waiter = w;
        }
        w.reset(on, timed);
        return w;
    }

    final void addBoosting(Lock lock) {
        if (boosting == null) {
            boosting = new Vector(2);
        }
        boosting.addElement(lock);
    }

    final void removeBoosting(Lock lock) {
        if (boosting != null) {
            Scheduler.removeSame(boosting, lock);
        }
    }

    /** Copy for the thread table; called under {@link Scheduler#LOCK}. */
    final ThreadInfo snapshot() {
        Waiter w = waiter;
        return w == null ? snapshot(state, null, 0L) : w.snapshot(this);
    }

    final ThreadInfo snapshot(int shownState, String waitingOn, long waitingSince) {
        return new ThreadInfo(ident, name, base, effective, shownState, waitingOn, waitingSince,
                stackSize, exception, library);
    }

    // ---- the join gate ---------------------------------------------------------------------

    /** Joiners show as waiting on {@code join <the thread's current name>}. */
    @Override
    final String describe() {
        return "join " + name;
    }

    /** Opens the gate: every joiner waiting now is granted, highest priority first, and woken. */
    final void end() {
        Waiter[] toWake;
        synchronized (this) {
            ended = true;
            toWake = handOffAll();
        }
        Waiter.wakeAll(toWake);
    }

    @Override
    final boolean tryTake(java.lang.Thread caller) {
        return ended;
    }

    @Override
    final void giveBack() {
        // Nothing is consumed by a join.
    }

    /** What the carrier runs; only a Spindle {@link Thread} has a body. */
    void runBody() {
        throw new IllegalStateException("thread " + name + " was not started by Spindle");
    }
}
