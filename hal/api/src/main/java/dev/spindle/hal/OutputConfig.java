package dev.spindle.hal;

/**
 * How a digital output starts and what it does when closed. Immutable: each {@code with} method
 * returns a new configuration.
 *
 * <pre>
 * DigitalOutput led = board.openOutput(17, OutputConfig.DEFAULT.initialHigh(true));
 * </pre>
 */
public final class OutputConfig {
    /** Starts low, goes low when closed. */
    public static final OutputConfig DEFAULT = new OutputConfig(false, Shutdown.LOW);

    private final boolean initialHigh;
    private final Shutdown shutdown;

    private OutputConfig(boolean initialHigh, Shutdown shutdown) {
        if (shutdown == null) {
            throw new IllegalArgumentException("an output needs a shutdown state (safe level): use one of "
                    + Shutdown.allowed());
        }
        this.initialHigh = initialHigh;
        this.shutdown = shutdown;
    }

    /** @return a copy whose line starts high ({@code true}) or low */
    public OutputConfig initialHigh(boolean high) {
        return new OutputConfig(high, shutdown);
    }

    /** @return a copy with this safe level, applied by {@code close()} */
    public OutputConfig shutdown(Shutdown state) {
        return new OutputConfig(initialHigh, state);
    }

    /** @return whether the line starts high */
    public boolean isInitialHigh() {
        return initialHigh;
    }

    /** @return the level applied when the output is closed */
    public Shutdown getShutdown() {
        return shutdown;
    }

    @Override
    public String toString() {
        return "output(initial=" + (initialHigh ? "high" : "low") + ", shutdown=" + shutdown + ")";
    }
}
