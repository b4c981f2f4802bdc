package dev.spindle.threading;

import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Vector;

/**
 * The scheduler shim's shared state: the thread registry and priority inheritance.
 *
 * <h2>Locking</h2>
 * One global monitor, {@link #LOCK}, guards the registry, the {@link ThreadRecord} fields its
 * class comment names, and the inheritance fields of every {@link Lock} ({@code piHolder},
 * {@code piWaiters}). It is taken only on slow paths: a wait on a Lock and the hand-off of a Lock
 * with waiters (priority inheritance), the start and end of a thread, a foreign thread's first
 * look-up; never on an uncontended acquire or release, and not for waits on other primitives,
 * whose registry row (what a thread waits on, since when) its {@link Waiter} holds under its own
 * monitor. A Spindle thread finds its record through its {@link Carrier} without this lock.
 * Lock order, always in this direction: {@code Condition} monitor, then primitive monitor (a
 * thread's join gate is one), then {@code LOCK}, then a {@link Waiter}'s monitor. Nothing calls
 * user code while holding {@code LOCK}.
 *
 * <h2>Priority inheritance</h2>
 * A thread's effective priority is the highest of its base priority and the effective priorities
 * of all threads queued on the Locks it holds (the last acquirer counts as holder, since a Zerynth
 * Lock has no owner). {@link #recompute} re-derives it from scratch and, when it changed, walks on
 * to the holder of the Lock that thread itself waits for, so a boost travels down a chain of
 * blocked holders. The walk stops when nothing changes (which also ends it on a deadlock cycle)
 * or after {@link #MAX_CHAIN} hops.
 */
final class Scheduler {
    static final Object LOCK = new Object();

    /** Terminated, never-joined threads kept in the table (oldest dropped first). */
    static final int HISTORY = 64;
    private static final int MAX_CHAIN = 64;
    private static final int FOREIGN_PURGE_AT = 32;
    private static final int FOREIGN_FAST = 8;

    private static long nextIdent = 1; // guarded by LOCK
    /**
     * Running threads that carry no {@link Carrier} (foreign ones met in a wait, and Spindle's on
     * a platform whose threads are not carriers): java.lang.Thread -> ThreadRecord. A carrier
     * leads to its record directly, so Spindle's own threads cost no entry here.
     */
    private static final Hashtable running = new Hashtable(); // guarded by LOCK
    /** Spindle's threads from start until joined or pushed out of the history, in start order. */
    private static final Vector table = new Vector(); // guarded by LOCK
    private static int terminatedInTable; // guarded by LOCK
    /**
     * The records of the first {@value #FOREIGN_FAST} foreign threads in {@link #running}, an array
     * replaced as a whole under LOCK (copy on write), so that the few foreign threads that use
     * Spindle (main, a test runner's threads) find their record without the lock. A record's
     * thread never changes once it is in the map; an entry for a thread that ended is never
     * matched again and goes at the next purge.
     */
    private static volatile ThreadRecord[] foreignFast = new ThreadRecord[0];
    private static int foreignCount; // guarded by LOCK
    private static final Vector listeners = new Vector(); // guarded by LOCK

    private Scheduler() {
    }

    static long newIdent() {
        synchronized (LOCK) {
            return nextIdent++;
        }
    }

    /** @return the calling thread's record, made on first use for threads Spindle did not start */
    static ThreadRecord current() {
        return current(java.lang.Thread.currentThread());
    }

    /**
     * @param me the calling thread
     * @return its record: for a thread Spindle started on a {@link Carrier}, read from the carrier
     *         without any lock (the record is set before the thread starts and never changes);
     *         otherwise looked up, or made, under {@link #LOCK}
     */
    static ThreadRecord current(java.lang.Thread me) {
        if (me instanceof Carrier) {
            return ((Carrier) me).record();
        }
        ThreadRecord[] fast = foreignFast;
        for (int i = 0; i < fast.length; i++) {
            if (fast[i].thread == me) {
                return fast[i];
            }
        }
        synchronized (LOCK) {
            return recordOf(me);
        }
    }

    /** Caller holds LOCK. */
    static ThreadRecord recordOf(java.lang.Thread t) {
        if (t instanceof Carrier) {
            return ((Carrier) t).record();
        }
        ThreadRecord r = (ThreadRecord) running.get(t);
        if (r == null) {
            if (++foreignCount > FOREIGN_PURGE_AT) {
                purgeDeadForeign();
            }
            r = new ThreadRecord(nextIdent++, t.getName(), PriorityMap.fromJava(t.getPriority()), false);
            r.thread = t;
            r.javaBase = (byte) t.getPriority();
            r.state = ThreadInfo.RUNNABLE;
            running.put(t, r);
            ThreadRecord[] fast = foreignFast;
            if (fast.length < FOREIGN_FAST) {
                ThreadRecord[] more = new ThreadRecord[fast.length + 1];
                System.arraycopy(fast, 0, more, 0, fast.length);
                more[fast.length] = r;
                foreignFast = more;
            }
        }
        return r;
    }

    private static void purgeDeadForeign() {
        Vector dead = new Vector();
        for (Enumeration e = running.keys(); e.hasMoreElements();) {
            java.lang.Thread t = (java.lang.Thread) e.nextElement();
            ThreadRecord r = (ThreadRecord) running.get(t);
            if (!r.library && !t.isAlive()) {
                dead.addElement(t);
            }
        }
        for (int i = 0; i < dead.size(); i++) {
            running.remove(dead.elementAt(i));
        }
        foreignCount -= dead.size();
        Vector alive = new Vector();
        for (Enumeration e = running.elements(); e.hasMoreElements() && alive.size() < FOREIGN_FAST;) {
            ThreadRecord r = (ThreadRecord) e.nextElement();
            if (!r.library) {
                alive.addElement(r);
            }
        }
        ThreadRecord[] fast = new ThreadRecord[alive.size()];
        alive.copyInto(fast);
        foreignFast = fast;
    }

    // ---- thread life cycle -------------------------------------------------------------------

    /** Enters a thread Spindle is about to start; it shows as runnable from now on. */
    static void register(ThreadRecord r, java.lang.Thread t) {
        synchronized (LOCK) {
            r.thread = t;
            r.javaBase = (byte) PriorityMap.toJava(r.base);
            r.state = ThreadInfo.RUNNABLE;
            r.effective = r.base;
            if (!(t instanceof Carrier)) {
                running.put(t, r);
            }
            table.addElement(r);
        }
    }

    /** Takes back a registration whose thread the VM refused to start. */
    static void unregister(ThreadRecord r) {
        synchronized (LOCK) {
            running.remove(r.thread);
            removeSame(table, r);
            r.thread = null;
            r.state = ThreadInfo.NEW;
        }
    }

    /** Records the end of a Spindle thread and trims the history of terminated threads. */
    static ThreadInfo terminated(ThreadRecord r) {
        synchronized (LOCK) {
            r.state = ThreadInfo.TERMINATED;
            running.remove(r.thread);
            if (!r.joined) {
                terminatedInTable++;
                trimHistory();
            } else {
                removeSame(table, r);
            }
            return r.snapshot();
        }
    }

    /** A join saw the thread end: it leaves the table. */
    static void joined(ThreadRecord r) {
        synchronized (LOCK) {
            if (r.joined) {
                return;
            }
            r.joined = true;
            if (r.state == ThreadInfo.TERMINATED && removeSame(table, r)) {
                terminatedInTable--;
            }
        }
    }

    private static void trimHistory() {
        for (int i = 0; terminatedInTable > HISTORY && i < table.size();) {
            ThreadRecord old = (ThreadRecord) table.elementAt(i);
            if (old.state == ThreadInfo.TERMINATED) {
                table.removeElementAt(i);
                terminatedInTable--;
            } else {
                i++;
            }
        }
    }

    static ThreadInfo info(ThreadRecord r) {
        synchronized (LOCK) {
            return r.snapshot();
        }
    }

    // ---- priority inheritance ----------------------------------------------------------------

    /**
     * Re-derives {@code r}'s effective priority and carries a change down the chain of Lock
     * holders it waits behind. Caller holds LOCK.
     */
    static void recompute(ThreadRecord r) {
        for (int hops = 0; r != null && hops < MAX_CHAIN; hops++) {
            int p = r.base;
            for (int i = 0; r.boosting != null && i < r.boosting.size(); i++) {
                Vector waiters = ((Lock) r.boosting.elementAt(i)).piWaiters;
                for (int j = 0; j < waiters.size(); j++) {
                    int q = ((ThreadRecord) waiters.elementAt(j)).effective;
                    if (q > p) {
                        p = q;
                    }
                }
            }
            if (p == r.effective) {
                return;
            }
            r.effective = p;
            if (r.thread != null) {
                // Back at its base, a thread gets its own Java priority again, not the map's
                // nearest entry (a foreign thread may run at a priority the map does not use).
                r.thread.setPriority(p == r.base ? r.javaBase : Math.max(r.javaBase, PriorityMap.toJava(p)));
            }
            Lock next = r.blockedOn();
            r = next == null ? null : next.piHolder;
        }
    }

    // ---- registry views ----------------------------------------------------------------------

    static ThreadInfo[] snapshot() {
        synchronized (LOCK) {
            ThreadInfo[] rows = new ThreadInfo[table.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = ((ThreadRecord) table.elementAt(i)).snapshot();
            }
            return rows;
        }
    }

    /**
     * Finds every cycle in the wait-for graph of Locks: thread -> Lock it waits for -> that
     * Lock's holder -> ... Each cycle is reported once, starting from its lowest ident.
     */
    static Deadlock[] findDeadlocks() {
        synchronized (LOCK) {
            Vector found = new Vector();
            Vector done = new Vector(); // records already walked: no new cycle starts there
            Vector all = new Vector(); // Spindle's threads (the table) and the foreign ones
            for (int i = 0; i < table.size(); i++) {
                all.addElement(table.elementAt(i));
            }
            for (Enumeration e = running.elements(); e.hasMoreElements();) {
                Object r = e.nextElement();
                if (!((ThreadRecord) r).library) {
                    all.addElement(r);
                }
            }
            for (int k = 0; k < all.size(); k++) {
                Vector path = new Vector();
                ThreadRecord r = (ThreadRecord) all.elementAt(k);
                while (r != null && r.blockedOn() != null && indexOfSame(done, r) < 0 && indexOfSame(path, r) < 0) {
                    path.addElement(r);
                    r = r.blockedOn().piHolder;
                }
                int at = r == null ? -1 : indexOfSame(path, r);
                if (at >= 0) {
                    found.addElement(cycle(path, at));
                }
                for (int i = 0; i < path.size(); i++) {
                    done.addElement(path.elementAt(i));
                }
            }
            Deadlock[] result = new Deadlock[found.size()];
            found.copyInto(result);
            return result;
        }
    }

    private static Deadlock cycle(Vector path, int from) {
        int n = path.size() - from;
        int lowest = from;
        for (int i = from; i < path.size(); i++) {
            if (((ThreadRecord) path.elementAt(i)).ident < ((ThreadRecord) path.elementAt(lowest)).ident) {
                lowest = i;
            }
        }
        ThreadInfo[] threads = new ThreadInfo[n];
        String[] locks = new String[n];
        for (int k = 0; k < n; k++) {
            ThreadRecord r = (ThreadRecord) path.elementAt(from + (lowest - from + k) % n);
            threads[k] = r.snapshot();
            locks[k] = r.blockedOn().describe();
        }
        return new Deadlock(threads, locks);
    }

    // ---- identity searches --------------------------------------------------------------------

    /**
     * {@code Vector.indexOf} by identity: records are user objects (a {@link Thread} subclass may
     * override {@code equals}), so the registry never compares them with {@code equals}.
     */
    static int indexOfSame(Vector v, Object o) {
        for (int i = 0; i < v.size(); i++) {
            if (v.elementAt(i) == o) {
                return i;
            }
        }
        return -1;
    }

    /** {@code Vector.removeElement} by identity; @return whether {@code o} was there */
    static boolean removeSame(Vector v, Object o) {
        int i = indexOfSame(v, o);
        if (i >= 0) {
            v.removeElementAt(i);
        }
        return i >= 0;
    }

    // ---- listeners ---------------------------------------------------------------------------

    static void addListener(ThreadListener l) {
        synchronized (LOCK) {
            if (!listeners.contains(l)) {
                listeners.addElement(l);
            }
        }
    }

    static void removeListener(ThreadListener l) {
        synchronized (LOCK) {
            listeners.removeElement(l);
        }
    }

    /** Tells every listener, without holding LOCK; a listener's failure is not the thread's. */
    static void fire(ThreadInfo info, boolean start) {
        Object[] ls;
        synchronized (LOCK) {
            ls = new Object[listeners.size()];
            listeners.copyInto(ls);
        }
        for (int i = 0; i < ls.length; i++) {
            try {
                if (start) {
                    ((ThreadListener) ls[i]).threadStarted(info);
                } else {
                    ((ThreadListener) ls[i]).threadTerminated(info);
                }
            } catch (RuntimeException ignored) {
                // A broken listener must not end or fail the thread it is told about.
            }
        }
    }
}
