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
    private static int counter; // guarded by Primitive.class

    /** {@code Lock}, {@code Semaphore}, ...; or the whole label of a fixed-label primitive. */
    private final String kind;
    /** Number shown after the kind; 0 for a fixed label. */
    private final int id;

    private Waiter head; // guarded by this
    private Waiter tail; // guarded by this

    Primitive(String kind) {
        synchronized (Primitive.class) {
            id = ++counter;
        }
        this.kind = kind;
    }

    /** A primitive shown under a fixed label, such as {@code join}. */
    Primitive(String label, boolean fixedLabel) {
        this.kind = label;
        this.id = 0;
    }

    /**
     * @return e.g. {@code Lock#12}, stable for the object's life. Overridden only inside this
     *         package, never by user code, so the registry may call it while holding its lock.
     */
    String describe() {
        return id == 0 ? kind : kind + "#" + id;
    }

    // ---- the wait queue, all under this monitor --------------------------------------------------

    final boolean isEmpty() {
        return head == null;
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
