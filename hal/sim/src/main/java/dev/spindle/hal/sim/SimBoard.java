package dev.spindle.hal.sim;

import dev.spindle.hal.BaseDigitalInput;
import dev.spindle.hal.BaseDigitalOutput;
import dev.spindle.hal.Board;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated board: GPIO lines that can be wired to each other and driven from tests, the CLI or
 * the dashboard, and serial ports that loop back or connect to another simulated port.
 *
 * <pre>
 * SimBoard board = new SimBoard();                 // the "sim" definition: a Pi's 40-pin header
 * board.wire(17, 27);                              // an output on 17 drives the input on 27
 * board.drive(22, true);                           // something outside pulls 22 high
 * board.loopback("serial0");                       // what serial0 sends, it receives
 * board.connect("serial1", other, "serial0");      // a null-modem cable to another simulated board
 * board.pulse(27, 2000, 100, SimBoard.ACTIVE_LOW);   // a button pressed every 2 s for 100 ms (demos)
 * </pre>
 *
 * <h2>The level of a line</h2>
 * The first that applies: an output open on the line drives it; else a level forced with
 * {@link #drive(int, boolean)}; else the line it is wired from ({@link #wire(int, int)}), resolved
 * the same way; else the input's pull (UP high, DOWN low); a floating line reads low. Every change
 * of any of these is recomputed at once for all lines, and open inputs whose level changed get the
 * edge (through their debounce and listener thread).
 *
 * <h2>Concurrency</h2>
 * The wiring, drives, pulls, output levels and open inputs are guarded by {@link #state} (one lock
 * per board). Lock order: an output's monitor, then {@link #state}, then an input's monitor; no code
 * calls user code while holding {@link #state} (listeners run on the inputs' own threads).
 */
public final class SimBoard extends Board {
    /** For {@link #pulse}: the line idles low and pulses high. */
    public static final boolean ACTIVE_HIGH = true;
    /** For {@link #pulse}: the line idles high and pulses low (a button to ground with a pull-up). */
    public static final boolean ACTIVE_LOW = false;

    /** BCM numbers go up to 63 in board files. */
    static final int LINES = 64;

    /** Guards every field below that is not final and not documented otherwise. */
    private final Object state = new Object();
    /** Level of an open output per line, null when no output is open. Guarded by state. */
    private final Boolean[] outputLevel = new Boolean[LINES];
    /** Level forced from outside, null when not driven. Guarded by state. */
    private final Boolean[] driven = new Boolean[LINES];
    /** The line each line is wired from, -1 for none. Guarded by state. */
    private final int[] wiredFrom = new int[LINES];
    /** Pull of an open input per line, null when none. Guarded by state. */
    private final Pull[] pull = new Pull[LINES];
    /** The open input per line. Guarded by state. */
    private final SimInput[] inputs = new SimInput[LINES];
    /** Serial endpoints by port name; the map itself is fixed after construction. */
    private final Map<String, SimSerialLine> serial = new LinkedHashMap<>();
    /** Running scripts. Guarded by state. */
    private final List<SimScript> scripts = new ArrayList<>();

    /** A simulated board from the built-in {@code sim} definition. */
    public SimBoard() {
        this(BoardFiles.builtin("sim"));
    }

    /**
     * A simulated board with another board's lines and serial port names (e.g. to run firmware for
     * a Raspberry Pi 4B on a laptop with the same pin checks).
     */
    public SimBoard(BoardSpec spec) {
        super(spec);
        java.util.Arrays.fill(wiredFrom, -1);
        for (String port : spec.serialPorts()) {
            serial.put(port, new SimSerialLine(port));
        }
    }

    @Override
    public String backend() {
        return "simulator";
    }

    @Override
    protected boolean acceptsDevicePaths() {
        return false;
    }

    // ---------------------------------------------------------------- wiring and driving

    /**
     * Wires line {@code from} to line {@code to}: {@code to} follows {@code from}'s level (unless an
     * output is open on {@code to} or it is driven). A line has one source; wiring it again replaces it.
     *
     * @throws HalException for a line that is not on this board or a wire that would close a loop
     */
    public void wire(int from, int to) {
        checkLine(from);
        checkLine(to);
        update(() -> {
            for (int l = from; l >= 0; l = wiredFrom[l]) {
                if (l == to) {
                    throw new HalException("wiring GPIO " + from + " to GPIO " + to + " would close a loop (" + to
                            + " already drives " + from + "); unwire one of them first");
                }
            }
            wiredFrom[to] = from;
        });
    }

    /** Removes the wire into line {@code to}, if any. */
    public void unwire(int to) {
        checkLine(to);
        update(() -> wiredFrom[to] = -1);
    }

    /** Forces line {@code bcm} to a level, as a button or a sensor outside the board would. */
    public void drive(int bcm, boolean high) {
        checkLine(bcm);
        update(() -> driven[bcm] = high);
    }

    /** Stops forcing line {@code bcm}: it falls back to its wire or pull. */
    public void undrive(int bcm) {
        checkLine(bcm);
        update(() -> driven[bcm] = null);
    }

    /** @return the level of any line now (see the class comment for how it is found) */
    public boolean level(int bcm) {
        checkLine(bcm);
        synchronized (state) {
            return resolve(bcm);
        }
    }

    /** @return a description of what sets the line: {@code output}, {@code driven}, {@code wired from 17}, {@code pull up}, {@code floating} */
    public String source(int bcm) {
        checkLine(bcm);
        synchronized (state) {
            if (outputLevel[bcm] != null) {
                return "output";
            }
            if (driven[bcm] != null) {
                return "driven";
            }
            if (wiredFrom[bcm] >= 0) {
                return "wired from " + wiredFrom[bcm];
            }
            if (pull[bcm] != null && pull[bcm] != Pull.NONE) {
                return "pull " + pull[bcm];
            }
            return "floating";
        }
    }

    /**
     * Starts a script that pulses line {@code bcm}: every {@code periodMs} it goes to the active level
     * for {@code widthMs}, then back (a button to ground pressed every 2 s:
     * {@code pulse(27, 2000, 100, ACTIVE_LOW)}). Runs on a Spindle thread until closed or the board closes.
     *
     * @param activeHigh {@link #ACTIVE_HIGH} pulses high from low, {@link #ACTIVE_LOW} low from high
     */
    public SimScript pulse(int bcm, long periodMs, long widthMs, boolean activeHigh) {
        checkLine(bcm);
        if (periodMs <= 0 || widthMs <= 0 || widthMs >= periodMs) {
            throw new IllegalArgumentException("pulse on GPIO " + bcm + ": period " + periodMs + " ms and width "
                    + widthMs + " ms; both must be positive and the width shorter than the period");
        }
        SimScript s = new SimScript(this, bcm, periodMs, widthMs, activeHigh);
        synchronized (state) {
            scripts.add(s);
        }
        s.start();
        return s;
    }

    void scriptEnded(SimScript s) {
        synchronized (state) {
            scripts.remove(s);
        }
    }

    // ---------------------------------------------------------------- serial wiring

    /** Makes {@code port} receive what it sends. */
    public void loopback(String port) {
        SimSerialLine.connect(line(port), line(port));
    }

    /** Connects {@code port} to {@code otherPort} of {@code other} (may be this board), TX to RX both ways. */
    public void connect(String port, SimBoard other, String otherPort) {
        SimSerialLine.connect(line(port), other.line(otherPort));
    }

    /** Disconnects {@code port} (and its peer): what it sends is lost, as with no cable. */
    public void disconnect(String port) {
        SimSerialLine.disconnect(line(port));
    }

    /** Delivers bytes to {@code port} as if they arrived on its RX line (dropped while it is not open). */
    public void inject(String port, byte[] data) {
        line(port).receive(data, 0, data.length);
    }

    /** @return the bytes dropped because {@code port}'s receive buffer was full (a UART overrun) */
    public long overruns(String port) {
        return line(port).overruns();
    }

    SimSerialLine line(String port) {
        SimSerialLine l = serial.get(port);
        if (l == null) {
            throw new HalException("serial port '" + port + "' does not exist on " + name() + "; use one of "
                    + String.join(", ", serial.keySet()));
        }
        return l;
    }

    // ---------------------------------------------------------------- Board

    @Override
    protected DigitalOutput newOutput(int bcm, OutputConfig config) {
        return new SimOutput(bcm, config);
    }

    @Override
    protected DigitalInput newInput(int bcm, InputConfig config) {
        return new SimInput(bcm, config);
    }

    @Override
    protected SerialPort newSerial(String name, String device, SerialConfig config) {
        return new SimSerialPort(this, line(name), name, device, config);
    }

    @Override
    protected void closeBackend() {
        List<SimScript> running;
        synchronized (state) {
            running = new ArrayList<>(scripts);
        }
        for (SimScript s : running) {
            s.close();
        }
    }

    /** Applies a change under {@link #state} and reports the inputs whose level moved. */
    private void update(Runnable change) {
        synchronized (state) {
            Map<SimInput, Boolean> before = new HashMap<>();
            for (SimInput in : inputs) {
                if (in != null) {
                    before.put(in, resolve(in.pin()));
                }
            }
            change.run();
            for (Map.Entry<SimInput, Boolean> e : before.entrySet()) {
                boolean now = resolve(e.getKey().pin());
                if (now != e.getValue()) {
                    e.getKey().changed(now);
                }
            }
        }
    }

    /** Level of a line; caller holds {@link #state}. Loops are refused by {@link #wire}. */
    private boolean resolve(int bcm) {
        if (outputLevel[bcm] != null) {
            return outputLevel[bcm];
        }
        if (driven[bcm] != null) {
            return driven[bcm];
        }
        if (wiredFrom[bcm] >= 0) {
            return resolve(wiredFrom[bcm]);
        }
        return pull[bcm] == Pull.UP;
    }

    private final class SimOutput extends BaseDigitalOutput {
        SimOutput(int bcm, OutputConfig config) {
            super(SimBoard.this, bcm, config);
            update(() -> outputLevel[bcm] = config.isInitialHigh());
        }

        @Override
        protected void apply(boolean level) {
            update(() -> outputLevel[pin()] = level);
        }

        @Override
        protected void releaseLine() {
            update(() -> outputLevel[pin()] = null);
        }
    }

    private final class SimInput extends BaseDigitalInput {
        SimInput(int bcm, InputConfig config) {
            super(SimBoard.this, bcm, config);
            synchronized (state) {
                update(() -> pull[bcm] = config.getPull());
                inputs[bcm] = this;
                primeLevel(resolve(bcm));
            }
        }

        /** Called under {@link #state}: takes only this input's monitor (see the lock order). */
        void changed(boolean level) {
            levelChanged(level);
        }

        @Override
        protected boolean readLine() {
            synchronized (state) {
                return resolve(pin());
            }
        }

        @Override
        protected void releaseLine() {
            synchronized (state) {
                inputs[pin()] = null;
                update(() -> pull[pin()] = null);
            }
        }
    }
}
