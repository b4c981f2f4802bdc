package dev.spindle.examples;

import dev.spindle.threading.Condition;
import dev.spindle.threading.Thread;

/**
 * A long-running firmware app for the fleet demo: a producer (HIGH) hands work items to two
 * consumers (LOW and HIGHEST) through a Condition, and a heartbeat thread (LOWEST) prints what
 * happened every few seconds. Runs until {@link #stop()} (the agent calls it on restart and
 * stop).
 */
public final class Heartbeat {
    private static final Object STOP_LOCK = new Object();
    private static boolean stopped; // guarded by STOP_LOCK

    private Heartbeat() {
    }

    private static boolean stopped() {
        synchronized (STOP_LOCK) {
            return stopped;
        }
    }

    /** Ends every thread of the app within about a second. */
    public static void stop() {
        synchronized (STOP_LOCK) {
            stopped = true;
        }
    }

    public static void main(String[] args) {
        synchronized (STOP_LOCK) {
            stopped = false;
        }
        final Condition ready = new Condition();
        final int[] queue = new int[1]; // items waiting; guarded by ready's lock
        final int[] served = new int[8]; // items taken per priority; guarded by ready's lock
        new Thread(new Runnable() {
            @Override
            public void run() {
                while (!stopped()) {
                    ready.acquire();
                    queue[0]++;
                    ready.signal();
                    ready.release();
                    sleep(200);
                }
            }
        }, "producer").start(Thread.PRIO_HIGH);
        int[] prios = {Thread.PRIO_LOW, Thread.PRIO_HIGHEST};
        for (int i = 0; i < prios.length; i++) {
            final int prio = prios[i];
            new Thread(new Runnable() {
                @Override
                public void run() {
                    while (!stopped()) {
                        ready.acquire();
                        if (queue[0] == 0) {
                            ready.await(500);
                        }
                        if (queue[0] > 0) {
                            queue[0]--;
                            served[prio]++;
                        }
                        ready.release();
                    }
                }
            }, "consumer-prio-" + prio).start(prio);
        }
        new Thread(new Runnable() {
            @Override
            public void run() {
                for (int beat = 1; !stopped(); beat++) {
                    ready.acquire();
                    String line = "heartbeat " + beat + ": served LOW " + served[Thread.PRIO_LOW] + ", HIGHEST "
                            + served[Thread.PRIO_HIGHEST] + ", waiting " + queue[0];
                    ready.release();
                    System.out.println(line);
                    for (int i = 0; i < 10 && !stopped(); i++) {
                        sleep(300);
                    }
                }
            }
        }, "heartbeat").start(Thread.PRIO_LOWEST);
    }

    private static void sleep(long ms) {
        try {
            java.lang.Thread.sleep(ms);
        } catch (InterruptedException e) {
            stop();
        }
    }
}
