package dev.spindle.agent;

import dev.spindle.threading.Thread;

/** Firmware apps for the agent tests: real Spindle threads, started by the agent's AppRunner. */
public final class TestApps {
    private TestApps() {
    }

    /** Starts a thread that crashes at once with {@code message}. */
    public static void crashNow(String message) {
        new Thread(() -> {
            throw new IllegalStateException(message);
        }, "crasher").start(Thread.PRIO_HIGH);
    }

    /** Blinks (prints) until {@link #stop()}; counts its starts. */
    public static final class Blinker {
        static volatile boolean stop;
        static volatile int starts;

        private Blinker() {
        }

        public static void main(String[] args) {
            stop = false;
            starts++;
            Thread t = new Thread(() -> {
                int n = 0;
                while (!stop) {
                    if (n++ % 20 == 0) {
                        System.out.println("blink " + n);
                    }
                    try {
                        java.lang.Thread.sleep(25);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "blinker");
            t.start(Thread.PRIO_LOW);
        }

        public static void stop() {
            stop = true;
        }
    }

    /** Crashes a thread every {@code args[0]} ms with messages crash-1, crash-2, … until stopped. */
    public static final class Crashy {
        static volatile boolean stop;

        private Crashy() {
        }

        public static void main(String[] args) throws InterruptedException {
            stop = false;
            long every = args.length > 0 ? Long.parseLong(args[0]) : 200;
            for (int n = 1; !stop; n++) {
                crashNow("crash-" + n);
                java.lang.Thread.sleep(every);
            }
        }

        public static void stop() {
            stop = true;
        }
    }

    /**
     * Two threads that deadlock on two Locks for about {@code holdMs}: each holds one Lock and
     * waits (with a timeout, so the test JVM gets its threads back) for the other's.
     */
    public static void deadlockFor(long holdMs) {
        final dev.spindle.threading.Lock a = new dev.spindle.threading.Lock();
        final dev.spindle.threading.Lock b = new dev.spindle.threading.Lock();
        final dev.spindle.threading.Event bothHold = new dev.spindle.threading.Event();
        final int[] holding = new int[1];
        Runnable first = () -> cross(a, b, bothHold, holding, holdMs);
        Runnable second = () -> cross(b, a, bothHold, holding, holdMs);
        new Thread(first, "philosopher-1").start();
        new Thread(second, "philosopher-2").start();
    }

    private static void cross(dev.spindle.threading.Lock mine, dev.spindle.threading.Lock other,
            dev.spindle.threading.Event bothHold, int[] holding, long holdMs) {
        mine.acquire();
        synchronized (holding) {
            if (++holding[0] == 2) {
                bothHold.set();
            }
        }
        bothHold.await(-1);
        if (other.acquire(true, holdMs)) {
            other.release();
        }
        mine.release();
    }
}
