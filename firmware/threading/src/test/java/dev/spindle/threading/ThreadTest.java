package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Thread}: constructors, defaults, start/join errors, names, idents, priorities, stack sizes. */
@Timeout(120)
class ThreadTest {

    @Test
    void priorityConstantsAreZerynths() {
        assertEquals(1, Thread.PRIO_LOWEST);
        assertEquals(2, Thread.PRIO_LOWER);
        assertEquals(3, Thread.PRIO_LOW);
        assertEquals(4, Thread.PRIO_NORMAL);
        assertEquals(5, Thread.PRIO_HIGH);
        assertEquals(6, Thread.PRIO_HIGHER);
        assertEquals(7, Thread.PRIO_HIGHEST);
        assertEquals(512, Thread.DEFAULT_STACK_SIZE);
    }

    @Test
    void runnableTargetRuns() {
        AtomicInteger runs = new AtomicInteger();
        Thread t = new Thread(runs::incrementAndGet);
        t.start();
        Waiting.joinClean(t);
        assertEquals(1, runs.get());
    }

    @Test
    void targetWithNameAndArgsGetsTheArgs() {
        AtomicReference<Object[]> seen = new AtomicReference<>();
        Object[] args = {"a", 2, null};
        Thread t = new Thread(seen::set, "with-args", args);
        assertEquals("with-args", t.getName());
        t.start();
        Waiting.joinClean(t);
        assertArrayEquals(args, seen.get());
    }

    @Test
    void nullArgsMeanNoArgs() {
        AtomicReference<Object[]> seen = new AtomicReference<>();
        Thread t = new Thread(seen::set, null, null);
        t.start();
        Waiting.joinClean(t);
        assertNotNull(seen.get());
        assertEquals(0, seen.get().length);
        assertEquals("Thread-" + t.getIdent(), t.getName());
    }

    @Test
    void nullTargetRunsNothing() {
        Thread t = new Thread((Runnable) null);
        t.start();
        Waiting.joinClean(t);
        assertFalse(t.isAlive());
    }

    @Test
    void subclassOverridesRun() {
        AtomicInteger runs = new AtomicInteger();
        Thread t = new Thread() {
            @Override
            public void run() {
                runs.incrementAndGet();
            }
        };
        t.start();
        Waiting.joinClean(t);
        assertEquals(1, runs.get());
    }

    @Test
    void defaultNameIsThreadDashIdent() {
        Thread a = new Thread();
        Thread b = new Thread(() -> { });
        Thread c = new Thread(() -> { }, null);
        for (Thread t : new Thread[] {a, b, c}) {
            assertTrue(t.getName().startsWith("Thread-"), t.getName());
            t.start();
            assertEquals("Thread-" + t.getIdent(), t.getName());
            Waiting.joinClean(t);
        }
        assertTrue(a.getIdent() < b.getIdent() && b.getIdent() < c.getIdent());
    }

    @Test
    void identIsMinusOneBeforeStartAndPositiveAfter() {
        Thread t = new Thread(() -> { });
        assertEquals(-1L, t.getIdent());
        t.start();
        assertTrue(t.getIdent() > 0);
        long ident = t.getIdent();
        Waiting.joinClean(t);
        assertEquals(ident, t.getIdent());
    }

    @Test
    void identIsTheOneTheRegistryShowsInsideTheThread() {
        AtomicReference<Long> inside = new AtomicReference<>();
        Thread t = new Thread(() -> inside.set(ThreadRegistry.current().getIdent()));
        t.start();
        Waiting.joinClean(t);
        assertEquals(Long.valueOf(t.getIdent()), inside.get());
    }

    @Test
    void startTwiceIsThreadError() {
        Thread t = new Thread(() -> { });
        t.start();
        assertThrows(ThreadError.class, t::start);
        assertThrows(ThreadError.class, () -> t.start(Thread.PRIO_HIGH));
        assertThrows(ThreadError.class, () -> t.start(Thread.PRIO_HIGH, 65536));
        Waiting.joinClean(t);
        assertThrows(ThreadError.class, t::start);
    }

    @Test
    void badPriorityOrSizeIsIllegalArgumentAndLeavesTheThreadStartable() {
        AtomicInteger runs = new AtomicInteger();
        Thread t = new Thread(runs::incrementAndGet);
        assertThrows(IllegalArgumentException.class, () -> t.start(0));
        assertThrows(IllegalArgumentException.class, () -> t.start(8));
        assertThrows(IllegalArgumentException.class, () -> t.start(-1, 4096));
        assertThrows(IllegalArgumentException.class, () -> t.start(Thread.PRIO_NORMAL, 0));
        assertThrows(IllegalArgumentException.class, () -> t.start(Thread.PRIO_NORMAL, -512));
        assertEquals(-1L, t.getIdent());
        assertFalse(t.isAlive());
        assertEquals(0, runs.get());
        t.start(Thread.PRIO_HIGH, 65536);
        Waiting.joinClean(t);
        assertEquals(1, runs.get());
    }

    @Test
    void startRecordsPriorityAndStackSize() {
        Event go = new Event();
        Thread plain = new Thread(go::await, "plain");
        Thread prio = new Thread(go::await, "prio");
        Thread sized = new Thread(go::await, "sized");
        assertEquals(Thread.PRIO_NORMAL, plain.getPriority());
        plain.start();
        prio.start(Thread.PRIO_LOWER);
        sized.start(Thread.PRIO_HIGHER, 256 * 1024);
        try {
            ThreadInfo p = Waiting.row(plain.getIdent());
            ThreadInfo q = Waiting.row(prio.getIdent());
            ThreadInfo s = Waiting.row(sized.getIdent());
            assertEquals(Thread.PRIO_NORMAL, p.getPriority());
            assertEquals(0, p.getStackSize());
            assertEquals(Thread.PRIO_LOWER, q.getPriority());
            assertEquals(0, q.getStackSize());
            assertEquals(Thread.PRIO_HIGHER, s.getPriority());
            assertEquals(256 * 1024, s.getStackSize());
            assertEquals(Thread.PRIO_LOWER, prio.getPriority());
            assertEquals(Thread.PRIO_HIGHER, sized.getPriority());
            assertTrue(p.isStartedBySpindle());
        } finally {
            go.set();
        }
        Waiting.joinClean(plain);
        Waiting.joinClean(prio);
        Waiting.joinClean(sized);
    }

    @Test
    void javaPriorityFollowsThePriorityMap() {
        int[] table = PriorityMap.table();
        for (int prio = Thread.PRIO_LOWEST; prio <= Thread.PRIO_HIGHEST; prio++) {
            AtomicInteger javaPrio = new AtomicInteger();
            Thread t = new Thread(() -> javaPrio.set(java.lang.Thread.currentThread().getPriority()));
            t.start(prio);
            Waiting.joinClean(t);
            assertEquals(table[prio - 1], javaPrio.get(), "Zerynth priority " + prio);
        }
    }

    @Test
    void joinBeforeStartIsThreadError() {
        Thread t = new Thread(() -> { });
        assertThrows(ThreadError.class, t::join);
        assertThrows(ThreadError.class, () -> t.join(10));
        t.start();
        Waiting.joinClean(t);
    }

    @Test
    void joinOfOneselfIsThreadError() {
        AtomicReference<Throwable> plain = new AtomicReference<>();
        AtomicReference<Throwable> timed = new AtomicReference<>();
        Thread[] self = new Thread[1];
        self[0] = new Thread(() -> {
            try {
                self[0].join();
            } catch (Throwable e) {
                plain.set(e);
            }
            try {
                self[0].join(10);
            } catch (Throwable e) {
                timed.set(e);
            }
        });
        self[0].start();
        Waiting.joinClean(self[0]);
        assertTrue(plain.get() instanceof ThreadError, String.valueOf(plain.get()));
        assertTrue(timed.get() instanceof ThreadError, String.valueOf(timed.get()));
    }

    @Test
    void joinWithTimeoutThenIsAlive() {
        Event go = new Event();
        Thread t = new Thread(go::await);
        t.start();
        assertTrue(t.isAlive());
        long t0 = System.currentTimeMillis();
        t.join(100);
        assertTrue(System.currentTimeMillis() - t0 >= 100);
        assertTrue(t.isAlive());
        t.join(0);
        assertTrue(t.isAlive());
        go.set();
        t.join(Waiting.HANG_GUARD_MS);
        assertFalse(t.isAlive());
        t.join();
        t.join(0);
        assertNull(t.getExc());
    }

    @Test
    void joinTimeoutBelowMinusOneIsIllegalArgument() {
        Thread t = new Thread(() -> { });
        t.start();
        assertThrows(IllegalArgumentException.class, () -> t.join(-2));
        Waiting.joinClean(t);
    }

    @Test
    void isAliveFromStartUntilRunEnds() {
        Event go = new Event();
        Thread t = new Thread(go::await);
        assertFalse(t.isAlive());
        t.start();
        assertTrue(t.isAlive());
        go.set();
        t.join();
        assertFalse(t.isAlive());
    }

    @Test
    void manyJoinersAllReturn() {
        Event go = new Event();
        Thread target = new Thread(go::await, "target");
        target.start();
        Thread[] joiners = new Thread[4];
        for (int i = 0; i < joiners.length; i++) {
            joiners[i] = new Thread(target::join, "joiner-" + i);
            joiners[i].start(1 + i);
            Waiting.untilWaitingOn(joiners[i].getIdent(), "join target");
        }
        go.set();
        for (Thread j : joiners) {
            Waiting.joinClean(j);
        }
        assertFalse(target.isAlive());
    }

    @Test
    void getExcIsTheVeryThrowable() {
        IllegalStateException boom = new IllegalStateException("boom");
        Thread t = new Thread(() -> {
            throw boom;
        }, "thrower");
        assertNull(t.getExc());
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
        try {
            t.start();
            t.join();
        } finally {
            System.setErr(err);
        }
        assertSame(boom, t.getExc());
        Error error = new StackOverflowError("deep");
        Thread u = new Thread(() -> {
            throw error;
        });
        System.setErr(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
        try {
            u.start();
            u.join();
        } finally {
            System.setErr(err);
        }
        assertSame(error, u.getExc());
    }

    @Test
    void normalEndLeavesNoExc() {
        Thread t = new Thread(() -> { });
        t.start();
        t.join();
        assertNull(t.getExc());
    }

    @Test
    void setNameRenamesAndNullIsRefused() {
        Event go = new Event();
        Thread t = new Thread(go::await, "before");
        t.setName("renamed");
        assertEquals("renamed", t.getName());
        t.start();
        t.setName("while-running");
        assertEquals("while-running", t.getName());
        assertEquals("while-running", Waiting.row(t.getIdent()).getName());
        assertThrows(IllegalArgumentException.class, () -> t.setName(null));
        go.set();
        Waiting.joinClean(t);
    }

    @Test
    void toStringShowsNameAndStatus() {
        Event go = new Event();
        Thread t = new Thread(go::await, "shown");
        assertEquals("<Thread(shown, initial)>", t.toString());
        t.start();
        assertEquals("<Thread(shown, started " + t.getIdent() + ")>", t.toString());
        go.set();
        t.join();
        assertEquals("<Thread(shown, stopped " + t.getIdent() + ")>", t.toString());
    }

    @Test
    void threadExitEndsAThreadingThreadSilently() {
        AtomicInteger after = new AtomicInteger();
        Thread t = new Thread(() -> {
            dev.spindle.thread.Threads.exit();
            after.incrementAndGet();
        });
        t.start();
        t.join();
        assertNull(t.getExc());
        assertEquals(0, after.get());
    }
}
