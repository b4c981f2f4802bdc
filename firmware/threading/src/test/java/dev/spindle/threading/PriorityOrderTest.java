package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * N waiters of shuffled priorities queue on each primitive; they must be served highest priority
 * first, FIFO within one priority, every time.
 */
class PriorityOrderTest {
    private static final int WAITERS = 14;

    /** Shuffled priorities 1..7, each twice, so FIFO within a priority is checked too. */
    private static int[] shuffledPriorities(long seed) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            p.add(1 + i % 7);
        }
        Collections.shuffle(p, new Random(seed));
        return p.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The expected grant order: priority descending, queue position ascending. */
    private static List<Integer> expectedOrder(int[] prios) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < prios.length; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> prios[a] != prios[b] ? prios[b] - prios[a] : a - b);
        return idx;
    }

    /**
     * Starts one thread per priority; each runs {@code body(index)} which must block at once; the
     * threads are queued one after the other, then {@code release} lets them through.
     */
    private static List<Integer> runQueue(int[] prios, Consumer<Integer> body, Runnable release,
            List<Integer> order) {
        Thread[] threads = new Thread[prios.length];
        for (int i = 0; i < prios.length; i++) {
            final int index = i;
            threads[i] = new Thread(() -> body.accept(index), "waiter-" + i);
            threads[i].start(prios[i]);
            Waiting.untilWaiting(threads[i].getIdent());
        }
        release.run();
        for (Thread t : threads) {
            t.join();
            assertEquals(null, t.getExc());
        }
        return order;
    }

    @RepeatedTest(5)
    void lockGrantsByPriorityThenFifo() {
        int[] prios = shuffledPriorities(System.nanoTime());
        Lock lock = new Lock();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        lock.acquire();
        runQueue(prios, i -> {
            lock.acquire();
            order.add(i);
            lock.release();
        }, lock::release, order);
        assertEquals(expectedOrder(prios), order);
    }

    @RepeatedTest(5)
    void semaphoreGrantsByPriorityThenFifo() {
        int[] prios = shuffledPriorities(System.nanoTime());
        Semaphore sem = new Semaphore(0);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        Semaphore oneAtATime = new Semaphore(0);
        runQueue(prios, i -> {
            sem.acquire();
            order.add(i);
            oneAtATime.release();
        }, () -> {
            for (int i = 0; i < prios.length; i++) {
                sem.release();
                oneAtATime.acquire();
            }
        }, order);
        assertEquals(expectedOrder(prios), order);
    }

    /**
     * Event.set and thread end grant every waiter at once (in queue order, under one monitor), so
     * the order cannot be seen from outside; it is the same {@link Primitive#pollBest()} order
     * that these tests check white-box, with priorities that change while queued.
     */
    @RepeatedTest(5)
    void waitQueueServesByEffectivePriorityThenFifo() {
        int[] prios = shuffledPriorities(System.nanoTime());
        Semaphore q = new Semaphore(0);
        Waiter[] nodes = new Waiter[prios.length];
        List<Integer> order = new ArrayList<>();
        synchronized (q) {
            for (int i = 0; i < prios.length; i++) {
                ThreadRecord r = new ThreadRecord(1000 + i, "w" + i, prios[i], true);
                nodes[i] = new Waiter(java.lang.Thread.currentThread(), r);
                q.add(nodes[i]);
            }
            assertEquals(prios.length, q.queued());
            // Priority inheritance may raise a queued waiter: it moves up at once.
            nodes[prios.length - 1].record.effective = 7;
            prios[prios.length - 1] = 7;
            for (Waiter w; (w = q.pollBest()) != null;) {
                order.add((int) (w.record.ident - 1000));
            }
            assertEquals(0, q.queued());
        }
        assertEquals(expectedOrder(prios), order);
    }

    @RepeatedTest(5)
    void conditionSignalsByPriorityThenFifo() {
        int[] prios = shuffledPriorities(System.nanoTime());
        Condition cond = new Condition();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        runQueue(prios, i -> {
            cond.acquire();
            cond.await();
            order.add(i);
            cond.release();
        }, () -> {
            for (int i = 0; i < prios.length; i++) {
                cond.acquire();
                cond.signal();
                cond.release();
            }
        }, order);
        assertEquals(expectedOrder(prios), order);
    }

    @Test
    void newcomerCannotBargePastQueuedWaiter() {
        Lock lock = new Lock();
        lock.acquire();
        Thread waiter = new Thread(() -> {
            lock.acquire();
        }, "waiter");
        waiter.start(Thread.PRIO_LOWEST);
        Waiting.untilWaiting(waiter.getIdent());
        lock.release();
        // The lock went straight to the waiter: a try-once from here fails.
        assertEquals(false, lock.acquire(false));
        waiter.join();
        assertEquals(true, lock.locked());
    }
}
