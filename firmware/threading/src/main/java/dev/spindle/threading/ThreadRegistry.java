package dev.spindle.threading;

/**
 * The table of every thread started through Spindle ({@link Thread} and
 * {@code dev.spindle.thread.Threads}): ident, name, priority, state, what it waits on and since
 * when, and the exception that ended it. The board agent reads it for the thread table and for
 * deadlock detection.
 *
 * <p>A thread enters the table when {@code start} is called and leaves it when a
 * {@link Thread#join} sees it end, or, for threads nobody joins, once more than
 * {@value Scheduler#HISTORY} terminated threads are kept (the oldest go first).
 */
public final class ThreadRegistry {
    private ThreadRegistry() {
    }

    /** @return a consistent copy of the table (taken under one lock), in start order */
    public static ThreadInfo[] snapshot() {
        return Scheduler.snapshot();
    }

    /** @return every cycle of threads waiting for each other's Locks; empty when there is none */
    public static Deadlock[] findDeadlocks() {
        return Scheduler.findDeadlocks();
    }

    /** @return the calling thread's row (threads Spindle did not start get one too) */
    public static ThreadInfo current() {
        return Scheduler.info(Scheduler.current());
    }

    public static void addListener(ThreadListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Scheduler.addListener(listener);
    }

    public static void removeListener(ThreadListener listener) {
        Scheduler.removeListener(listener);
    }
}
