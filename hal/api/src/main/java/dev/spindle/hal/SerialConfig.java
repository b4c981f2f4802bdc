package dev.spindle.hal;

/**
 * Line settings of a serial port: baud rate, data bits, parity, stop bits and flow control.
 * Immutable: each {@code with} method returns a new configuration.
 *
 * <pre>
 * SerialPort gps = board.openSerial("serial0", SerialConfig.baud(9600));          // 9600 8N1
 * SerialPort modem = board.openSerial("serial0", SerialConfig.baud(115200).parity(Parity.EVEN));
 * </pre>
 */
public final class SerialConfig {
    private final int baud;
    private final int dataBits;
    private final Parity parity;
    private final StopBits stopBits;
    private final FlowControl flowControl;

    private SerialConfig(int baud, int dataBits, Parity parity, StopBits stopBits, FlowControl flowControl) {
        if (baud <= 0) {
            throw new IllegalArgumentException("baud rate is " + baud + "; use a positive rate such as 9600 or 115200");
        }
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits is " + dataBits + "; use 5, 6, 7 or 8");
        }
        if (parity == null || stopBits == null || flowControl == null) {
            throw new IllegalArgumentException("parity, stop bits and flow control must be set: parity one of "
                    + Parity.allowed() + "; stop bits one of " + StopBits.allowed() + "; flow control one of "
                    + FlowControl.allowed());
        }
        this.baud = baud;
        this.dataBits = dataBits;
        this.parity = parity;
        this.stopBits = stopBits;
        this.flowControl = flowControl;
    }

    /** @return {@code baud} 8N1 without flow control */
    public static SerialConfig baud(int baud) {
        return new SerialConfig(baud, 8, Parity.NONE, StopBits.ONE, FlowControl.NONE);
    }

    /** @return a copy at this baud rate */
    public SerialConfig withBaud(int rate) {
        return new SerialConfig(rate, dataBits, parity, stopBits, flowControl);
    }

    /** @return a copy with 5..8 data bits */
    public SerialConfig dataBits(int bits) {
        return new SerialConfig(baud, bits, parity, stopBits, flowControl);
    }

    /** @return a copy with this parity */
    public SerialConfig parity(Parity p) {
        return new SerialConfig(baud, dataBits, p, stopBits, flowControl);
    }

    /** @return a copy with these stop bits */
    public SerialConfig stopBits(StopBits s) {
        return new SerialConfig(baud, dataBits, parity, s, flowControl);
    }

    /** @return a copy with this flow control */
    public SerialConfig flowControl(FlowControl f) {
        return new SerialConfig(baud, dataBits, parity, stopBits, f);
    }

    public int getBaud() {
        return baud;
    }

    public int getDataBits() {
        return dataBits;
    }

    public Parity getParity() {
        return parity;
    }

    public StopBits getStopBits() {
        return stopBits;
    }

    public FlowControl getFlowControl() {
        return flowControl;
    }

    /** @return how many bit times one byte takes on the wire (start + data + parity + stop) */
    public double bitsPerByte() {
        double stop = stopBits == StopBits.ONE ? 1.0 : stopBits == StopBits.TWO ? 2.0 : 1.5;
        return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stop;
    }

    @Override
    public String toString() {
        return baud + " " + dataBits + parity.name().substring(0, 1).toUpperCase() + stopBits
                + (flowControl == FlowControl.NONE ? "" : " " + flowControl);
    }
}
