package dev.spindle.threading;

import java.util.Vector;

/**
 * What the scheduler knows about one thread: the registry row and the priority-inheritance state.
 *
 * <p>Every mutable field but {@link #name} and {@link #effective} is guarded by
 * {@link Scheduler#LOCK}. {@link #effective} is written only under that lock but is volatile
 * because wait queues read it, under their own monitor, when they choose whom to serve.
 */
final class ThreadRecord {
    final long ident;
    /** True for threads Spindle started; false for others (such as main) met in a wait. */
    final boolean library;

    volatile String name;
    /** The Zerynth priority queues order this thread by: {@link #base} raised by inheritance. */
    volatile int effective;

    java.lang.Thread thread;
    int base;
    /** The Java priority the thread runs at when it inherits nothing (its own, for foreign threads). */
    int javaBase;
    int state = ThreadInfo.NEW;
    /** The primitive waited on, or null. */
    Primitive waitingOn;
    long waitingSince;
    /** The Lock this thread is queued on, an edge of the wait-for graph; null otherwise. */
    Lock blockedOn;
    /** The Locks this thread holds that have waiters: the sources of its inherited priority; null until the first. */
    Vector boosting;
    Throwable exception;
    int stackSize;
    boolean joined;

    ThreadRecord(long ident, String name, int base, boolean library) {
        this.ident = ident;
        this.name = name;
        this.base = base;
        this.effective = base;
        this.library = library;
    }

    void addBoosting(Lock lock) {
        if (boosting == null) {
            boosting = new Vector(2);
        }
        boosting.addElement(lock);
    }

    void removeBoosting(Lock lock) {
        if (boosting != null) {
            boosting.removeElement(lock);
        }
    }

    /** Copy for the thread table; called under {@link Scheduler#LOCK}. */
    ThreadInfo snapshot() {
        return new ThreadInfo(ident, name, base, effective, state,
                waitingOn == null ? null : waitingOn.describe(), waitingOn == null ? 0L : waitingSince,
                stackSize, exception, library);
    }
}
