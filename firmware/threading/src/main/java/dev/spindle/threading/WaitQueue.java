package dev.spindle.threading;

/**
 * The waiters of one primitive, in arrival order. {@link #pollBest()} serves the waiter with the
 * highest effective priority, the earliest arrival among equals. Priorities are read at the time
 * of the choice, so a waiter boosted by priority inheritance while queued moves up at once.
 *
 * <p>A doubly linked list of {@link Waiter} nodes; all methods are called with the owning
 * primitive's monitor held (the queue has no lock of its own). The choice scans the queue: wait
 * queues on a board are short, and a scan keeps the order exact under changing priorities where a
 * heap would have to be re-sorted.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** Appends at the tail: FIFO among waiters of one priority. */
    void add(Waiter w) {
        w.next = null;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** @return whether {@code w} was queued here (and is now removed) */
    boolean remove(Waiter w) {
        boolean queued = w.prev != null || head == w;
        if (!queued) {
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
        size--;
        return true;
    }

    /** @return the highest-priority, earliest waiter without removing it, or null */
    Waiter peekBest() {
        Waiter best = head;
        for (Waiter w = head; w != null; w = w.next) {
            if (w.priority() > best.priority()) {
                best = w;
            }
        }
        return best;
    }

    /** Removes and returns the highest-priority, earliest waiter, or null when empty. */
    Waiter pollBest() {
        Waiter best = peekBest();
        if (best != null) {
            remove(best);
        }
        return best;
    }
}
