package dev.spindle.hal;

/**
 * A GPIO line driven by this program. Made by {@link Board#openOutput(int, OutputConfig)}, which
 * sets the configured initial level; {@link #close()} applies the configured {@link Shutdown} level
 * and releases the line so that it can be opened again. Thread-safe: each call is atomic.
 */
public interface DigitalOutput extends AutoCloseable {
    /** @return the BCM line number */
    int pin();

    /** Drives the line high. */
    void high();

    /** Drives the line low. */
    void low();

    /** Drives the line to the other level, atomically. */
    void toggle();

    /** @param high true drives high, false low */
    void write(boolean high);

    /** @return the level last written */
    boolean isHigh();

    /** @return the configuration it was opened with */
    OutputConfig config();

    /** @return false once closed */
    boolean isOpen();

    /**
     * Applies the shutdown level and releases the line. Closing twice does nothing.
     * After close, {@code high/low/toggle/write} throw {@link HalException}.
     */
    @Override
    void close();
}
