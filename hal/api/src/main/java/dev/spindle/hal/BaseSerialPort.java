package dev.spindle.hal;

/**
 * The common part of every backend's {@link SerialPort}: argument and state checks, the claim
 * release, and one reader plus one writer at a time. A backend implements
 * {@link #doRead(byte[], int, int, long)}, {@link #doWrite(byte[], int, int)} and {@link #doClose()}.
 *
 * <p>{@link #open} is guarded by this. Readers serialise on {@link #readLock}, writers on
 * {@link #writeLock}, so a blocked read never delays a write. {@link #doClose()} must make a blocked
 * {@code doRead} return.
 */
public abstract class BaseSerialPort implements SerialPort {
    private final Board board;
    private final String name;
    private final String device;
    private final SerialConfig config;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private boolean open = true;

    protected BaseSerialPort(Board board, String name, String device, SerialConfig config) {
        this.board = board;
        this.name = name;
        this.device = device;
        this.config = config;
    }

    /**
     * Reads with the semantics of {@link SerialPort#read(byte[], int, int, long)}; arguments are valid.
     *
     * @return bytes read, 0 on timeout, -1 when the port was closed meanwhile
     */
    protected abstract int doRead(byte[] buf, int off, int len, long timeoutMs);

    /** Writes all bytes; arguments are valid. */
    protected abstract void doWrite(byte[] buf, int off, int len);

    /** Releases the device and wakes a blocked {@link #doRead}. */
    protected abstract void doClose();

    public final String name() {
        return name;
    }

    public final String device() {
        return device;
    }

    public final SerialConfig config() {
        return config;
    }

    public final int read(byte[] buf, long timeoutMs) {
        return read(buf, 0, buf.length, timeoutMs);
    }

    public final int read(byte[] buf, int off, int len, long timeoutMs) {
        checkRange(buf, off, len);
        if (timeoutMs < -1) {
            throw new IllegalArgumentException("serial port " + name + ": timeout " + timeoutMs
                    + " ms; use -1 (wait for data), 0 (don't wait) or a positive number of milliseconds");
        }
        if (len == 0) {
            return 0;
        }
        synchronized (readLock) {
            checkOpen();
            int n = doRead(buf, off, len, timeoutMs);
            if (n < 0) {
                checkOpen();
                return 0;
            }
            return n;
        }
    }

    public final void write(byte[] buf) {
        write(buf, 0, buf.length);
    }

    public final void write(byte[] buf, int off, int len) {
        checkRange(buf, off, len);
        synchronized (writeLock) {
            checkOpen();
            doWrite(buf, off, len);
        }
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
        }
        try {
            doClose();
        } finally {
            board.release(Board.serialKey(device));
        }
    }

    private synchronized void checkOpen() {
        if (!open) {
            throw new HalException("serial port " + name + " is closed; open it again with board.openSerial(\"" + name
                    + "\", ...)");
        }
    }

    private void checkRange(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("serial port " + name + ": bad buffer range (offset " + off + ", length "
                    + len + ", buffer " + (buf == null ? "null" : String.valueOf(buf.length)) + ")");
        }
    }

    @Override
    public String toString() {
        return "serial port " + name + " (" + (name.equals(device) ? "" : device + ", ") + config + ")";
    }
}
