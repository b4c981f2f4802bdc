package dev.spindle.hal.pi4j;

import com.fazecast.jSerialComm.SerialPort;
import dev.spindle.hal.BaseSerialPort;
import dev.spindle.hal.Board;
import dev.spindle.hal.FlowControl;
import dev.spindle.hal.HalException;
import dev.spindle.hal.Parity;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.StopBits;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A HAL {@link dev.spindle.hal.SerialPort} on jSerialComm (Pi4J's own serial support is thin).
 *
 * <h2>Reads</h2>
 * jSerialComm's semi-blocking mode returns as soon as at least one byte is there or the timeout
 * passes, which is the HAL contract. A read without a limit ({@code -1}) waits in slices of
 * {@link #SLICE_MS} because jSerialComm offers no way for {@code close()} to wake a read blocked
 * without a timeout; between slices it checks whether the port was closed.
 *
 * <p>{@link #timeoutSet} is touched only by the reader, which {@link BaseSerialPort} serialises.
 */
final class JSerialPort extends BaseSerialPort {
    static final int SLICE_MS = 200;

    private final SerialPort port;
    /** The read timeout last given to jSerialComm, -1 before the first read. Reader only. */
    private int timeoutSet = -1;

    JSerialPort(Board board, String name, String device, SerialConfig config) {
        super(board, name, device, config);
        Path path = Path.of(device);
        String label = name.equals(device) ? device : device + " (" + name + ")";
        if (!Files.exists(path)) {
            throw new HalException("serial device " + label + " does not exist on " + board.name() + "; "
                    + (device.contains("serial") || device.contains("ttyAMA") || device.contains("ttyS")
                    ? "enable the UART (raspi-config > Interface Options > Serial Port, or enable_uart=1 in"
                    + " config.txt; on a Pi 5 dtparam=uart0=on for the header pins) and reboot, or pass another device"
                    : "check the cable/adapter and the name (ls /dev/tty*), or pass another device"));
        }
        port = SerialPort.getCommPort(device);
        port.setComPortParameters(config.getBaud(), config.getDataBits(), stopBits(config.getStopBits()),
                parity(config.getParity()));
        port.setFlowControl(flow(config.getFlowControl()));
        if (!port.openPort()) {
            boolean access = Files.isReadable(path) && Files.isWritable(path);
            throw new HalException("cannot open serial device " + label + " (jSerialComm error "
                    + port.getLastErrorCode() + "); " + (access
                    ? "another program may hold it (stop the serial console: raspi-config > Serial Port > no login"
                    + " shell) or the settings " + config + " are not supported"
                    : "this user may not open it: add it to the dialout group (sudo usermod -aG dialout $USER,"
                    + " then log in again)"));
        }
    }

    @Override
    protected int doRead(byte[] buf, int off, int len, long timeoutMs) {
        if (timeoutMs == 0) {
            int available = port.bytesAvailable();
            if (available < 0) {
                throw gone("read");
            }
            return available == 0 ? 0 : readSlice(buf, off, Math.min(len, available), 1);
        }
        if (timeoutMs > 0) {
            return readSlice(buf, off, len, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        }
        while (true) {
            if (!port.isOpen()) {
                return -1;
            }
            int n = readSlice(buf, off, len, SLICE_MS);
            if (n != 0) {
                return n;
            }
        }
    }

    private int readSlice(byte[] buf, int off, int len, int timeoutMs) {
        if (timeoutSet != timeoutMs) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, timeoutMs, 0);
            timeoutSet = timeoutMs;
        }
        int n = port.readBytes(buf, len, off);
        if (n < 0) {
            if (!port.isOpen()) {
                return -1;
            }
            throw gone("read");
        }
        return n;
    }

    @Override
    protected void doWrite(byte[] buf, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = port.writeBytes(buf, len - done, off + done);
            if (n < 0) {
                throw gone("write");
            }
            done += n;
        }
    }

    @Override
    protected void doClose() {
        port.closePort();
    }

    private HalException gone(String what) {
        return new HalException("serial port " + name() + " (" + device() + "): " + what + " failed (jSerialComm error "
                + port.getLastErrorCode() + "); the device may have gone (USB adapter unplugged?): close the port"
                + " and open it again");
    }

    private static int stopBits(StopBits s) {
        return s == StopBits.ONE ? SerialPort.ONE_STOP_BIT
                : s == StopBits.TWO ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_POINT_FIVE_STOP_BITS;
    }

    private static int parity(Parity p) {
        return p == Parity.NONE ? SerialPort.NO_PARITY : p == Parity.EVEN ? SerialPort.EVEN_PARITY
                : p == Parity.ODD ? SerialPort.ODD_PARITY : p == Parity.MARK ? SerialPort.MARK_PARITY
                : SerialPort.SPACE_PARITY;
    }

    private static int flow(FlowControl f) {
        return f == FlowControl.NONE ? SerialPort.FLOW_CONTROL_DISABLED
                : f == FlowControl.RTS_CTS ? SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED
                : SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
    }
}
