package dev.spindle.hal.sim;

import dev.spindle.hal.BaseSerialPort;
import dev.spindle.hal.SerialConfig;

/**
 * A {@link dev.spindle.hal.SerialPort} on a {@link SimBoard}: writes go to the connected port (see
 * {@link SimBoard#connect}), reads take from this port's receive buffer. Line settings are recorded,
 * not enforced: two connected simulated ports at different baud rates still understand each other.
 * No mutable state of its own: the buffer lives in {@link SimSerialLine}.
 */
final class SimSerialPort extends BaseSerialPort {
    private final SimSerialLine line;

    SimSerialPort(SimBoard board, SimSerialLine line, String name, String device, SerialConfig config) {
        super(board, name, device, config);
        this.line = line;
        line.setOpen(true);
    }

    @Override
    protected int doRead(byte[] buf, int off, int len, long timeoutMs) {
        return line.take(buf, off, len, timeoutMs);
    }

    @Override
    protected void doWrite(byte[] buf, int off, int len) {
        line.transmit(buf, off, len);
    }

    @Override
    protected void doClose() {
        line.setOpen(false);
    }
}
