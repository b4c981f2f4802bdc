package dev.spindle.tools.dashboard;

import dev.spindle.threading.Thread;

/** Firmware for the dashboard's test boards: real Spindle threads in the agents' JVM (this one). */
public final class BoardApp {
    static volatile boolean stop;

    private BoardApp() {
    }

    public static void main(String[] args) {
        stop = false;
        new Thread(() -> {
            while (!stop) {
                try {
                    java.lang.Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sampler").start(Thread.PRIO_NORMAL);
    }

    public static void stop() {
        stop = true;
    }

    /** A Spindle thread named {@code name} that throws {@code message} at once. */
    public static void crash(String name, String message) {
        new Thread(() -> {
            throw new IllegalStateException(message);
        }, name).start(Thread.PRIO_HIGH);
    }
}
