package dev.spindle.hal.sim;

import dev.spindle.threading.Thread;

/**
 * A scripted input on a {@link SimBoard}: a line pulsed at a fixed period, as a button pressed every
 * few seconds in a demo. Runs on a Spindle thread named {@code sim-pulse-N} at
 * {@link Thread#PRIO_NORMAL}; {@link #close()} stops it, leaves the line undriven and waits for the
 * thread to end. {@link #stopped} is guarded by this.
 */
public final class SimScript implements AutoCloseable {
    private final SimBoard board;
    private final int bcm;
    private final long periodMs;
    private final long widthMs;
    private final boolean activeHigh;
    private final Thread thread;
    private boolean stopped;
    /** Completed pulses. Guarded by this. */
    private long pulses;

    SimScript(SimBoard board, int bcm, long periodMs, long widthMs, boolean activeHigh) {
        this.board = board;
        this.bcm = bcm;
        this.periodMs = periodMs;
        this.widthMs = widthMs;
        this.activeHigh = activeHigh;
        this.thread = new Thread(this::loop, "sim-pulse-" + bcm);
    }

    void start() {
        thread.start(Thread.PRIO_NORMAL);
    }

    /** @return the pulses completed so far */
    public synchronized long pulses() {
        return pulses;
    }

    private void loop() {
        try {
            board.drive(bcm, !activeHigh);
            while (pause(periodMs - widthMs)) {
                board.drive(bcm, activeHigh);
                boolean more = pause(widthMs);
                board.drive(bcm, !activeHigh);
                synchronized (this) {
                    pulses++;
                }
                if (!more) {
                    break;
                }
            }
        } finally {
            board.undrive(bcm);
            board.scriptEnded(this);
        }
    }

    /** Waits {@code ms} unless stopped first; @return false once stopped. */
    private synchronized boolean pause(long ms) {
        long end = System.currentTimeMillis() + ms;
        long left = ms;
        while (!stopped && left > 0) {
            try {
                wait(left);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt();
                stopped = true;
            }
            left = end - System.currentTimeMillis();
        }
        return !stopped;
    }

    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        thread.join();
    }

    @Override
    public String toString() {
        return "pulse GPIO " + bcm + " every " + periodMs + " ms for " + widthMs + " ms ("
                + (activeHigh ? "active high" : "active low") + ")";
    }
}
