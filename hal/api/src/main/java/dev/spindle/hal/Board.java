package dev.spindle.hal;

import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Vector;

/**
 * A board: its GPIO lines and serial ports, as described by a {@link BoardSpec}. Backends
 * ({@code dev.spindle.hal.pi4j.Pi4jBoard}, {@code dev.spindle.hal.sim.SimBoard}) extend it; firmware
 * codes against this class only and runs unchanged on both.
 *
 * <pre>
 * DigitalOutput led = board.openOutput(17, OutputConfig.DEFAULT);
 * DigitalInput button = board.openInput(27, InputConfig.DEFAULT.pull(Pull.UP).debounceMs(20));
 * button.addListener(Edge.FALLING, new EdgeListener() {
 *     public void onEdge(DigitalInput in, Edge e) { led.toggle(); }
 * });
 * </pre>
 *
 * <h2>Ownership</h2>
 * A GPIO line or serial device is open at most once on a board: opening it again throws a
 * {@link HalException} that names the pin and who opened it, until the first owner closes it.
 * {@link #close()} closes everything still open (outputs go to their shutdown level).
 *
 * <p>Concurrency: {@link #open} (the claims) and {@link #closed} are guarded by this board's
 * monitor. Backends' {@code newOutput/newInput/newSerial} run outside it, after the claim is made,
 * so a slow device open does not block other pins.
 */
public abstract class Board implements AutoCloseable {
    private final BoardSpec spec;
    /** Claim key ({@code gpio:17}, {@code serial:/dev/ttyS0}) -> {@link Claim}. Guarded by this. */
    private final Hashtable open = new Hashtable();
    /** Set by {@link #close()}. Guarded by this. */
    private boolean closed;

    /** @param spec what the board offers */
    protected Board(BoardSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("a board needs its BoardSpec: load one with BoardFiles.builtin(id)");
        }
        this.spec = spec;
    }

    /** @return the definition it was made from */
    public final BoardSpec spec() {
        return spec;
    }

    /** @return the board id ({@code rpi4b}) */
    public final String id() {
        return spec.id();
    }

    /** @return the human name ({@code Raspberry Pi 4B}) */
    public final String name() {
        return spec.name();
    }

    /** @return the usable GPIO lines (BCM numbers) */
    public final int[] pins() {
        return spec.gpioLines();
    }

    /** @return the serial port names ({@code serial0}, ...) */
    public final String[] serialPorts() {
        return spec.serialPorts();
    }

    /** @return the priority map the board definition gives for {@code PriorityMap.install} */
    public final int[] priorityMap() {
        return spec.priorityMap();
    }

    /** @return a short description of the backend ({@code pi4j gpiod}, {@code simulator}) */
    public abstract String backend();

    /**
     * Opens a GPIO line as an output and drives its initial level.
     *
     * @param bcm the BCM line number (not the header pin: see {@link BoardSpec#bcmForHeaderPin(int)})
     * @throws HalException if the line does not exist, is already open, or the backend fails
     */
    public final DigitalOutput openOutput(int bcm, OutputConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("GPIO " + bcm + ": pass an OutputConfig (OutputConfig.DEFAULT starts"
                    + " and shuts down low)");
        }
        String key = claimLine(bcm, "an output");
        boolean done = false;
        try {
            DigitalOutput out = newOutput(bcm, config);
            attach(key, out);
            done = true;
            return out;
        } finally {
            if (!done) {
                release(key);
            }
        }
    }

    /**
     * Opens a GPIO line as an input.
     *
     * @param bcm the BCM line number
     * @throws HalException if the line does not exist, is already open, or the backend fails
     */
    public final DigitalInput openInput(int bcm, InputConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("GPIO " + bcm + ": pass an InputConfig (InputConfig.DEFAULT has no"
                    + " pull and no debounce)");
        }
        String key = claimLine(bcm, "an input");
        boolean done = false;
        try {
            DigitalInput in = newInput(bcm, config);
            attach(key, in);
            done = true;
            return in;
        } finally {
            if (!done) {
                release(key);
            }
        }
    }

    /**
     * Opens a serial port.
     *
     * @param port a port name from the board definition ({@code serial0}) or a device path
     *             ({@code /dev/ttyUSB0}); the simulator takes only its port names
     * @throws HalException if the port does not exist, is already open, or the backend fails
     */
    public final SerialPort openSerial(String port, SerialConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("serial port " + port + ": pass a SerialConfig, e.g."
                    + " SerialConfig.baud(115200)");
        }
        String device = spec.serialDevice(port);
        if (device == null) {
            if (port == null || !port.startsWith("/dev/") || !acceptsDevicePaths()) {
                throw new HalException("serial port '" + port + "' does not exist on " + spec.name()
                        + "; use one of " + join(spec.serialPorts())
                        + (acceptsDevicePaths() ? " or a device path such as /dev/ttyUSB0" : ""));
            }
            device = port;
        }
        String key = "serial:" + device;
        claim(key, "serial port " + port + (port.equals(device) ? "" : " (" + device + ")"), "a serial port");
        boolean done = false;
        try {
            SerialPort p = newSerial(port, device, config);
            attach(key, p);
            done = true;
            return p;
        } finally {
            if (!done) {
                release(key);
            }
        }
    }

    /** @return whether {@link #openSerial} takes {@code /dev/...} paths that the definition does not list */
    protected boolean acceptsDevicePaths() {
        return true;
    }

    /** Makes the backend's output; the line is claimed and valid. */
    protected abstract DigitalOutput newOutput(int bcm, OutputConfig config);

    /** Makes the backend's input; the line is claimed and valid. */
    protected abstract DigitalInput newInput(int bcm, InputConfig config);

    /** Opens the backend's serial port; the device is claimed. */
    protected abstract SerialPort newSerial(String name, String device, SerialConfig config);

    /** Called by {@link #close()} after every pin and port is closed: release backend resources. */
    protected abstract void closeBackend();

    /** @return whether GPIO line {@code bcm} is open (as an input or an output) */
    public final synchronized boolean isOpen(int bcm) {
        return open.containsKey("gpio:" + bcm);
    }

    /**
     * @return the output open on GPIO line {@code bcm} (whoever opened it), or null: lets a board
     *         agent read and drive a pin the firmware app owns without a second open
     */
    public final synchronized DigitalOutput openedOutput(int bcm) {
        Claim c = (Claim) open.get(lineKey(bcm));
        return c != null && c.resource instanceof DigitalOutput ? (DigitalOutput) c.resource : null;
    }

    /** @return the input open on GPIO line {@code bcm} (whoever opened it), or null */
    public final synchronized DigitalInput openedInput(int bcm) {
        Claim c = (Claim) open.get(lineKey(bcm));
        return c != null && c.resource instanceof DigitalInput ? (DigitalInput) c.resource : null;
    }

    /**
     * @param port a port name from the definition ({@code serial0}) or a device path
     * @return the serial port open under that name or device (whoever opened it), or null
     */
    public final synchronized SerialPort openedSerial(String port) {
        String device = spec.serialDevice(port);
        Claim c = (Claim) open.get(serialKey(device == null ? port : device));
        return c != null && c.resource instanceof SerialPort ? (SerialPort) c.resource : null;
    }

    /** @return the GPIO lines open now (inputs and outputs), in ascending order */
    public final synchronized int[] openLines() {
        int[] lines = new int[open.size()];
        int n = 0;
        for (Enumeration e = open.keys(); e.hasMoreElements();) {
            String key = (String) e.nextElement();
            if (key.startsWith("gpio:")) {
                int bcm = Integer.parseInt(key.substring(5));
                int i = n++;
                while (i > 0 && lines[i - 1] > bcm) {
                    lines[i] = lines[i - 1];
                    i--;
                }
                lines[i] = bcm;
            }
        }
        int[] result = new int[n];
        System.arraycopy(lines, 0, result, 0, n);
        return result;
    }

    /**
     * Closes every pin and port still open (outputs go to their shutdown level), then the backend.
     * Closing twice does nothing; opening after close throws.
     */
    @Override
    public final void close() {
        Vector toClose = new Vector();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Enumeration e = open.elements(); e.hasMoreElements();) {
                Claim c = (Claim) e.nextElement();
                if (c.resource != null) {
                    toClose.addElement(c.resource);
                }
            }
        }
        RuntimeException first = null;
        for (int i = 0; i < toClose.size(); i++) {
            try {
                ((AutoCloseable) toClose.elementAt(i)).close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            } catch (Exception e) {
                first = first == null ? new HalException(e.getMessage(), e) : first;
            }
        }
        synchronized (this) {
            open.clear();
        }
        closeBackend();
        if (first != null) {
            throw first;
        }
    }

    /** Releases a claim; resources call it from their {@code close()}. */
    protected final void release(String key) {
        synchronized (this) {
            open.remove(key);
        }
    }

    /** @return the claim key of a GPIO line, as passed to {@link #release(String)} */
    protected static String lineKey(int bcm) {
        return "gpio:" + bcm;
    }

    /** @return the claim key of a serial device */
    protected static String serialKey(String device) {
        return "serial:" + device;
    }

    /** @throws HalException if {@code bcm} is not a usable line, naming the lines that are */
    protected final void checkLine(int bcm) {
        if (!spec.isGpioLine(bcm)) {
            int onHeader = spec.bcmForHeaderPin(bcm);
            String hint = onHeader >= 0 && spec.isGpioLine(onHeader)
                    ? " (header pin " + bcm + " is BCM " + onHeader + ": open " + onHeader + ")" : "";
            throw new HalException("pin " + bcm + " is not a GPIO line on " + spec.name() + "; usable BCM lines are "
                    + spec.linesText() + hint);
        }
    }

    private String claimLine(int bcm, String as) {
        checkLine(bcm);
        String key = lineKey(bcm);
        claim(key, "GPIO " + bcm, as);
        return key;
    }

    private synchronized void claim(String key, String what, String as) {
        if (closed) {
            throw new HalException(what + ": board " + spec.id() + " is closed; make a new board to open pins");
        }
        Claim c = (Claim) open.get(key);
        if (c != null) {
            throw new HalException(what + " on " + spec.name() + " is already open as " + c.as + " (opened by thread '"
                    + c.thread + "'); close that one first, or share it");
        }
        open.put(key, new Claim(as, java.lang.Thread.currentThread().getName()));
    }

    /** Records the resource of a claim; if the board was closed meanwhile, closes it and throws. */
    private void attach(String key, AutoCloseable resource) {
        synchronized (this) {
            Claim c = (Claim) open.get(key);
            if (!closed && c != null) {
                c.resource = resource;
                return;
            }
        }
        try {
            resource.close();
        } catch (Exception e) {
            // the board is closing anyway; the exception below says why the open failed
        }
        throw new HalException(key + ": board " + spec.id() + " was closed while it opened; make a new board");
    }

    static String join(String[] a) {
        StringBuffer b = new StringBuffer();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ", ").append(a[i]);
        }
        return b.toString();
    }

    /** Who holds a line or device. Fields guarded by the board's monitor. */
    private static final class Claim {
        final String as;
        final String thread;
        AutoCloseable resource;

        Claim(String as, String thread) {
            this.as = as;
            this.thread = thread;
        }
    }
}
