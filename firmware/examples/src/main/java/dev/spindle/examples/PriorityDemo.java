package dev.spindle.examples;

import dev.spindle.threading.Condition;
import dev.spindle.threading.Lock;
import dev.spindle.threading.Thread;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadRegistry;
import java.util.Vector;

/**
 * A producer and consumers of several priorities sharing a Lock and a Condition, printing who got
 * the lock in which order. What {@code make run} shows until the fleet demo exists.
 */
public final class PriorityDemo {
    private static final int[] PRIORITIES = {Thread.PRIO_LOW, Thread.PRIO_HIGHEST, Thread.PRIO_NORMAL,
        Thread.PRIO_LOWEST, Thread.PRIO_HIGHER, Thread.PRIO_NORMAL, Thread.PRIO_HIGH};

    private PriorityDemo() {
    }

    public static void main(String[] args) {
        System.out.println("Spindle priority demo: Zerynth-style threads on a JVM.");
        System.out.println("(HotSpot on Linux ignores Java priorities; Spindle's wait queues do not.)");
        System.out.println();
        lockHandOff();
        System.out.println();
        producerConsumer();
    }

    /** Seven threads queue on a held Lock; the release order follows priority, FIFO within one. */
    private static void lockHandOff() {
        System.out.println("1. Lock hand-off: the main thread holds a Lock while 7 threads queue for it.");
        final Lock lock = new Lock();
        final Vector order = new Vector();
        lock.acquire();
        Thread[] threads = new Thread[PRIORITIES.length];
        for (int i = 0; i < threads.length; i++) {
            final int prio = PRIORITIES[i];
            threads[i] = new Thread(new Runnable() {
                @Override
                public void run() {
                    lock.acquire();
                    order.addElement(ThreadRegistry.current().getName() + " (prio " + prio + ")");
                    lock.release();
                }
            }, "worker-" + (i + 1));
            threads[i].start(prio);
            awaitWaiting(threads[i].getIdent());
            System.out.println("   queued  worker-" + (i + 1) + " at priority " + prio);
        }
        lock.release();
        joinAll(threads);
        for (int i = 0; i < order.size(); i++) {
            System.out.println("   granted " + order.elementAt(i));
        }
    }

    /** A producer fills a bounded buffer; consumers of different priorities are served best-first. */
    private static void producerConsumer() {
        System.out.println("2. Producer/consumer: 3 consumers (LOW, NORMAL, HIGHEST) wait on a Condition; "
                + "a producer makes 9 items.");
        final Condition ready = new Condition();
        final Vector buffer = new Vector();
        final int items = 9;
        final int[] consumerPrios = {Thread.PRIO_LOW, Thread.PRIO_NORMAL, Thread.PRIO_HIGHEST};
        Thread[] consumers = new Thread[consumerPrios.length];
        for (int i = 0; i < consumers.length; i++) {
            final int prio = consumerPrios[i];
            consumers[i] = new Thread(new Runnable() {
                @Override
                public void run() {
                    for (int taken = 0; taken < items / consumerPrios.length; taken++) {
                        ready.acquire();
                        try {
                            ready.waitFor(new dev.spindle.threading.Predicate() {
                                @Override
                                public boolean test() {
                                    return !buffer.isEmpty();
                                }
                            });
                            Object item = buffer.elementAt(0);
                            buffer.removeElementAt(0);
                            System.out.println("   " + ThreadRegistry.current().getName() + " (prio " + prio
                                    + ") took " + item);
                        } finally {
                            ready.release();
                        }
                    }
                }
            }, "consumer-" + prio);
            consumers[i].start(prio);
            awaitWaiting(consumers[i].getIdent());
        }
        Thread producer = new Thread(new Runnable() {
            @Override
            public void run() {
                for (int i = 1; i <= items; i++) {
                    ready.acquire();
                    buffer.addElement("item-" + i);
                    ready.signal();
                    ready.release();
                    awaitAnyWaiting(i < items);
                }
            }
        }, "producer");
        producer.start(Thread.PRIO_NORMAL);
        producer.join();
        joinAll(consumers);
        System.out.println("   while several consumers wait, the highest priority is served first.");
    }

    /** Lets the demo show a full queue: waits until the thread is blocked. */
    private static void awaitWaiting(long ident) {
        for (int spins = 0; spins < 2000; spins++) {
            ThreadInfo[] rows = ThreadRegistry.snapshot();
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].getIdent() == ident && rows[i].getWaitingOn() != null) {
                    return;
                }
            }
            sleep(1);
        }
    }

    private static void awaitAnyWaiting(boolean more) {
        if (!more) {
            return;
        }
        for (int spins = 0; spins < 200; spins++) {
            ThreadInfo[] rows = ThreadRegistry.snapshot();
            int waiting = 0;
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].getName().startsWith("consumer-") && rows[i].getWaitingOn() != null
                        && rows[i].getWaitingOn().startsWith("Condition")) {
                    waiting++;
                }
            }
            if (waiting > 0) {
                return;
            }
            sleep(1);
        }
    }

    private static void joinAll(Thread[] threads) {
        for (int i = 0; i < threads.length; i++) {
            threads[i].join();
        }
    }

    private static void sleep(long ms) {
        try {
            java.lang.Thread.sleep(ms);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }
}
