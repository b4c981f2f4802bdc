package dev.spindle.threading;

/**
 * One row of the thread table: an immutable copy of what the registry knew about a thread at the
 * moment of {@link ThreadRegistry#snapshot()}.
 */
public final class ThreadInfo {
    public static final int NEW = 0;
    public static final int RUNNABLE = 1;
    public static final int WAITING = 2;
    public static final int TIMED_WAITING = 3;
    public static final int TERMINATED = 4;

    private static final String[] STATE_NAMES = {"new", "runnable", "waiting", "timed-waiting", "terminated"};

    private final long ident;
    private final String name;
    private final int priority;
    private final int effectivePriority;
    private final int state;
    private final String waitingOn;
    private final long waitingSinceMs;
    private final int stackSize;
    private final Throwable exception;
    private final boolean library;

    ThreadInfo(long ident, String name, int priority, int effectivePriority, int state, String waitingOn,
            long waitingSinceMs, int stackSize, Throwable exception, boolean library) {
        this.ident = ident;
        this.name = name;
        this.priority = priority;
        this.effectivePriority = effectivePriority;
        this.state = state;
        this.waitingOn = waitingOn;
        this.waitingSinceMs = waitingSinceMs;
        this.stackSize = stackSize;
        this.exception = exception;
        this.library = library;
    }

    /** The thread's ident, as {@link Thread#getIdent()} and {@code Threads.getIdent()} return it. */
    public long getIdent() {
        return ident;
    }

    public String getName() {
        return name;
    }

    /** The Zerynth priority (1..7) the thread was started with. */
    public int getPriority() {
        return priority;
    }

    /** The priority the scheduler uses now: higher than {@link #getPriority()} while it inherits one. */
    public int getEffectivePriority() {
        return effectivePriority;
    }

    /** One of {@link #NEW}, {@link #RUNNABLE}, {@link #WAITING}, {@link #TIMED_WAITING}, {@link #TERMINATED}. */
    public int getState() {
        return state;
    }

    /** The state as the protocol spells it: new, runnable, waiting, timed-waiting, terminated. */
    public String getStateName() {
        return STATE_NAMES[state];
    }

    /** What the thread waits on ({@code Lock#3}, {@code Semaphore#7}, {@code join Thread-2}), or null. */
    public String getWaitingOn() {
        return waitingOn;
    }

    /** When the current wait began ({@code System.currentTimeMillis()}), or 0 when not waiting. */
    public long getWaitingSinceMs() {
        return waitingSinceMs;
    }

    /** The stack size asked for in bytes; 0 means the platform default. */
    public int getStackSize() {
        return stackSize;
    }

    /** The exception that ended the thread, or null. */
    public Throwable getException() {
        return exception;
    }

    /** False for threads Spindle did not start (such as {@code main}) that took part in a wait. */
    public boolean isStartedBySpindle() {
        return library;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(name).append(" (ident ").append(ident).append(", prio ").append(priority);
        if (effectivePriority != priority) {
            b.append("->").append(effectivePriority);
        }
        b.append(", ").append(getStateName());
        if (waitingOn != null) {
            b.append(" on ").append(waitingOn);
        }
        return b.append(')').toString();
    }
}
