package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.Function;
import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MicroPython's {@code _thread}: {@link Threads} (timeouts in seconds). */
@Timeout(120)
class ThreadsModuleTest {

    @AfterEach
    void defaultStackSize() {
        Threads.stackSize(0);
    }

    @Test
    void startNewThreadReturnsTheIdentTheThreadSees() {
        AtomicLong inside = new AtomicLong();
        Event done = new Event();
        long ident = Threads.startNewThread((args, kwargs) -> {
            inside.set(Threads.getIdent());
            done.set();
        }, new Object[0]);
        done.await();
        assertTrue(ident > 0);
        assertEquals(ident, inside.get());
        Waiting.untilState(ident, ThreadInfo.TERMINATED);
    }

    @Test
    void identsAreDistinctAndStable() {
        long main1 = Threads.getIdent();
        long main2 = Threads.getIdent();
        assertEquals(main1, main2);
        assertNotEquals(0L, main1);
        Event done = new Event();
        long a = Threads.startNewThread((args, kw) -> done.await(), new Object[0]);
        long b = Threads.startNewThread((args, kw) -> done.await(), new Object[0]);
        assertNotEquals(a, b);
        assertNotEquals(main1, a);
        done.set();
        Waiting.untilState(a, ThreadInfo.TERMINATED);
        Waiting.untilState(b, ThreadInfo.TERMINATED);
    }

    @Test
    void argsAndKwargsArePassed() {
        AtomicReference<Object[]> seenArgs = new AtomicReference<>();
        AtomicReference<Hashtable<String, Object>> seenKw = new AtomicReference<>();
        Hashtable<String, Object> kw = new Hashtable<>();
        kw.put("delay", 2);
        kw.put("name", "x");
        Object[] args = {1, "two", 3.0};
        long ident = Threads.startNewThread((a, k) -> {
            seenArgs.set(a);
            seenKw.set(k);
        }, args, kw);
        Waiting.untilState(ident, ThreadInfo.TERMINATED);
        assertArrayEquals(args, seenArgs.get());
        assertEquals(kw, seenKw.get());
    }

    @Test
    void noKwargsGiveAnEmptyMapNeverNull() {
        AtomicReference<Hashtable<String, Object>> two = new AtomicReference<>();
        AtomicReference<Hashtable<String, Object>> three = new AtomicReference<>();
        long a = Threads.startNewThread((args, kw) -> two.set(kw), new Object[0]);
        long b = Threads.startNewThread((args, kw) -> three.set(kw), new Object[] {"x"}, null);
        Waiting.untilState(a, ThreadInfo.TERMINATED);
        Waiting.untilState(b, ThreadInfo.TERMINATED);
        assertTrue(two.get() != null && two.get().isEmpty());
        assertTrue(three.get() != null && three.get().isEmpty());
    }

    @Test
    void nullFunctionOrArgsIsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Threads.startNewThread(null, new Object[0]));
        assertThrows(IllegalArgumentException.class, () -> Threads.startNewThread((a, k) -> { }, null));
        assertThrows(IllegalArgumentException.class, () -> Threads.startNewThread(null, new Object[0], null));
        assertThrows(IllegalArgumentException.class,
                () -> Threads.startNewThread((a, k) -> { }, null, new Hashtable<String, Object>()));
    }

    @Test
    void threadsRunAtNormalPriorityAndShowInTheRegistry() {
        Event go = new Event();
        long ident = Threads.startNewThread((a, k) -> go.await(), new Object[0]);
        ThreadInfo row = Waiting.row(ident);
        assertEquals(Thread.PRIO_NORMAL, row.getPriority());
        assertEquals("Thread-" + ident, row.getName());
        assertTrue(row.isStartedBySpindle());
        go.set();
        Waiting.untilState(ident, ThreadInfo.TERMINATED);
    }

    @Test
    void exitEndsSilentlyAndRecordsNoException() {
        AtomicInteger after = new AtomicInteger();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        ThreadInfo row;
        try {
            long ident = Threads.startNewThread((a, k) -> {
                Threads.exit();
                after.incrementAndGet();
            }, new Object[0]);
            row = Waiting.untilState(ident, ThreadInfo.TERMINATED);
        } finally {
            System.setErr(err);
        }
        assertEquals(0, after.get());
        assertNull(row.getException());
        assertEquals("", captured.toString());
    }

    @Test
    void exitThrowsThreadExitAnError() {
        ThreadExit e = assertThrows(ThreadExit.class, Threads::exit);
        assertTrue(e instanceof Error);
    }

    @Test
    void exitIsNotCaughtByCatchException() {
        AtomicInteger caught = new AtomicInteger();
        long ident = Threads.startNewThread((a, k) -> {
            try {
                Threads.exit();
            } catch (Exception e) {
                caught.incrementAndGet();
            }
        }, new Object[0]);
        ThreadInfo row = Waiting.untilState(ident, ThreadInfo.TERMINATED);
        assertEquals(0, caught.get());
        assertNull(row.getException());
    }

    @Test
    void stackSizeDefaultsToZeroAndReturnsThePrevious() {
        assertEquals(0, Threads.stackSize(0));
        assertEquals(0, Threads.stackSize(8192));
        assertEquals(8192, Threads.stackSize(32768));
        assertEquals(32768, Threads.stackSize(4096));
        assertEquals(4096, Threads.stackSize(0));
        assertEquals(0, Threads.stackSize(0));
    }

    @Test
    void noArgStackSizeResetsToZeroAndReturnsThePrevious() {
        Threads.stackSize(16384);
        assertEquals(16384, Threads.stackSize());
        assertEquals(0, Threads.stackSize());
        assertEquals(0, Threads.stackSize(0));
    }

    @Test
    void stackSizeBelowMinimumIsIllegalArgumentAndKeepsTheOld() {
        Threads.stackSize(8192);
        assertThrows(IllegalArgumentException.class, () -> Threads.stackSize(1));
        assertThrows(IllegalArgumentException.class, () -> Threads.stackSize(4095));
        assertThrows(IllegalArgumentException.class, () -> Threads.stackSize(-1));
        assertEquals(4096, Threads.MIN_STACK_SIZE);
        assertEquals(8192, Threads.stackSize(0));
    }

    @Test
    void stackSizeIsUsedByLaterThreads() {
        Event go = new Event();
        Function body = (a, k) -> go.await();
        Threads.stackSize(65536);
        long sized = Threads.startNewThread(body, new Object[0]);
        Threads.stackSize(0);
        long plain = Threads.startNewThread(body, new Object[0]);
        assertEquals(65536, Waiting.row(sized).getStackSize());
        assertEquals(0, Waiting.row(plain).getStackSize());
        go.set();
        Waiting.untilState(sized, ThreadInfo.TERMINATED);
        Waiting.untilState(plain, ThreadInfo.TERMINATED);
    }

    @Test
    void stackSizeReachesThePlatform() {
        AtomicInteger asked = new AtomicInteger(-1);
        Platform.install(new Platform() {
            @Override
            java.lang.Thread newThread(Runnable body, String name, int stackSize) {
                asked.set(stackSize);
                return new java.lang.Thread(body, name);
            }

            @Override
            void printUncaught(String header, Throwable t) {
            }

            @Override
            boolean appliesStackSize() {
                return true;
            }
        });
        try {
            Threads.stackSize(20000);
            long ident = Threads.startNewThread((a, k) -> { }, new Object[0]);
            Waiting.untilState(ident, ThreadInfo.TERMINATED);
            assertEquals(20000, asked.get());
        } finally {
            Platform.install(null);
        }
    }

    @Test
    void allocateLockGivesNewUnlockedLocks() {
        LockType a = Threads.allocateLock();
        LockType b = Threads.allocateLock();
        assertFalse(a.locked());
        a.acquire();
        assertFalse(b.locked());
        a.release();
    }

    @Test
    void timeoutMaxIsAboutTwoHundredNinetyYears() {
        assertTrue(Threads.TIMEOUT_MAX > 9e15);
    }
}
