package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.thread.LockType;
import dev.spindle.thread.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Priority inheritance on {@link Lock} and {@code LockType}: the holder's effective priority (in
 * the registry, in every queue it waits in, and as its Java priority) rises to its best waiter's
 * and falls back on release or when that waiter gives up; a boost travels down a chain of holders.
 */
@Timeout(120)
class PriorityInheritanceTest {

    /**
     * A Spindle thread that runs {@code setup} (such as taking a lock) and then obeys commands one
     * at a time, so the test can ask it for its Java priority or make it release, while it holds.
     */
    static final class Holder {
        final Thread thread;
        private final Semaphore command = new Semaphore(0);
        private final Semaphore done = new Semaphore(0);
        private volatile Runnable action;
        private volatile int javaPriority;
        private volatile boolean exit;

        Holder(String name, int prio, Runnable setup) {
            thread = new Thread(() -> {
                setup.run();
                done.release();
                while (true) {
                    command.acquire();
                    if (exit) {
                        return;
                    }
                    action.run();
                    done.release();
                }
            }, name);
            thread.start(prio);
            done.acquire();
        }

        /** Makes the holder run {@code a}; does not wait for it (it may block). */
        void send(Runnable a) {
            action = a;
            command.release();
        }

        /** Waits until the last {@link #send} finished. */
        void awaitDone() {
            done.acquire();
        }

        void run(Runnable a) {
            send(a);
            awaitDone();
        }

        int javaPriority() {
            run(() -> javaPriority = java.lang.Thread.currentThread().getPriority());
            return javaPriority;
        }

        long ident() {
            return thread.getIdent();
        }

        int effective() {
            return Waiting.row(ident()).getEffectivePriority();
        }

        void stop() {
            exit = true;
            command.release();
            Waiting.joinClean(thread);
        }
    }

    private static Thread waiterFor(Lock lock, int prio, String name) {
        Thread t = new Thread(() -> {
            lock.acquire();
            lock.release();
        }, name);
        t.start(prio);
        Waiting.untilWaitingOn(t.getIdent(), "Lock#");
        return t;
    }

    @Test
    void holderRisesToItsHighestWaiterAndFallsBackOnRelease() {
        Lock lock = new Lock();
        Holder low = new Holder("low-holder", Thread.PRIO_LOWEST, lock::acquire);
        assertEquals(Thread.PRIO_LOWEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWEST), low.javaPriority());

        Thread mid = waiterFor(lock, Thread.PRIO_HIGH, "mid");
        assertEquals(Thread.PRIO_HIGH, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGH), low.javaPriority());

        Thread high = waiterFor(lock, Thread.PRIO_HIGHEST, "high");
        ThreadInfo row = Waiting.row(low.ident());
        assertEquals(Thread.PRIO_HIGHEST, row.getEffectivePriority());
        assertEquals(Thread.PRIO_LOWEST, row.getPriority(), "the base priority is unchanged");
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), low.javaPriority());
        assertTrue(row.toString().contains("prio 1->7"), row.toString());

        low.run(lock::release);
        Waiting.joinClean(high);
        Waiting.joinClean(mid);
        assertEquals(Thread.PRIO_LOWEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWEST), low.javaPriority());
        low.stop();
    }

    /** A hand-off makes the receiver the holder that the waiters still queued boost. */
    @Test
    void threadHandedTheLockInheritsFromTheWaitersLeft() {
        Lock lock = new Lock();
        Lock l2 = new Lock();
        lock.acquire();
        Holder x = new Holder("X", Thread.PRIO_LOW, () -> { });
        x.send(lock::acquire);
        Waiting.untilWaitingOn(x.ident(), "Lock#");
        Holder y = new Holder("Y", Thread.PRIO_LOWER, l2::acquire);
        y.send(lock::acquire);
        Waiting.untilWaitingOn(y.ident(), "Lock#");
        lock.release(); // to X, the better waiter; Y stays queued behind X
        x.awaitDone();
        assertEquals(Thread.PRIO_LOW, x.effective());
        Thread z = waiterFor(l2, Thread.PRIO_HIGHEST, "Z"); // boosts Y, which waits on X's lock
        assertEquals(Thread.PRIO_HIGHEST, y.effective());
        assertEquals(Thread.PRIO_HIGHEST, x.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), x.javaPriority());
        x.run(lock::release); // to Y
        y.awaitDone();
        assertEquals(Thread.PRIO_LOW, x.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOW), x.javaPriority());
        y.run(() -> {
            lock.release();
            l2.release();
        });
        Waiting.joinClean(z);
        assertEquals(Thread.PRIO_LOWER, y.effective());
        x.stop();
        y.stop();
    }

    @Test
    void boostIsUsedByTheQueuesTheHolderWaitsIn() {
        Lock lock = new Lock();
        Semaphore gate = new Semaphore(0);
        List<String> order = Collections.synchronizedList(new ArrayList<String>());
        Holder low = new Holder("low-holder", Thread.PRIO_LOWEST, lock::acquire);
        low.send(() -> {
            gate.acquire();
            order.add("low-holder");
        });
        Waiting.untilWaitingOn(low.ident(), "Semaphore#");
        Thread normal = new Thread(() -> {
            gate.acquire();
            order.add("normal");
        }, "normal");
        normal.start(Thread.PRIO_NORMAL);
        Waiting.untilWaitingOn(normal.getIdent(), "Semaphore#");
        Thread high = waiterFor(lock, Thread.PRIO_HIGHEST, "high");
        assertEquals(Thread.PRIO_HIGHEST, low.effective());
        gate.release(); // goes to the boosted holder, not to the earlier-ranked normal thread
        low.awaitDone();
        assertEquals(Collections.singletonList("low-holder"), order);
        gate.release();
        Waiting.joinClean(normal);
        low.run(lock::release);
        Waiting.joinClean(high);
        low.stop();
    }

    @Test
    void timeoutOfTheHighWaiterUnboosts() {
        Lock lock = new Lock();
        Holder low = new Holder("low-holder", Thread.PRIO_LOWEST, lock::acquire);
        AtomicBoolean got = new AtomicBoolean(true);
        Event giveUp = new Event();
        Thread high = new Thread(() -> {
            giveUp.await();
            got.set(lock.acquire(true, 1));
        }, "impatient");
        // First a patient look at the boost, then let the waiter time out.
        Thread watcher = new Thread(() -> {
            lock.acquire(true, Waiting.HANG_GUARD_MS);
            lock.release();
        }, "watcher");
        watcher.start(Thread.PRIO_HIGHER);
        Waiting.untilWaitingOn(watcher.getIdent(), "Lock#");
        assertEquals(Thread.PRIO_HIGHER, low.effective());

        high.start(Thread.PRIO_HIGHEST);
        giveUp.set();
        Waiting.joinClean(high);
        assertFalse(got.get());
        assertEquals(Thread.PRIO_HIGHER, low.effective(), "back to the best waiter left");

        Thread timed = new Thread(() -> got.set(lock.acquire(true, 300)), "timed-high");
        timed.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaitingOn(timed.getIdent(), "Lock#");
        assertEquals(Thread.PRIO_HIGHEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), low.javaPriority());
        Waiting.joinClean(timed);
        assertFalse(got.get());
        assertEquals(Thread.PRIO_HIGHER, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHER), low.javaPriority());

        low.run(lock::release);
        Waiting.joinClean(watcher);
        assertEquals(Thread.PRIO_LOWEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWEST), low.javaPriority());
        low.stop();
    }

    @Test
    void boostTravelsDownAChainOfHolders() {
        Lock l1 = new Lock();
        Lock l2 = new Lock();
        Holder c = new Holder("C", Thread.PRIO_LOWEST, l2::acquire);
        Holder b = new Holder("B", Thread.PRIO_LOWER, l1::acquire);
        b.send(l2::acquire); // B waits on L2, held by C
        Waiting.untilWaitingOn(b.ident(), "Lock#");
        assertEquals(Thread.PRIO_LOWER, c.effective(), "C inherits B's priority");
        Thread a = waiterFor(l1, Thread.PRIO_HIGHEST, "A"); // A waits on L1, held by B
        assertEquals(Thread.PRIO_HIGHEST, b.effective());
        assertEquals(Thread.PRIO_HIGHEST, c.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), c.javaPriority());

        c.run(l2::release); // hands L2 to B
        b.awaitDone();
        assertEquals(Thread.PRIO_LOWEST, c.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWEST), c.javaPriority());
        assertEquals(Thread.PRIO_HIGHEST, b.effective(), "A still waits on B's L1");
        b.run(() -> {
            l2.release();
            l1.release();
        });
        Waiting.joinClean(a);
        assertEquals(Thread.PRIO_LOWER, b.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWER), b.javaPriority());
        b.stop();
        c.stop();
    }

    @Test
    void chainLosesTheBoostWhenTheTopWaiterTimesOut() {
        Lock l1 = new Lock();
        Lock l2 = new Lock();
        Holder c = new Holder("C", Thread.PRIO_LOWEST, l2::acquire);
        Holder b = new Holder("B", Thread.PRIO_LOWEST, l1::acquire);
        b.send(l2::acquire);
        Waiting.untilWaitingOn(b.ident(), "Lock#");
        AtomicBoolean got = new AtomicBoolean(true);
        Thread a = new Thread(() -> got.set(l1.acquire(true, 300)), "A");
        a.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaitingOn(a.getIdent(), "Lock#");
        assertEquals(Thread.PRIO_HIGHEST, c.effective());
        Waiting.joinClean(a);
        assertFalse(got.get());
        assertEquals(Thread.PRIO_LOWEST, b.effective());
        assertEquals(Thread.PRIO_LOWEST, c.effective());
        c.run(l2::release);
        b.awaitDone();
        b.run(() -> {
            l2.release();
            l1.release();
        });
        b.stop();
        c.stop();
    }

    @Test
    void lockTypeHolderIsBoostedToo() {
        LockType lock = Threads.allocateLock();
        Holder low = new Holder("low-lt", Thread.PRIO_LOWEST, lock::acquire);
        Thread high = new Thread(() -> {
            lock.acquire(1, 60.0);
            lock.release();
        }, "high-lt");
        high.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaitingOn(high.getIdent(), "Lock#");
        assertEquals(Thread.PRIO_HIGHEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGHEST), low.javaPriority());
        low.run(lock::release);
        Waiting.joinClean(high);
        assertEquals(Thread.PRIO_LOWEST, low.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_LOWEST), low.javaPriority());
        low.stop();
    }

    @Test
    void lowerWaiterDoesNotLowerAHigherHolder() {
        Lock lock = new Lock();
        Holder high = new Holder("high-holder", Thread.PRIO_HIGH, lock::acquire);
        Thread low = waiterFor(lock, Thread.PRIO_LOWEST, "low-waiter");
        assertEquals(Thread.PRIO_HIGH, high.effective());
        assertEquals(PriorityMap.toJava(Thread.PRIO_HIGH), high.javaPriority());
        high.run(lock::release);
        Waiting.joinClean(low);
        high.stop();
    }

    @Test
    void semaphoreAndEventDoNotBoost() {
        Semaphore sem = new Semaphore(1);
        Holder low = new Holder("sem-holder", Thread.PRIO_LOWEST, sem::acquire);
        Thread high = new Thread(() -> {
            sem.acquire();
            sem.release();
        }, "sem-high");
        high.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaitingOn(high.getIdent(), "Semaphore#");
        assertEquals(Thread.PRIO_LOWEST, low.effective(), "a semaphore has no holder");
        low.run(sem::release);
        Waiting.joinClean(high);
        low.stop();
    }
}
