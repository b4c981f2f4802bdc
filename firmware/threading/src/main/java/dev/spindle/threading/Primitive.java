package dev.spindle.threading;

/**
 * What every Spindle synchronisation object shares: its wait queue and a short, stable
 * description for thread tables and deadlock reports ({@code Lock#12}).
 *
 * <h2>The wait queue</h2>
 * The threads waiting on this object, in arrival order: a doubly linked list of {@link Waiter}
 * nodes. {@link #pollBest()} serves the waiter with the highest effective priority, the earliest
 * arrival among equals. Priorities are read at the time of the choice, so a waiter boosted by
 * priority inheritance while queued moves up at once. The choice scans the queue: wait queues on
 * a board are short, and a scan keeps the order exact under changing priorities where a heap would
 * have to be re-sorted. The queue lives in the primitive itself (no separate object): a Lock costs
 * about what a {@code ReentrantLock} does.
 *
 * <p>{@link #head}, {@link #tail} and the nodes' links are guarded by this object's monitor. The
 * description is built by Spindle, never by user code, so the registry may take it while holding
 * its lock.
 */
abstract class Primitive {
    static final int LOCK = 0;
    static final int SEMAPHORE = 1;
    static final int EVENT = 2;
    static final int CONDITION = 3;
    private static final String[] KINDS = {"Lock", "Semaphore", "Event", "Condition"};

    private static int counter; // guarded by Primitive.class

    /**
     * The kind ({@link #LOCK}, ...) in the low byte and the number shown after it above: one int,
     * so that a primitive carries no reference to a shared name (a Lock costs what a
     * {@code ReentrantLock} does).
     */
    private final int kindAndId;

    private Waiter head; // guarded by this
    private Waiter tail; // guarded by this

    Primitive(int kind) {
        int id;
        synchronized (Primitive.class) {
            id = ++counter;
        }
        kindAndId = (id << 8) | kind;
    }

    /**
     * @return e.g. {@code Lock#12}, stable for the object's life. Overridden only inside this
     *         package, never by user code, so the registry may call it while holding its lock.
     */
    String describe() {
        return KINDS[kindAndId & 0xff] + "#" + (kindAndId >>> 8);
    }

    // ---- the wait queue, all under this monitor --------------------------------------------------

    final boolean isEmpty() {
        return head == null;
    }

    /** @return whether exactly one waiter is queued */
    final boolean oneQueued() {
        return head != null && head == tail;
    }

    final int queued() {
        int n = 0;
        for (Waiter w = head; w != null; w = w.next) {
            n++;
        }
        return n;
    }

    /** Appends at the tail: FIFO among waiters of one priority. */
    final void add(Waiter w) {
        w.next = null;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
    }

    /** @return whether {@code w} was queued here (and is now removed) */
    final boolean remove(Waiter w) {
        if (w.prev == null && head != w) {
            return false;
        }
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        return true;
    }

    /** Removes and returns the highest-priority, earliest waiter, or null when empty. */
    final Waiter pollBest() {
        Waiter best = head;
        for (Waiter w = head; w != null; w = w.next) {
            if (w.priority() > best.priority()) {
                best = w;
            }
        }
        if (best != null) {
            remove(best);
        }
        return best;
    }
}
