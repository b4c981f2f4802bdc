package dev.spindle.hal;

/**
 * A GPIO line read by this program. Made by {@link Board#openInput(int, InputConfig)};
 * {@link #close()} stops its listener thread and releases the line. Thread-safe.
 *
 * <h2>Edges</h2>
 * Listeners added with {@link #addListener(Edge, EdgeListener)} run on one Spindle thread per input
 * (started with the first listener, at the configured priority), in the order the edges happened.
 * See {@link InputConfig} for debounce.
 */
public interface DigitalInput extends AutoCloseable {
    /** @return the BCM line number */
    int pin();

    /** @return whether the line is high now */
    boolean read();

    /** @return the configuration it was opened with */
    InputConfig config();

    /**
     * @param edge     {@link Edge#RISING}, {@link Edge#FALLING} or {@link Edge#BOTH}
     * @param listener called on the input's listener thread
     */
    void addListener(Edge edge, EdgeListener listener);

    /** @return whether the listener was registered (every registration of it is removed) */
    boolean removeListener(EdgeListener listener);

    /** @return false once closed */
    boolean isOpen();

    /**
     * Stops the listener thread (waiting for a running listener unless called from one) and releases
     * the line. Closing twice does nothing.
     */
    @Override
    void close();
}
