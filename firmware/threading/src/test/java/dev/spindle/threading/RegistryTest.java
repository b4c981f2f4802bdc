package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ThreadRegistry}: rows, states, waits, history, and the deadlock check. */
@Timeout(120)
class RegistryTest {

    @Test
    void statesAndWaits() {
        Lock lock = new Lock();
        lock.acquire();
        Semaphore sem = new Semaphore(0);
        Event ev = new Event();
        Condition cond = new Condition();
        AtomicBoolean spin = new AtomicBoolean(true);

        Thread runnable = new Thread(() -> {
            while (spin.get()) {
                Waiting.pause();
            }
        }, "reg-runnable");
        Thread waiting = new Thread(lock::acquire, "reg-waiting");
        Thread timed = new Thread(() -> lock.acquire(true, Waiting.HANG_GUARD_MS), "reg-timed");
        Thread onSem = new Thread(sem::acquire, "reg-sem");
        Thread onEvent = new Thread(() -> ev.await(Waiting.HANG_GUARD_MS), "reg-event");
        Thread onCond = new Thread(() -> {
            cond.acquire();
            cond.await();
            cond.release();
        }, "reg-cond");
        Thread joiner = new Thread(runnable::join, "reg-joiner");
        Thread ended = new Thread(() -> { }, "reg-ended");

        long before = System.currentTimeMillis();
        runnable.start();
        waiting.start(Thread.PRIO_HIGH);
        timed.start();
        onSem.start();
        onEvent.start();
        onCond.start();
        joiner.start();
        ended.start();
        Waiting.untilWaiting(waiting.getIdent());
        Waiting.untilWaiting(timed.getIdent());
        Waiting.untilWaiting(onSem.getIdent());
        Waiting.untilWaiting(onEvent.getIdent());
        Waiting.untilWaiting(onCond.getIdent());
        Waiting.untilWaiting(joiner.getIdent());
        Waiting.untilState(ended.getIdent(), ThreadInfo.TERMINATED);
        long after = System.currentTimeMillis();

        ThreadInfo r = Waiting.row(runnable.getIdent());
        assertEquals(ThreadInfo.RUNNABLE, r.getState());
        assertEquals("runnable", r.getStateName());
        assertNull(r.getWaitingOn());
        assertEquals(0L, r.getWaitingSinceMs());
        assertEquals("reg-runnable", r.getName());

        ThreadInfo w = Waiting.row(waiting.getIdent());
        assertEquals(ThreadInfo.WAITING, w.getState());
        assertEquals("waiting", w.getStateName());
        assertEquals(lock.describe(), w.getWaitingOn());
        assertTrue(w.getWaitingSinceMs() >= before && w.getWaitingSinceMs() <= after, "" + w.getWaitingSinceMs());
        assertEquals(Thread.PRIO_HIGH, w.getPriority());
        assertEquals("reg-waiting (ident " + w.getIdent() + ", prio 5, waiting on " + lock.describe() + ")",
                w.toString());

        ThreadInfo t = Waiting.row(timed.getIdent());
        assertEquals(ThreadInfo.TIMED_WAITING, t.getState());
        assertEquals("timed-waiting", t.getStateName());
        assertEquals(lock.describe(), t.getWaitingOn());

        assertEquals(sem.describe(), Waiting.row(onSem.getIdent()).getWaitingOn());
        assertEquals(ThreadInfo.WAITING, Waiting.row(onSem.getIdent()).getState());
        assertEquals(ev.describe(), Waiting.row(onEvent.getIdent()).getWaitingOn());
        assertEquals(ThreadInfo.TIMED_WAITING, Waiting.row(onEvent.getIdent()).getState());
        assertEquals(cond.describe(), Waiting.row(onCond.getIdent()).getWaitingOn());
        assertEquals("join reg-runnable", Waiting.row(joiner.getIdent()).getWaitingOn());
        runnable.setName("reg-renamed");
        assertEquals("join reg-renamed", Waiting.row(joiner.getIdent()).getWaitingOn(),
                "a joiner shows the joined thread's current name");

        ThreadInfo e = Waiting.row(ended.getIdent());
        assertEquals(ThreadInfo.TERMINATED, e.getState());
        assertEquals("terminated", e.getStateName());
        assertNull(e.getWaitingOn());
        assertNull(e.getException());

        // The snapshot is a copy: it does not change when the threads move on.
        ThreadInfo[] snap = ThreadRegistry.snapshot();
        lock.release();
        Waiting.joinClean(waiting);
        lock.release();
        Waiting.joinClean(timed);
        lock.release();
        sem.release();
        ev.set();
        cond.acquire();
        cond.signal();
        cond.release();
        spin.set(false);
        for (Thread x : new Thread[] {runnable, onSem, onEvent, onCond, joiner, ended}) {
            Waiting.joinClean(x);
        }
        boolean found = false;
        for (ThreadInfo row : snap) {
            if (row.getIdent() == waiting.getIdent()) {
                found = true;
                assertEquals(ThreadInfo.WAITING, row.getState());
            }
        }
        assertTrue(found);
        // Joined threads have left the table.
        for (Thread x : new Thread[] {runnable, waiting, timed, onSem, onEvent, onCond, joiner, ended}) {
            assertNull(Waiting.row(x.getIdent()), x.getName());
        }
    }

    @Test
    void rowsAreInStartOrder() {
        Event go = new Event();
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(go::await, "ordered-" + i);
            ts[i].start();
        }
        List<Long> seen = new ArrayList<>();
        for (ThreadInfo row : ThreadRegistry.snapshot()) {
            if (row.getName().startsWith("ordered-")) {
                seen.add(row.getIdent());
            }
        }
        go.set();
        List<Long> expected = new ArrayList<>();
        for (Thread t : ts) {
            expected.add(t.getIdent());
            Waiting.joinClean(t);
        }
        assertEquals(expected, seen);
    }

    @Test
    void foreignThreadsGetARowButAreNotInTheTable() {
        ThreadInfo me = ThreadRegistry.current();
        assertFalse(me.isStartedBySpindle());
        assertEquals(java.lang.Thread.currentThread().getName(), me.getName());
        assertEquals(me.getIdent(), ThreadRegistry.current().getIdent());
        assertEquals(ThreadInfo.RUNNABLE, me.getState());
        assertNull(Waiting.row(me.getIdent()));
    }

    @Test
    void joinedThreadsLeaveUnjoinedOnesStay() {
        Thread joined = new Thread(() -> { }, "will-be-joined");
        Thread unjoined = new Thread(() -> { }, "never-joined");
        joined.start();
        unjoined.start();
        joined.join();
        assertNull(Waiting.row(joined.getIdent()));
        ThreadInfo row = Waiting.untilState(unjoined.getIdent(), ThreadInfo.TERMINATED);
        assertEquals("never-joined", row.getName());
        unjoined.join(0);
        assertNull(Waiting.row(unjoined.getIdent()), "a join that sees the end removes it");
    }

    @Test
    void terminatedHistoryIsBoundedOldestFirst() {
        int extra = 6;
        Thread[] ts = new Thread[Scheduler.HISTORY + extra];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> { }, "history-" + i);
            ts[i].start();
            final Thread t = ts[i];
            Waiting.until("history thread ends", () -> !t.isAlive()); // they end in start order
        }
        Set<Long> table = new HashSet<>();
        int terminated = 0;
        for (ThreadInfo row : ThreadRegistry.snapshot()) {
            table.add(row.getIdent());
            if (row.getState() == ThreadInfo.TERMINATED) {
                terminated++;
            }
        }
        assertTrue(terminated <= Scheduler.HISTORY, "at most HISTORY terminated rows: " + terminated);
        for (int i = 0; i < extra; i++) {
            assertFalse(table.contains(ts[i].getIdent()), "the oldest were dropped: history-" + i);
        }
        assertTrue(table.contains(ts[ts.length - 1].getIdent()), "the newest is kept");
        for (Thread t : ts) {
            t.join(); // joining after the row left is fine
        }
    }

    // ---- deadlocks -------------------------------------------------------------------------

    /** Threads 0..n-1; thread i holds lock i and then waits (timed, so the test always ends) for lock i+1. */
    private static Thread[] cycle(Lock[] locks, String prefix) {
        int n = locks.length;
        Semaphore ready = new Semaphore(0);
        Event go = new Event();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            final int me = i;
            ts[i] = new Thread(() -> {
                Lock own = locks[me];
                Lock next = locks[(me + 1) % n];
                own.acquire();
                ready.release();
                go.await();
                if (next.acquire(true, Waiting.HANG_GUARD_MS)) {
                    next.release();
                    if (me != 0) {
                        own.release(); // thread 0's lock is released by the test to break the cycle
                    }
                }
            }, prefix + i);
            ts[i].start();
        }
        for (int i = 0; i < n; i++) {
            ready.acquire();
        }
        go.set();
        for (Thread t : ts) {
            Waiting.untilWaitingOn(t.getIdent(), "Lock#");
        }
        return ts;
    }

    private static List<Deadlock> deadlocksAmong(Thread[] ts) {
        Set<Long> mine = new HashSet<>();
        for (Thread t : ts) {
            mine.add(t.getIdent());
        }
        List<Deadlock> found = new ArrayList<>();
        for (Deadlock d : ThreadRegistry.findDeadlocks()) {
            for (ThreadInfo info : d.getThreads()) {
                if (mine.contains(info.getIdent())) {
                    found.add(d);
                    break;
                }
            }
        }
        return found;
    }

    private static void breakCycle(Lock[] locks, Thread[] ts) {
        locks[0].release(); // Locks have no owner: a third thread may release
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        for (Lock l : locks) {
            assertFalse(l.locked(), l.toString());
        }
    }

    @Test
    void twoCycleIsFoundAndNamed() {
        Lock[] locks = {new Lock(), new Lock()};
        Thread[] ts = cycle(locks, "dl2-");
        try {
            List<Deadlock> found = deadlocksAmong(ts);
            assertEquals(1, found.size(), found.toString());
            Deadlock d = found.get(0);
            ThreadInfo[] threads = d.getThreads();
            assertEquals(2, threads.length);
            assertEquals(ts[0].getIdent(), threads[0].getIdent(), "starts from the lowest ident");
            assertEquals(ts[1].getIdent(), threads[1].getIdent());
            assertArrayEquals(new String[] {locks[1].describe(), locks[0].describe()}, d.getLocks());
            assertEquals("dl2-0 waits for " + locks[1].describe() + " held by dl2-1; dl2-1 waits for "
                    + locks[0].describe() + " held by dl2-0", d.toString());
            assertEquals(ThreadInfo.TIMED_WAITING, threads[0].getState());
        } finally {
            breakCycle(locks, ts);
        }
        assertTrue(deadlocksAmong(ts).isEmpty());
    }

    @Test
    void threeCycleIsFoundOnce() {
        Lock[] locks = {new Lock(), new Lock(), new Lock()};
        Thread[] ts = cycle(locks, "dl3-");
        try {
            List<Deadlock> found = deadlocksAmong(ts);
            assertEquals(1, found.size(), found.toString());
            Deadlock d = found.get(0);
            ThreadInfo[] threads = d.getThreads();
            assertEquals(3, threads.length);
            for (int i = 0; i < 3; i++) {
                assertEquals(ts[i].getIdent(), threads[i].getIdent());
                assertEquals("dl3-" + i, threads[i].getName());
                assertEquals(locks[(i + 1) % 3].describe(), d.getLocks()[i]);
            }
            // The arrays handed out are copies.
            d.getThreads()[0] = null;
            d.getLocks()[0] = null;
            assertNotNull(d.getThreads()[0]);
            assertNotNull(d.getLocks()[0]);
        } finally {
            breakCycle(locks, ts);
        }
    }

    @Test
    void twoSeparateCyclesAreBothFound() {
        Lock[] a = {new Lock(), new Lock()};
        Lock[] b = {new Lock(), new Lock(), new Lock()};
        Thread[] ta = cycle(a, "dla-");
        Thread[] tb = cycle(b, "dlb-");
        try {
            assertEquals(1, deadlocksAmong(ta).size());
            assertEquals(1, deadlocksAmong(tb).size());
            assertEquals(2, deadlocksAmong(new Thread[] {ta[0], tb[0]}).size());
        } finally {
            breakCycle(a, ta);
            breakCycle(b, tb);
        }
    }

    /** A plain Lock is not reentrant: a thread acquiring it twice waits for itself. */
    @Test
    void selfDeadlockIsAOneThreadCycle() {
        Lock lock = new Lock();
        Semaphore ready = new Semaphore(0);
        AtomicBoolean gotItBack = new AtomicBoolean();
        Thread t = new Thread(() -> {
            lock.acquire();
            ready.release();
            gotItBack.set(lock.acquire(true, Waiting.HANG_GUARD_MS));
            lock.release();
        }, "self-locked");
        t.start();
        ready.acquire();
        Waiting.untilWaiting(t.getIdent());
        try {
            List<Deadlock> found = deadlocksAmong(new Thread[] {t});
            assertEquals(1, found.size(), found.toString());
            assertEquals(1, found.get(0).getThreads().length);
            assertEquals("self-locked waits for " + lock.describe() + " held by self-locked", found.get(0).toString());
        } finally {
            lock.release();
            Waiting.joinClean(t);
        }
        assertTrue(gotItBack.get());
        assertFalse(lock.locked());
    }

    @Test
    void aChainIsNoDeadlock() {
        Lock l0 = new Lock();
        Lock l1 = new Lock();
        l1.acquire(); // held by the test, which is not blocked
        Semaphore ready = new Semaphore(0);
        Thread holder = new Thread(() -> {
            l0.acquire();
            ready.release();
            l1.acquire(true, Waiting.HANG_GUARD_MS);
            l1.release();
            l0.release();
        }, "chain-0");
        holder.start();
        ready.acquire();
        Thread waiter = new Thread(() -> {
            l0.acquire(true, Waiting.HANG_GUARD_MS);
            l0.release();
        }, "chain-1");
        waiter.start();
        Waiting.untilWaiting(holder.getIdent());
        Waiting.untilWaiting(waiter.getIdent());
        try {
            assertTrue(deadlocksAmong(new Thread[] {holder, waiter}).isEmpty());
        } finally {
            l1.release();
            Waiting.joinClean(holder);
            Waiting.joinClean(waiter);
        }
    }

    @Test
    void noThreadsNoDeadlock() {
        Lock lock = new Lock();
        lock.acquire();
        assertTrue(deadlocksAmong(new Thread[0]).isEmpty());
        lock.release();
    }
}
