package dev.spindle.hal.sim;

/**
 * One simulated serial port's wires: a receive buffer and the peer its TX line goes to (itself for
 * a loopback, null when unconnected). Bytes arrive only while the port is open, as on a UART.
 *
 * <p>{@link #buf}, {@link #head}, {@link #count}, {@link #open}, {@link #overruns} are guarded by
 * this line's monitor; {@link #peer} by {@link #WIRING} (read under it too, so a write never sees
 * half a connect). Lock order: {@link #WIRING} is never held while taking a line's monitor and
 * vice versa.
 */
final class SimSerialLine {
    /** Receive buffer size: what a reader that falls behind may hold before bytes are dropped. */
    static final int CAPACITY = 64 * 1024;
    /** Guards every line's {@link #peer}, on every board (connections may cross boards). */
    private static final Object WIRING = new Object();

    final String name;
    private final byte[] buf = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean open;
    private long overruns;
    private SimSerialLine peer;

    SimSerialLine(String name) {
        this.name = name;
    }

    static void connect(SimSerialLine a, SimSerialLine b) {
        synchronized (WIRING) {
            unlink(a);
            unlink(b);
            a.peer = b;
            b.peer = a;
        }
    }

    static void disconnect(SimSerialLine a) {
        synchronized (WIRING) {
            unlink(a);
        }
    }

    private static void unlink(SimSerialLine l) {
        if (l.peer != null) {
            l.peer.peer = null;
            l.peer = null;
        }
    }

    /** Sends bytes to the peer (lost when unconnected). */
    void transmit(byte[] data, int off, int len) {
        SimSerialLine p;
        synchronized (WIRING) {
            p = peer;
        }
        if (p != null) {
            p.receive(data, off, len);
        }
    }

    /** Stores arriving bytes; drops them while closed and counts those that do not fit. */
    synchronized void receive(byte[] data, int off, int len) {
        if (!open) {
            return;
        }
        int n = Math.min(len, CAPACITY - count);
        for (int i = 0; i < n; i++) {
            buf[(head + count + i) % CAPACITY] = data[off + i];
        }
        count += n;
        overruns += len - n;
        if (n > 0) {
            notifyAll();
        }
    }

    /** @return bytes read, 0 on timeout, -1 when closed meanwhile */
    synchronized int take(byte[] out, int off, int len, long timeoutMs) {
        long deadline = timeoutMs > 0 ? System.currentTimeMillis() + timeoutMs : 0;
        while (open && count == 0 && timeoutMs != 0) {
            long left = timeoutMs < 0 ? 0 : deadline - System.currentTimeMillis();
            if (timeoutMs > 0 && left <= 0) {
                return 0;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.spindle.hal.HalException("serial port " + name + ": read interrupted", e);
            }
        }
        if (!open) {
            return -1;
        }
        int n = Math.min(len, count);
        for (int i = 0; i < n; i++) {
            out[off + i] = buf[(head + i) % CAPACITY];
        }
        head = (head + n) % CAPACITY;
        count -= n;
        return n;
    }

    synchronized void setOpen(boolean isOpen) {
        open = isOpen;
        head = 0;
        count = 0;
        notifyAll();
    }

    synchronized boolean isOpen() {
        return open;
    }

    synchronized long overruns() {
        return overruns;
    }
}
