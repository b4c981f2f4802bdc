package dev.spindle.hal;

/**
 * A serial line. Made by {@link Board#openSerial(String, SerialConfig)}; {@link #close()} releases
 * the device. One reader and one writer may use it at the same time (reads are serialised among
 * readers, writes among writers).
 *
 * <h2>Timeouts</h2>
 * {@link #read(byte[], int, int, long)} takes milliseconds: {@code -1} waits until at least one byte
 * arrives, {@code 0} returns what is already there (perhaps nothing), a positive value waits at most
 * that long for the first byte. It never waits to fill the buffer: it returns as soon as some bytes
 * are there.
 */
public interface SerialPort extends AutoCloseable {
    /** @return the name it was opened under ({@code serial0}, or the device path) */
    String name();

    /** @return the device ({@code /dev/ttyAMA0}, {@code sim:serial0}) */
    String device();

    /** @return the line settings */
    SerialConfig config();

    /**
     * Reads what arrived, waiting up to {@code timeoutMs} for the first byte.
     *
     * @return the number of bytes stored in {@code buf[off..]}, 0 when the time ran out
     * @throws HalException if the port is closed or the device failed
     * @throws IllegalArgumentException a timeout below -1 or a bad range
     */
    int read(byte[] buf, int off, int len, long timeoutMs);

    /** {@link #read(byte[], int, int, long)} into the whole buffer. */
    int read(byte[] buf, long timeoutMs);

    /**
     * Writes all of {@code buf[off..off+len)}; returns when the bytes were handed to the device.
     *
     * @throws HalException if the port is closed or the device failed
     */
    void write(byte[] buf, int off, int len);

    /** Writes the whole buffer. */
    void write(byte[] buf);

    /** @return false once closed */
    boolean isOpen();

    /** Releases the device. Closing twice does nothing; a blocked read returns or throws. */
    @Override
    void close();
}
