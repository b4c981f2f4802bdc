package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Thread.interrupt()} during a wait: {@link ThreadError} with the
 * {@link InterruptedException} as cause, the interrupt flag set again, no permit kept or lost.
 */
@Timeout(120)
class InterruptTest {

    @AfterEach
    void clearOwnFlag() {
        java.lang.Thread.interrupted();
    }

    /** What happened to a blocking call run on its own thread and interrupted while it waited. */
    static final class Outcome {
        volatile Object returned;
        volatile Throwable thrown;
        volatile boolean flagAfter;
        volatile java.lang.Thread carrier;
        Thread thread;

        void assertInterruptedError() {
            assertTrue(thrown instanceof ThreadError, "expected ThreadError, got " + thrown + " / returned " + returned);
            assertTrue(thrown.getCause() instanceof InterruptedException, String.valueOf(thrown.getCause()));
            assertTrue(flagAfter, "the interrupt flag was set again");
        }
    }

    /** Starts {@code call} on a Spindle thread, waits until it blocks on {@code prefix}, interrupts it. */
    static Outcome interruptWhileBlocked(String prefix, Supplier<Object> call, Runnable afterwards) {
        Outcome o = new Outcome();
        o.thread = new Thread(() -> {
            o.carrier = java.lang.Thread.currentThread();
            try {
                o.returned = call.get();
            } catch (Throwable e) {
                o.thrown = e;
            }
            o.flagAfter = java.lang.Thread.interrupted();
            if (afterwards != null) {
                afterwards.run();
            }
        }, "interrupted");
        o.thread.start();
        Waiting.untilWaitingOn(o.thread.getIdent(), prefix);
        o.carrier.interrupt();
        return o;
    }

    static Outcome interruptWhileBlocked(String prefix, Supplier<Object> call) {
        Outcome o = interruptWhileBlocked(prefix, call, null);
        Waiting.joinClean(o.thread);
        return o;
    }

    @Test
    void lockWaitInterruptedHandsTheLockToTheNextWaiter() {
        Lock lock = new Lock();
        lock.acquire();
        AtomicBoolean nextGot = new AtomicBoolean();
        Thread next = new Thread(() -> nextGot.set(lock.acquire()), "next");
        next.start(Thread.PRIO_LOWEST);
        Waiting.untilWaiting(next.getIdent());
        Outcome o = interruptWhileBlocked("Lock#", lock::acquire);
        o.assertInterruptedError();
        assertTrue(o.thrown.getMessage().contains("Lock#"), o.thrown.getMessage());
        assertTrue(lock.locked());
        lock.release();
        Waiting.joinClean(next);
        assertTrue(nextGot.get(), "the lock went to the next waiter, not to the interrupted one");
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void timedLockWaitInterrupted() {
        Lock lock = new Lock();
        lock.acquire();
        Outcome o = interruptWhileBlocked("Lock#", () -> lock.acquire(true, Waiting.HANG_GUARD_MS));
        o.assertInterruptedError();
        lock.release();
        assertFalse(lock.locked(), "nobody left in the queue");
    }

    @Test
    void preSetFlagFailsABlockingWaitAtOnceAndStaysSet() {
        Lock lock = new Lock();
        lock.acquire();
        java.lang.Thread.currentThread().interrupt();
        ThreadError e = assertThrows(ThreadError.class, lock::acquire);
        assertTrue(e.getCause() instanceof InterruptedException);
        assertTrue(java.lang.Thread.interrupted());
        assertTrue(lock.locked());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void semaphoreWaitInterruptedKeepsTheCount() {
        Semaphore sem = new Semaphore(0);
        Outcome o = interruptWhileBlocked("Semaphore#", sem::acquire);
        o.assertInterruptedError();
        assertEquals(0, sem.available());
        sem.release();
        assertEquals(1, sem.available(), "the permit was not handed to the interrupted waiter");
        Outcome timed = interruptWhileBlocked("Semaphore#", () -> {
            sem.acquire(); // takes the permit
            return sem.acquire(true, Waiting.HANG_GUARD_MS);
        });
        timed.assertInterruptedError();
        assertEquals(0, sem.available());
    }

    @Test
    void eventWaitInterrupted() {
        Event e = new Event();
        Outcome o = interruptWhileBlocked("Event#", e::await);
        o.assertInterruptedError();
        Outcome timed = interruptWhileBlocked("Event#", () -> e.await(Waiting.HANG_GUARD_MS));
        timed.assertInterruptedError();
        assertFalse(e.isSet());
        e.set();
        assertTrue(e.await(0));
    }

    @Test
    void joinInterrupted() {
        Event go = new Event();
        Thread target = new Thread(go::await, "target");
        target.start();
        Outcome o = interruptWhileBlocked("join target", () -> {
            target.join();
            return null;
        });
        o.assertInterruptedError();
        assertTrue(target.isAlive());
        go.set();
        Waiting.joinClean(target);
    }

    @Test
    void lockTypeWaitInterrupted() {
        LockType lock = Threads.allocateLock();
        lock.acquire();
        Outcome o = interruptWhileBlocked("Lock#", () -> lock.acquire(1, 60.0));
        o.assertInterruptedError();
        Outcome forever = interruptWhileBlocked("Lock#", () -> lock.acquire(1, -1.0));
        forever.assertInterruptedError();
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void conditionAwaitInterruptedTakesTheLockBackFirst() {
        Condition c = new Condition();
        AtomicBoolean heldWhenCaught = new AtomicBoolean();
        Outcome o = new Outcome();
        o.thread = new Thread(() -> {
            o.carrier = java.lang.Thread.currentThread();
            c.acquire();
            try {
                o.returned = c.await();
            } catch (ThreadError e) {
                o.thrown = e;
                heldWhenCaught.set(c.getLock().heldByCurrentThread());
            }
            o.flagAfter = java.lang.Thread.interrupted();
            c.release();
        }, "cond-waiter");
        o.thread.start();
        Waiting.untilWaitingOn(o.thread.getIdent(), "Condition#");
        c.acquire(); // we hold the lock: the interrupted waiter must wait for it
        o.carrier.interrupt();
        Waiting.untilWaitingOn(o.thread.getIdent(), "Lock#");
        assertNull(o.thrown, "it does not return before it has the lock back");
        assertEquals(0, c.waiting());
        c.release();
        Waiting.joinClean(o.thread);
        o.assertInterruptedError();
        assertTrue(heldWhenCaught.get());
        assertFalse(c.getLock().locked());
    }

    @Test
    void timedConditionAwaitAndWaitForInterrupted() {
        Condition c = new Condition();
        Outcome timed = interruptWhileBlocked("Condition#", () -> {
            c.acquire();
            try {
                return c.await(Waiting.HANG_GUARD_MS);
            } finally {
                c.release();
            }
        });
        timed.assertInterruptedError();
        Outcome waitFor = interruptWhileBlocked("Condition#", () -> {
            c.acquire();
            try {
                return c.waitFor(() -> false);
            } finally {
                c.release();
            }
        });
        waitFor.assertInterruptedError();
        assertFalse(c.getLock().locked());
    }

    @Test
    void interruptAfterSignalLetsTheSignalWin() {
        Condition c = new Condition();
        Outcome o = new Outcome();
        o.thread = new Thread(() -> {
            o.carrier = java.lang.Thread.currentThread();
            c.acquire();
            try {
                o.returned = c.await();
            } catch (Throwable e) {
                o.thrown = e;
            }
            o.flagAfter = java.lang.Thread.interrupted();
            c.release();
        }, "signalled");
        o.thread.start();
        Waiting.untilWaitingOn(o.thread.getIdent(), "Condition#");
        c.acquire();
        c.signal(); // moved to the lock's queue
        o.carrier.interrupt();
        c.release();
        Waiting.joinClean(o.thread);
        assertNull(o.thrown);
        assertEquals(Boolean.TRUE, o.returned);
        assertTrue(o.flagAfter, "the interrupt is kept for later");
    }

    // ---- races between a hand-off and an interrupt: nothing kept, nothing lost -------------

    @Test
    void semaphoreReleaseRacingAnInterruptNeverLosesAPermit() {
        for (int round = 0; round < 200; round++) {
            Semaphore sem = new Semaphore(0);
            AtomicInteger held = new AtomicInteger();
            Outcome o = new Outcome();
            o.thread = new Thread(() -> {
                o.carrier = java.lang.Thread.currentThread();
                try {
                    if (sem.acquire()) {
                        held.incrementAndGet();
                    }
                } catch (ThreadError e) {
                    o.thrown = e;
                }
                o.flagAfter = java.lang.Thread.interrupted();
            }, "racer");
            o.thread.start();
            Waiting.untilWaiting(o.thread.getIdent());
            o.carrier.interrupt();
            sem.release();
            Waiting.joinClean(o.thread);
            // Either it returned with the permit, or it threw and the permit is still there.
            assertEquals(1, held.get() + sem.available(), "round " + round + ": " + o.thrown);
            if (o.thrown != null) {
                o.assertInterruptedError();
            }
        }
    }

    @Test
    void lockReleaseRacingAnInterruptNeverStrandsTheLock() {
        for (int round = 0; round < 200; round++) {
            Lock lock = new Lock();
            lock.acquire();
            AtomicBoolean got = new AtomicBoolean();
            Outcome o = new Outcome();
            o.thread = new Thread(() -> {
                o.carrier = java.lang.Thread.currentThread();
                try {
                    got.set(lock.acquire());
                } catch (ThreadError e) {
                    o.thrown = e;
                }
            }, "racer");
            o.thread.start();
            Waiting.untilWaiting(o.thread.getIdent());
            o.carrier.interrupt();
            lock.release();
            Waiting.joinClean(o.thread);
            assertEquals(got.get(), lock.locked(), "round " + round + ": locked only if the racer took it");
            if (got.get()) {
                lock.release();
            }
            assertTrue(lock.acquire(false), "round " + round);
        }
    }

    @Test
    void signalRacingAnInterruptWakesExactlyOneThread() {
        for (int round = 0; round < 100; round++) {
            Condition c = new Condition();
            AtomicInteger woken = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            java.lang.Thread[] carriers = new java.lang.Thread[2];
            Thread[] ts = new Thread[2];
            for (int i = 0; i < 2; i++) {
                final int index = i;
                ts[i] = new Thread(() -> {
                    carriers[index] = java.lang.Thread.currentThread();
                    c.acquire();
                    try {
                        if (c.await()) {
                            woken.incrementAndGet();
                        }
                    } catch (ThreadError e) {
                        errors.incrementAndGet();
                    }
                    c.release();
                }, "cond-racer-" + i);
                ts[i].start();
                Waiting.untilWaitingOn(ts[i].getIdent(), "Condition#");
            }
            carriers[0].interrupt();
            c.acquire();
            c.signal();
            c.release();
            // One signal wakes exactly one await (true): the interrupted waiter if the signal
            // found it still queued (then the other still waits), else the other one (then the
            // interrupted one throws). Counters change only under the lock, so read them there.
            Waiting.until("the signal and the interrupt land", () -> {
                c.acquire();
                try {
                    return woken.get() == 1 && c.waiting() + errors.get() == 1;
                } finally {
                    c.release();
                }
            });
            c.acquire();
            assertEquals(1, woken.get(), "round " + round);
            int left = c.waiting();
            c.signalAll();
            c.release();
            for (Thread t : ts) {
                Waiting.joinClean(t);
            }
            assertEquals(2, woken.get() + errors.get(), "round " + round);
            assertTrue(errors.get() <= 1);
            assertTrue(left <= 1);
        }
    }
}
