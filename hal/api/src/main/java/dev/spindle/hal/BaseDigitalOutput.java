package dev.spindle.hal;

/**
 * The common part of every backend's {@link DigitalOutput}: state, the closed check, the shutdown
 * level and the release of the line. A backend implements {@link #apply(boolean)} (drive the line)
 * and {@link #releaseLine()}, and drives the initial level itself when it creates the line.
 *
 * <p>{@link #high} and {@link #open} are guarded by this; {@link #apply(boolean)} is called with
 * this monitor held, so writes reach the line in the order they were made.
 */
public abstract class BaseDigitalOutput implements DigitalOutput {
    private final Board board;
    private final int pin;
    private final OutputConfig config;
    private boolean high;
    private boolean open = true;

    /** @param board the board that claimed the line; {@code config.isInitialHigh()} is the level in force */
    protected BaseDigitalOutput(Board board, int pin, OutputConfig config) {
        this.board = board;
        this.pin = pin;
        this.config = config;
        this.high = config.isInitialHigh();
    }

    /** Drives the line; called with this monitor held. */
    protected abstract void apply(boolean level);

    /** Gives the line back to the backend (after the shutdown level was applied). */
    protected abstract void releaseLine();

    public final int pin() {
        return pin;
    }

    public final void high() {
        write(true);
    }

    public final void low() {
        write(false);
    }

    // toggle and write each take this monitor once (no nested entry): it is the whole cost the HAL
    // adds to a backend write (see docs/hal.md, Benchmark).
    public final synchronized void toggle() {
        checkOpen();
        boolean level = !high;
        apply(level);
        high = level;
    }

    public final synchronized void write(boolean level) {
        checkOpen();
        apply(level);
        high = level;
    }

    public final synchronized boolean isHigh() {
        return high;
    }

    public final OutputConfig config() {
        return config;
    }

    public final synchronized boolean isOpen() {
        return open;
    }

    public final void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            try {
                if (config.getShutdown() == Shutdown.LOW) {
                    apply(false);
                    high = false;
                } else if (config.getShutdown() == Shutdown.HIGH) {
                    apply(true);
                    high = true;
                }
            } catch (RuntimeException e) {
                System.err.println("GPIO " + pin + ": could not apply the shutdown level " + config.getShutdown()
                        + " (" + e + "); the line is released anyway");
            }
        }
        try {
            releaseLine();
        } finally {
            board.release(Board.lineKey(pin));
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new HalException("GPIO " + pin + " output is closed; open it again with board.openOutput(" + pin
                    + ", ...)");
        }
    }

    @Override
    public String toString() {
        return "GPIO " + pin + " output (" + (isHigh() ? "high" : "low") + ")";
    }
}
