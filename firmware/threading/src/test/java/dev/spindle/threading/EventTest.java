package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Event}: set, clear, isSet, await, await(timeout). */
@Timeout(120)
class EventTest {

    @Test
    void newEventIsClear() {
        Event e = new Event();
        assertFalse(e.isSet());
        assertTrue(e.toString().matches("Event#\\d+\\(clear\\)"), e.toString());
    }

    @Test
    void setAndClear() {
        Event e = new Event();
        e.set();
        assertTrue(e.isSet());
        assertTrue(e.toString().endsWith("(set)"));
        e.set();
        assertTrue(e.isSet());
        e.clear();
        assertFalse(e.isSet());
        e.clear();
        assertFalse(e.isSet());
    }

    @Test
    void awaitOnASetEventReturnsAtOnce() {
        Event e = new Event();
        e.set();
        assertTrue(e.await());
        assertTrue(e.await(0));
        assertTrue(e.await(-1));
        assertTrue(e.await(10));
        assertTrue(e.isSet(), "await consumes nothing");
    }

    @Test
    void awaitZeroOnlyLooks() {
        Event e = new Event();
        assertFalse(e.await(0));
    }

    @Test
    void timedAwaitReturnsFalseAfterAtLeastTheTimeout() {
        Event e = new Event();
        long t0 = System.currentTimeMillis();
        assertFalse(e.await(120));
        assertTrue(System.currentTimeMillis() - t0 >= 120);
    }

    @Test
    void timeoutBelowMinusOneIsIllegalArgument() {
        Event e = new Event();
        assertThrows(IllegalArgumentException.class, () -> e.await(-2));
        e.set();
        assertThrows(IllegalArgumentException.class, () -> e.await(-5));
    }

    @Test
    void setWakesEveryWaiter() {
        Event e = new Event();
        AtomicInteger woke = new AtomicInteger();
        Thread[] ts = new Thread[5];
        for (int i = 0; i < ts.length; i++) {
            final boolean timed = i % 2 == 0;
            ts[i] = new Thread(() -> {
                if (timed ? e.await(Waiting.HANG_GUARD_MS) : e.await()) {
                    woke.incrementAndGet();
                }
            }, "waiter-" + i);
            ts[i].start(1 + i);
            Waiting.untilWaitingOn(ts[i].getIdent(), "Event#");
        }
        assertEquals(0, woke.get());
        e.set();
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        assertEquals(ts.length, woke.get());
    }

    @Test
    void setThenClearStillWakesEveryThreadWaitingAtTheSet() {
        Event e = new Event();
        AtomicInteger trueResults = new AtomicInteger();
        Thread[] ts = new Thread[5];
        for (int i = 0; i < ts.length; i++) {
            final boolean timed = i % 2 == 1;
            ts[i] = new Thread(() -> {
                if (timed ? e.await(Waiting.HANG_GUARD_MS) : e.await()) {
                    trueResults.incrementAndGet();
                }
            }, "waiter-" + i);
            ts[i].start();
            Waiting.untilWaiting(ts[i].getIdent());
        }
        e.set();
        e.clear();
        for (Thread t : ts) {
            Waiting.joinClean(t);
        }
        assertEquals(ts.length, trueResults.get());
        assertFalse(e.isSet());
        assertFalse(e.await(0), "a later await waits again");
    }

    @Test
    void timedOutWaiterDoesNotDisturbOthers() {
        Event e = new Event();
        AtomicInteger results = new AtomicInteger();
        Thread quick = new Thread(() -> {
            if (!e.await(30)) {
                results.addAndGet(100);
            }
        }, "quick");
        Thread patient = new Thread(() -> {
            if (e.await()) {
                results.incrementAndGet();
            }
        }, "patient");
        patient.start();
        Waiting.untilWaiting(patient.getIdent());
        quick.start();
        Waiting.joinClean(quick);
        e.set();
        Waiting.joinClean(patient);
        assertEquals(101, results.get());
    }
}
