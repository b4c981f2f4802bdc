package dev.spindle.threading;

/**
 * One blocked thread: the node that a wait queue holds and the monitor that this one thread, and
 * no other, waits on. Releasers hand the resource over by {@link #markGranted() marking} the node
 * granted under the primitive's monitor, then {@link #wake() wake} it after leaving that monitor,
 * so the woken thread never runs into a monitor its releaser still holds. A release wakes exactly
 * the chosen thread (no {@code notifyAll} herd, no barging). A wake that comes after the waiter
 * already saw the grant (spurious wake-up, timed wait ending) finds nobody waiting, or wakes the
 * thread's next wait on the same node, whose loop sees no grant and waits on: harmless.
 *
 * <p>Fields: {@link #prev}/{@link #next} and {@link #inCondition} are guarded by the monitor of the
 * primitive whose queue holds the node; {@link #state} is guarded by this node's own monitor.
 * Each thread has one node ({@link ThreadRecord#waiter}), reused by all its waits: a thread waits
 * on one primitive at a time, and a node leaves its queue (granted, cancelled or moved by a
 * signal) before its thread can wait again, so it is never in two queues. A
 * thread that holds a primitive's monitor may lock a node; a thread that holds a node's monitor
 * never locks anything else.
 *
 * <p>The node also holds its thread's registry row for the wait ({@link #waitingOn}, since when,
 * timed or not), under its own monitor: setting it is part of {@link #reset}, and clearing it part
 * of {@link #markGranted} and {@link #cancelUnlessGranted}, monitor sections a wait needs anyway,
 * so a wait on a {@link Semaphore}, an {@link Event}, a {@link Condition} or a join takes the
 * global {@link Scheduler#LOCK} not at all (a {@link Lock} wait still does, for priority
 * inheritance, and sets the row under it). The registry reads the row under this monitor while
 * holding {@code LOCK}, so it is never torn.
 */
final class Waiter {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CANCELLED = 2;

    /** Outcomes of {@link #park(long)}. */
    static final int PARK_GRANTED = 0;
    static final int PARK_TIMED_OUT = 1;
    static final int PARK_INTERRUPTED = 2;

    final java.lang.Thread thread;
    final ThreadRecord record;

    Waiter prev; // guarded by the owning primitive
    Waiter next; // guarded by the owning primitive
    /** True while the node sits in a Condition's queue rather than its lock's (guarded by the Condition). */
    boolean inCondition;

    private int state = WAITING; // guarded by this
    private InterruptedException interruption; // written and read only by the waiting thread

    /** The thread's registry row while it waits (guarded by this): the primitive waited on, or null. */
    private Primitive waitingOn;
    private long waitingSince; // guarded by this
    private boolean timed; // guarded by this

    Waiter(java.lang.Thread thread, ThreadRecord record) {
        this.thread = thread;
        this.record = record;
    }

    /** Zerynth priority the queues order this waiter by: its thread's effective priority. */
    int priority() {
        return record.effective;
    }

    /**
     * Hands the resource over without waking the thread yet (under the primitive's monitor); the
     * thread no longer waits, in the registry too.
     */
    synchronized void markGranted() {
        state = GRANTED;
        waitingOn = null;
    }

    /** Wakes the thread of a node marked granted (after leaving the primitive's monitor). */
    synchronized void wake() {
        notify();
    }

    /** Wakes every node of {@code granted} (null: none), in order. */
    static void wakeAll(Waiter[] granted) {
        for (int i = 0; granted != null && i < granted.length; i++) {
            granted[i].wake();
        }
    }

    /**
     * Makes a node waiting again for its thread's next wait; called by that thread, while the node
     * is in no queue. A late {@link #wake()} from the previous grant may still arrive: the park
     * loop takes it for a spurious wake-up and waits on.
     */
    synchronized void reset(Primitive on, boolean timed) {
        state = WAITING;
        interruption = null;
        row(on, timed);
    }

    /** The registry row: the thread waits on {@code on} from now on. */
    synchronized void beginWait(Primitive on, boolean timed) {
        row(on, timed);
    }

    /** The registry row: the thread waits no more. */
    synchronized void endWait() {
        waitingOn = null;
    }

    private void row(Primitive on, boolean timed) {
        waitingOn = on;
        if (on != null) {
            this.timed = timed;
            waitingSince = System.currentTimeMillis();
        }
    }

    /** @return the primitive the thread waits on now, or null */
    synchronized Primitive waitingOn() {
        return waitingOn;
    }

    /**
     * @return a consistent copy of the registry row for {@code r}, whose node this is: its state
     *         ({@code r.state} turned into waiting or timed waiting while the node waits), what
     *         it waits on, since when
     */
    synchronized ThreadInfo snapshot(ThreadRecord r) {
        int state = r.state;
        if (waitingOn == null) {
            return r.snapshot(state, null, 0L);
        }
        if (state == ThreadInfo.RUNNABLE) {
            state = timed ? ThreadInfo.TIMED_WAITING : ThreadInfo.WAITING;
        }
        return r.snapshot(state, waitingOn.describe(), waitingSince);
    }

    /**
     * Called by the waiting thread under the primitive's monitor once its wait ended without a
     * grant: cancels the node unless a grant won the race.
     *
     * @return true if the node was granted after all
     */
    synchronized boolean cancelUnlessGranted() {
        if (state == GRANTED) {
            return true;
        }
        state = CANCELLED;
        waitingOn = null;
        return false;
    }

    /**
     * Waits on this node until granted, the timeout passes or the thread is interrupted. Called by
     * the waiting thread without any other monitor held.
     *
     * @param timeoutMs {@link Timeouts#FOREVER}, 0 (only look) or a positive number of milliseconds
     */
    synchronized int park(long timeoutMs) {
        if (timeoutMs == 0) {
            return state == GRANTED ? PARK_GRANTED : PARK_TIMED_OUT;
        }
        Countdown countdown = timeoutMs > 0 ? new Countdown(timeoutMs) : null;
        try {
            while (state == WAITING) {
                if (countdown == null) {
                    wait();
                } else {
                    long left = countdown.left();
                    if (left <= 0) {
                        return PARK_TIMED_OUT;
                    }
                    wait(left);
                }
            }
            return PARK_GRANTED;
        } catch (InterruptedException e) {
            interruption = e;
            return PARK_INTERRUPTED;
        }
    }

    /**
     * Waits until granted, whatever interrupts come; used where the grant is certain to come
     * (a signalled Condition waiter queued on its lock).
     *
     * @return the first interruption seen meanwhile, or null
     */
    synchronized InterruptedException parkUninterruptibly() {
        InterruptedException seen = null;
        while (state == WAITING) {
            try {
                wait();
            } catch (InterruptedException e) {
                if (seen == null) {
                    seen = e;
                }
            }
        }
        return seen;
    }

    /** The interruption that ended the last {@link #park} with {@link #PARK_INTERRUPTED}. */
    InterruptedException interruption() {
        return interruption;
    }
}
