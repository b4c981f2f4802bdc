package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.Function;
import dev.spindle.thread.Threads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a thread's end is reported: the uncaught-exception report on System.err (CPython's for
 * {@link Thread}, MicroPython's for {@code _thread}), the registry row, the listeners; and what
 * happens when the VM refuses to create a thread.
 */
@Timeout(120)
class UncaughtAndPlatformTest {

    /** A Function with a Python-ish repr, to check that the report names it. */
    private static final class Named implements Function {
        private final RuntimeException toThrow;

        Named(RuntimeException toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public void call(Object[] args, Hashtable<String, Object> kwargs) {
            throw toThrow;
        }

        @Override
        public String toString() {
            return "<function worker at 0x1234>";
        }
    }

    private static String lineSep() {
        return System.getProperty("line.separator");
    }

    @Test
    void underscoreThreadPrintsMicroPythonsReportAndRecordsTheException() {
        IllegalStateException boom = new IllegalStateException("boom in worker");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ThreadInfo row;
        System.setErr(new PrintStream(captured, true));
        try {
            long ident = Threads.startNewThread(new Named(boom), new Object[0]);
            row = Waiting.untilState(ident, ThreadInfo.TERMINATED);
        } finally {
            System.setErr(err);
        }
        String out = captured.toString();
        String[] lines = out.split("\\r?\\n");
        assertEquals("Unhandled exception in thread started by <function worker at 0x1234>", lines[0], out);
        assertEquals("java.lang.IllegalStateException: boom in worker", lines[1], out);
        assertTrue(lines[2].trim().startsWith("at "), out);
        assertSame(boom, row.getException());
    }

    @Test
    void underscoreThreadReportUsesStringValueOfTheFunction() {
        RuntimeException boom = new RuntimeException("x");
        Function f = (a, k) -> {
            throw boom;
        };
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            long ident = Threads.startNewThread(f, new Object[0]);
            Waiting.untilState(ident, ThreadInfo.TERMINATED);
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString().startsWith("Unhandled exception in thread started by "
                + String.valueOf(f) + lineSep()), captured.toString());
    }

    @Test
    void otherThreadsGoOnAfterACrash() {
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        Event go = new Event();
        AtomicBoolean survivorRan = new AtomicBoolean();
        try {
            long survivor = Threads.startNewThread((a, k) -> {
                go.await();
                survivorRan.set(true);
            }, new Object[0]);
            long crasher = Threads.startNewThread(new Named(new RuntimeException()), new Object[0]);
            Waiting.untilState(crasher, ThreadInfo.TERMINATED);
            go.set();
            Waiting.untilState(survivor, ThreadInfo.TERMINATED);
        } finally {
            System.setErr(err);
        }
        assertTrue(survivorRan.get());
    }

    @Test
    void threadingThreadPrintsCPythonsReport() {
        ArithmeticException boom = new ArithmeticException("/ by zero");
        Thread t = new Thread(() -> {
            throw boom;
        }, "crasher");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            t.start();
            t.join();
        } finally {
            System.setErr(err);
        }
        String[] lines = captured.toString().split("\\r?\\n");
        assertEquals("Exception in thread crasher:", lines[0]);
        assertEquals("java.lang.ArithmeticException: / by zero", lines[1]);
        assertTrue(lines[2].trim().startsWith("at "));
        assertSame(boom, t.getExc());
    }

    @Test
    void unjoinedCrashedThreadKeepsItsExceptionInTheRegistry() {
        RuntimeException boom = new RuntimeException("kept");
        Thread t = new Thread(() -> {
            throw boom;
        }, "crashed-unjoined");
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        ThreadInfo row;
        try {
            t.start();
            row = Waiting.untilState(t.getIdent(), ThreadInfo.TERMINATED);
        } finally {
            System.setErr(err);
        }
        assertSame(boom, row.getException());
        assertEquals("crashed-unjoined", row.getName());
    }

    @Test
    void subclassMayChangeTheHeader() {
        Thread t = new Thread() {
            @Override
            public void run() {
                throw new IllegalStateException("own");
            }

            @Override
            protected void printUncaught(Throwable e) {
                printReport("custom header for " + getName(), e);
            }
        };
        t.setName("sub");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            t.start();
            t.join();
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString().startsWith("custom header for sub" + lineSep()), captured.toString());
    }

    /**
     * The exception's own toString (user code) runs while another thread prints to System.err:
     * the report must not hold System.err's lock while calling it.
     */
    @Test
    void reportDoesNotHoldSystemErrWhileCallingUserCode() {
        AtomicBoolean otherPrinted = new AtomicBoolean();
        RuntimeException nasty = new RuntimeException("nasty") {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                java.lang.Thread other = new java.lang.Thread(() -> {
                    System.err.println("other thread prints");
                    otherPrinted.set(true);
                });
                other.start();
                try {
                    other.join(Waiting.HANG_GUARD_MS);
                } catch (InterruptedException e) {
                    java.lang.Thread.currentThread().interrupt();
                }
                return "nasty exception";
            }
        };
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            Thread t = new Thread(() -> {
                throw nasty;
            }, "nasty");
            t.start();
            t.join();
        } finally {
            System.setErr(err);
        }
        assertTrue(otherPrinted.get(), "another thread could print while the report was being made");
        String out = captured.toString();
        assertTrue(out.contains("Exception in thread nasty:" + lineSep() + "nasty exception"), out);
    }

    @Test
    void aFailingReportDoesNotHideTheEnd() {
        RuntimeException brokenToString = new RuntimeException("x") {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                throw new IllegalStateException("toString is broken too");
            }
        };
        Thread t = new Thread(() -> {
            throw brokenToString;
        }, "broken-report");
        Thread u = new Thread(() -> {
            throw new IllegalStateException("plain");
        }, "throwing-printer") {
            @Override
            protected void printUncaught(Throwable e) {
                throw new IllegalStateException("the printer fails");
            }
        };
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        try {
            t.start();
            u.start();
            t.join();
            u.join();
        } finally {
            System.setErr(err);
        }
        assertFalse(t.isAlive());
        assertFalse(u.isAlive());
        assertSame(brokenToString, t.getExc());
        assertTrue(u.getExc() instanceof IllegalStateException);
        assertEquals("plain", u.getExc().getMessage());
    }

    @Test
    void cldcPlatformPrintsHeaderAndTrace() {
        Platform.install(new Platform.Cldc());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            Thread t = new Thread(() -> {
                throw new IllegalStateException("on cldc");
            }, "cldc");
            t.start(Thread.PRIO_NORMAL, 8192);
            t.join();
            assertEquals(8192, Waiting.row(t.getIdent()) == null ? 8192 : Waiting.row(t.getIdent()).getStackSize());
        } finally {
            System.setErr(err);
            Platform.install(null);
        }
        String[] lines = captured.toString().split("\\r?\\n");
        assertEquals("Exception in thread cldc:", lines[0]);
        assertEquals("java.lang.IllegalStateException: on cldc", lines[1]);
        assertFalse(new Platform.Cldc().appliesStackSize());
    }

    @Test
    void jdkPlatformIsDetectedAndAppliesStackSizes() {
        Platform.install(null);
        assertTrue(Platform.get() instanceof JdkPlatform);
        assertTrue(Platform.get().appliesStackSize());
    }

    // ---- listeners -------------------------------------------------------------------------

    @Test
    void listenerIsToldOfStartAndEnd() {
        List<String> events = Collections.synchronizedList(new ArrayList<String>());
        RuntimeException boom = new RuntimeException("listened");
        Thread[] mine = new Thread[2];
        ThreadListener listener = new ThreadListener() {
            @Override
            public void threadStarted(ThreadInfo info) {
                if (isMine(info)) {
                    events.add("start " + info.getName() + " " + info.getStateName()
                            + " on-own-thread=" + (ThreadRegistry.current().getIdent() == info.getIdent()));
                }
            }

            @Override
            public void threadTerminated(ThreadInfo info) {
                if (isMine(info)) {
                    events.add("end " + info.getName() + " " + info.getStateName() + " "
                            + (info.getException() == boom ? "boom" : String.valueOf(info.getException())));
                }
            }

            private boolean isMine(ThreadInfo info) {
                return info.getName().startsWith("listened-");
            }
        };
        ThreadRegistry.addListener(listener);
        ThreadRegistry.addListener(listener); // added once only
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true));
        try {
            mine[0] = new Thread(() -> { }, "listened-ok");
            mine[1] = new Thread(() -> {
                throw boom;
            }, "listened-crash");
            mine[0].start();
            mine[0].join();
            mine[1].start();
            mine[1].join();
            Waiting.until("four events", () -> events.size() >= 4);
        } finally {
            System.setErr(err);
            ThreadRegistry.removeListener(listener);
        }
        assertEquals(4, events.size(), events.toString());
        assertTrue(events.contains("start listened-ok runnable on-own-thread=true"), events.toString());
        assertTrue(events.contains("end listened-ok terminated null"), events.toString());
        assertTrue(events.contains("start listened-crash runnable on-own-thread=true"), events.toString());
        assertTrue(events.contains("end listened-crash terminated boom"), events.toString());
        assertTrue(events.indexOf("start listened-ok runnable on-own-thread=true")
                < events.indexOf("end listened-ok terminated null"));
    }

    @Test
    void removedListenerIsNotCalledAndBrokenListenerIsHarmless() {
        AtomicInteger calls = new AtomicInteger();
        ThreadListener counting = new ThreadListener() {
            @Override
            public void threadStarted(ThreadInfo info) {
                calls.incrementAndGet();
            }

            @Override
            public void threadTerminated(ThreadInfo info) {
                calls.incrementAndGet();
            }
        };
        ThreadListener broken = new ThreadListener() {
            @Override
            public void threadStarted(ThreadInfo info) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void threadTerminated(ThreadInfo info) {
                throw new IllegalStateException("broken listener");
            }
        };
        assertThrows(IllegalArgumentException.class, () -> ThreadRegistry.addListener(null));
        ThreadRegistry.addListener(counting);
        ThreadRegistry.removeListener(counting);
        ThreadRegistry.addListener(broken);
        AtomicBoolean ran = new AtomicBoolean();
        try {
            Thread t = new Thread(() -> ran.set(true), "with-broken-listener");
            t.start();
            t.join();
            assertTrue(ran.get());
            assertNull(t.getExc(), "a listener's failure is not the thread's");
        } finally {
            ThreadRegistry.removeListener(broken);
        }
        assertEquals(0, calls.get());
    }

    // ---- a VM that cannot create threads ---------------------------------------------------

    /** A platform whose threads fail to start, as a VM out of native threads does. */
    private static class RefusingPlatform extends Platform {
        final AtomicInteger made = new AtomicInteger();

        @Override
        java.lang.Thread newThread(Runnable body, String name, int stackSize) {
            made.incrementAndGet();
            return new java.lang.Thread(body, name) {
                @Override
                public synchronized void start() {
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                }
            };
        }

        @Override
        void printUncaught(String header, Throwable t) {
        }

        @Override
        boolean appliesStackSize() {
            return false;
        }
    }

    private static List<Long> tableIdents() {
        List<Long> rows = new ArrayList<>();
        for (ThreadInfo r : ThreadRegistry.snapshot()) {
            rows.add(r.getIdent());
        }
        return rows;
    }

    @Test
    void refusedThreadIsThreadErrorAndStaysStartable() {
        AtomicBoolean ran = new AtomicBoolean();
        Thread t = new Thread(() -> ran.set(true), "refused");
        RefusingPlatform refusing = new RefusingPlatform();
        Platform.install(refusing);
        List<Long> before = tableIdents();
        try {
            ThreadError e = assertThrows(ThreadError.class, () -> t.start(Thread.PRIO_HIGH));
            assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
            assertThrows(ThreadError.class, () -> t.start(Thread.PRIO_HIGH, 16384));
            assertEquals(2, refusing.made.get());
            assertEquals(-1L, t.getIdent());
            assertFalse(t.isAlive());
            assertThrows(ThreadError.class, t::join, "still not started");
            // Registry unchanged: no row was added (rows of earlier tests may only have left).
            assertTrue(before.containsAll(tableIdents()), before + " vs " + tableIdents());
            for (ThreadInfo r : ThreadRegistry.snapshot()) {
                assertFalse(r.getName().equals("refused"), "no row for the refused thread: " + r);
            }
        } finally {
            Platform.install(null);
        }
        t.start();
        Waiting.joinClean(t);
        assertTrue(ran.get());
    }

    @Test
    void refusedStartLeavesTheThreadNew() {
        Thread t = new Thread(() -> { }, "refused-prio");
        Platform.install(new RefusingPlatform());
        try {
            assertThrows(ThreadError.class, () -> t.start(Thread.PRIO_HIGHEST, 16384));
        } finally {
            Platform.install(null);
        }
        assertEquals(Thread.PRIO_NORMAL, t.getPriority(), "still the priority of a new thread");
        assertEquals("<Thread(refused-prio, initial)>", t.toString());
        t.start();
        assertEquals(Thread.PRIO_NORMAL, t.getPriority());
        Waiting.joinClean(t);
    }

    /** A VM may fail a start with something else than OutOfMemoryError: it passes through, undone. */
    @Test
    void otherStartFailurePassesThroughAndLeavesNoPhantomThread() {
        Thread t = new Thread(() -> { }, "failing-start");
        IllegalStateException failure = new IllegalStateException("VM says no");
        Platform.install(new RefusingPlatform() {
            @Override
            java.lang.Thread newThread(Runnable body, String name, int stackSize) {
                return new java.lang.Thread(body, name) {
                    @Override
                    public synchronized void start() {
                        throw failure;
                    }
                };
            }
        });
        List<Long> before = tableIdents();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, t::start);
            assertSame(failure, e);
            assertFalse(t.isAlive());
            assertEquals(-1L, t.getIdent());
            assertTrue(before.containsAll(tableIdents()), "no phantom row");
            assertThrows(ThreadError.class, () -> t.join(0), "not started, so join must not wait forever");
        } finally {
            Platform.install(null);
        }
        t.start();
        Waiting.joinClean(t);
    }

    @Test
    void refusedUnderscoreThreadIsThreadErrorNotSilent() {
        AtomicBoolean ran = new AtomicBoolean();
        Platform.install(new RefusingPlatform());
        List<Long> before = tableIdents();
        try {
            ThreadError e = assertThrows(ThreadError.class,
                    () -> Threads.startNewThread((a, k) -> ran.set(true), new Object[0]));
            assertTrue(e.getCause() instanceof OutOfMemoryError);
            assertTrue(before.containsAll(tableIdents()), "no row added");
        } finally {
            Platform.install(null);
        }
        assertFalse(ran.get());
    }
}
