package dev.spindle.agent;

import dev.spindle.hal.Board;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.Shutdown;
import dev.spindle.hal.pi4j.Pi4jBoard;
import dev.spindle.hal.sim.SimBoard;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link BoardIo} over a HAL {@link Board}: the pins and serial ports behind {@code gpio.read},
 * {@code gpio.write}, {@code serial.write} and the {@code pins} of telemetry. The firmware app gets
 * the same board ({@link #board()}); pins and ports are shared with it, never opened twice:
 * <ul>
 * <li>{@code pins} in telemetry: every GPIO line open now (by the app or the agent), as
 *     {@code GPIO17}: an output's level last written, an input's level read now;</li>
 * <li>{@code gpio.read}: an open line's level; on the simulator any line's level; on real boards a
 *     free line is opened as an input for the read and closed again;</li>
 * <li>{@code gpio.write}: an open output (the app's too) is driven; on the simulator an open input
 *     is driven from outside, as a button or sensor would (write 0 presses a button wired to
 *     ground); a free line is opened as an output the agent keeps (the app cannot open it until
 *     the agent stops); on a real board an input the app holds cannot be written;</li>
 * <li>{@code serial.write}: written on the port the app holds open, else on a port the agent
 *     opens (115200 8N1) and keeps; what arrives on an agent-held port goes to the log, a line at
 *     a time ({@code serial0 received: …}).</li>
 * </ul>
 *
 * <p>Concurrency: called from the agent's command worker and timer threads. The HAL objects are
 * thread-safe; {@link #ownPorts}, {@link #buttons} and {@link #closed} are guarded by this object's monitor, and
 * the board's own claims decide who holds a line (so an app and the agent racing to open one line
 * get a clear {@code HalException} rather than two owners).
 */
public final class HalBoardIo implements BoardIo {
    /** The {@code sim.*} keys of the agent config. */
    static final List<String> SIM_KEYS = List.of("sim.button", "sim.wire", "sim.loopback", "sim.connect");

    private final Board board;
    private final SimBoard sim; // the same board when simulated, else null
    private final LogRing log;
    private final Map<String, SerialPort> ownPorts = new LinkedHashMap<>(); // guarded by this
    private final List<Button> buttons = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    public HalBoardIo(Board board, LogRing log) {
        this.board = board;
        this.sim = board instanceof SimBoard s ? s : null;
        this.log = log;
    }

    /**
     * A scripted button on a simulated line (idles high, pressed low for {@code widthMs} every
     * {@code periodMs}), on a plain JVM daemon thread: Spindle threads belong to the app, and
     * the app's restart waits for all of them to end. {@link #stopped} is guarded by this.
     */
    private static final class Button implements Runnable {
        private final SimBoard board;
        private final int bcm;
        private final long periodMs;
        private final long widthMs;
        private final java.lang.Thread thread;
        private boolean stopped;

        Button(SimBoard board, int bcm, long periodMs) {
            if (periodMs < 2) {
                throw new HalException("sim.button on GPIO " + bcm + ": the period must be at least 2 ms");
            }
            board.level(bcm); // checks the line
            this.board = board;
            this.bcm = bcm;
            this.periodMs = periodMs;
            this.widthMs = Math.min(100, periodMs / 2);
            this.thread = new java.lang.Thread(this, "agent-sim-button-" + bcm);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                board.drive(bcm, true);
                while (pause(periodMs - widthMs)) {
                    board.drive(bcm, false);
                    boolean more = pause(widthMs);
                    board.drive(bcm, true);
                    if (!more) {
                        break;
                    }
                }
            } catch (HalException e) {
                // the board closed under the script
            }
        }

        private synchronized boolean pause(long ms) {
            long end = System.currentTimeMillis() + ms;
            for (long left = ms; !stopped && left > 0; left = end - System.currentTimeMillis()) {
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    stopped = true;
                }
            }
            return !stopped;
        }

        void close() {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The board the config names: none for {@code board.type} {@code unknown} or {@code none};
     * the simulator for {@code sim}, prepared by the {@code sim.*} keys; Pi4J for every other
     * built-in id or board file ({@code .properties}).
     *
     * @throws AgentConfig.Invalid naming the key and the fix
     */
    public static BoardIo open(AgentConfig cfg, LogRing log) throws AgentConfig.Invalid {
        String type = cfg.boardType();
        if (type.equals("unknown") || type.equals("none")) {
            if (!cfg.simSetup().isEmpty()) {
                throw new AgentConfig.Invalid("sim.* keys need board.type=sim (board.type is " + type + ")");
            }
            return BoardIo.NONE;
        }
        BoardSpec spec;
        try {
            spec = type.endsWith(".properties") ? parse(Path.of(type)) : BoardFiles.builtin(type);
        } catch (HalException e) {
            throw new AgentConfig.Invalid("board.type=" + type + ": " + e.getMessage());
        }
        if (!spec.id().equals("sim")) {
            if (!cfg.simSetup().isEmpty()) {
                throw new AgentConfig.Invalid("sim.* keys need board.type=sim; remove them for a real board (" + type + ")");
            }
            try {
                return new HalBoardIo(Pi4jBoard.open(spec), log);
            } catch (RuntimeException | LinkageError e) {
                throw new AgentConfig.Invalid("board.type=" + type + ": cannot open the board through Pi4J: "
                        + e.getMessage() + " (on a machine without GPIO use board.type=sim)");
            }
        }
        SimBoard b = new SimBoard(spec);
        HalBoardIo io = new HalBoardIo(b, log);
        try {
            io.setUpSim(cfg.simSetup());
        } catch (RuntimeException e) {
            io.close();
            throw new AgentConfig.Invalid(e.getMessage());
        }
        return io;
    }

    private static BoardSpec parse(Path file) throws AgentConfig.Invalid {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return BoardFiles.parse(file.toString(), r);
        } catch (IOException e) {
            throw new AgentConfig.Invalid("board.type=" + file + ": cannot read the board file (" + e.getMessage()
                    + "); give a readable file or a built-in id (" + BoardFiles.builtinList() + ")");
        }
    }

    /**
     * Applies {@code sim.button} (a button to ground, PIN:PERIOD_MS, pressed for 100 ms each
     * period), {@code sim.wire}, {@code sim.loopback}, {@code sim.connect}; each a comma-separated list.
     */
    void setUpSim(Map<String, String> keys) {
        SimBoard b = sim;
        if (b == null) {
            throw new HalException("sim.* keys need a simulated board (board.type=sim)");
        }
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String key = e.getKey();
            if (!SIM_KEYS.contains(key)) {
                throw new HalException(key + " is not a simulator key; use " + String.join(", ", SIM_KEYS) + " (docs/agent.md)");
            }
            for (String item : e.getValue().split(",")) {
                String v = item.trim();
                if (v.isEmpty()) {
                    continue;
                }
                switch (key) {
                    case "sim.button" -> {
                        String[] p = pair(key, v, "PIN:PERIOD_MS, e.g. 27:20000");
                        Button button = new Button(b, (int) number(key, p[0]), number(key, p[1]));
                        synchronized (this) {
                            buttons.add(button);
                        }
                        button.thread.start();
                    }
                    case "sim.wire" -> {
                        String[] p = pair(key, v, "FROM:TO, e.g. 17:22");
                        b.wire((int) number(key, p[0]), (int) number(key, p[1]));
                    }
                    case "sim.loopback" -> b.loopback(v);
                    case "sim.connect" -> {
                        String[] p = pair(key, v, "PORT:PORT, e.g. serial0:serial1");
                        b.connect(p[0].trim(), b, p[1].trim());
                    }
                    default -> throw new IllegalStateException(key);
                }
            }
        }
    }

    private static String[] pair(String key, String v, String form) {
        String[] p = v.split(":", 2);
        if (p.length != 2) {
            throw new HalException(key + "=" + v + " is not valid: use " + form);
        }
        return p;
    }

    private static long number(String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new HalException(key + ": '" + v.trim() + "' is not a number");
        }
    }

    @Override
    public Board board() {
        return board;
    }

    @Override
    public Map<String, Integer> pinStates() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int bcm : board.openLines()) {
            try {
                Boolean level = openLevel(bcm);
                if (level != null) {
                    m.put("GPIO" + bcm, level ? 1 : 0);
                }
            } catch (HalException e) {
                // closed between the listing and the read: not open any more, not reported
            }
        }
        return m;
    }

    @Override
    public Map<String, String> pinModes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int bcm : board.openLines()) {
            if (board.openedOutput(bcm) != null) {
                m.put("GPIO" + bcm, "out");
            } else if (board.openedInput(bcm) != null) {
                m.put("GPIO" + bcm, "in");
            }
        }
        return m;
    }

    /** @return the level of an open line, null when it is not open */
    private Boolean openLevel(int bcm) {
        DigitalOutput out = board.openedOutput(bcm);
        if (out != null) {
            return out.isHigh();
        }
        DigitalInput in = board.openedInput(bcm);
        return in == null ? null : in.read();
    }

    /** @return the BCM line of {@code 17}, {@code gpio17} or {@code GPIO17} on this board */
    private int line(String pin) throws ProtocolException {
        String t = pin.trim().toLowerCase();
        int bcm;
        try {
            bcm = Integer.parseInt(t.startsWith("gpio") ? t.substring(4) : t);
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + pin + "' is not a pin: give a BCM line, 17 or GPIO17");
        }
        if (!board.spec().isGpioLine(bcm)) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "GPIO " + bcm + " is not a GPIO line on " + board.name()
                    + "; usable BCM lines are " + board.spec().linesText());
        }
        return bcm;
    }

    @Override
    public int readPin(String pin) throws ProtocolException {
        int bcm = line(pin);
        try {
            Boolean level = openLevel(bcm);
            if (level != null) {
                return level ? 1 : 0;
            }
            if (sim != null) {
                return sim.level(bcm) ? 1 : 0;
            }
            try (DigitalInput in = board.openInput(bcm, InputConfig.DEFAULT)) {
                return in.read() ? 1 : 0;
            }
        } catch (HalException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "GPIO " + bcm + ": " + e.getMessage());
        }
    }

    @Override
    public void writePin(String pin, int value) throws ProtocolException {
        int bcm = line(pin);
        boolean high = value != 0;
        try {
            DigitalOutput out = board.openedOutput(bcm);
            if (out != null) {
                out.write(high);
                return;
            }
            if (board.openedInput(bcm) != null) {
                if (sim == null) {
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "GPIO " + bcm + " is an input of the firmware app"
                            + " on " + board.name() + "; it cannot be driven from the board (wire a signal to it)");
                }
                sim.drive(bcm, high); // from outside the board: a button or a sensor
                return;
            }
            synchronized (this) {
                if (closed) {
                    throw new ProtocolException(ErrorCode.UNAVAILABLE, "the agent is stopping; try again after it restarts");
                }
                // kept open: the agent owns it until it stops (board.close() then applies Shutdown.KEEP)
                board.openOutput(bcm, OutputConfig.DEFAULT.initialHigh(high).shutdown(Shutdown.KEEP));
            }
            log.log("info", "GPIO " + bcm + " opened as an output by gpio.write (" + (high ? "high" : "low") + ")");
        } catch (HalException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "GPIO " + bcm + ": " + e.getMessage());
        }
    }

    @Override
    public int serialWrite(String port, byte[] data) throws ProtocolException {
        if (!List.of(board.serialPorts()).contains(port) && board.openedSerial(port) == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "serial port '" + port + "' does not exist on " + board.name()
                    + "; use one of " + String.join(", ", board.serialPorts()));
        }
        try {
            SerialPort p = board.openedSerial(port);
            if (p == null) {
                p = openOwn(port);
            }
            p.write(data);
            return data.length;
        } catch (HalException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "serial port " + port + ": " + e.getMessage());
        }
    }

    private SerialPort openOwn(String port) throws ProtocolException {
        SerialPort p;
        synchronized (this) {
            if (closed) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, "the agent is stopping; try again after it restarts");
            }
            p = ownPorts.get(port);
            if (p != null) {
                return p;
            }
            p = board.openSerial(port, SerialConfig.baud(115200));
            ownPorts.put(port, p);
        }
        java.lang.Thread reader = new java.lang.Thread(new Receiver(p), "agent-serial-" + port);
        reader.setDaemon(true);
        reader.start();
        log.log("info", "serial port " + port + " opened by serial.write (115200 8N1); what it receives goes to this log");
        return p;
    }

    /** Logs what arrives on a port the agent holds, a line at a time, until the port closes. */
    private final class Receiver implements Runnable {
        private final SerialPort port;

        Receiver(SerialPort port) {
            this.port = port;
        }

        @Override
        public void run() {
            byte[] buf = new byte[1024];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(); // confined to this thread
            try {
                while (port.isOpen()) {
                    int n = port.read(buf, 200);
                    if (n <= 0) {
                        flush(line); // a partial line after 200 ms of quiet
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            flush(line);
                        } else if (buf[i] != '\r') {
                            line.write(buf[i]);
                        }
                    }
                }
            } catch (HalException e) {
                // closed while reading: the agent is stopping
            }
            flush(line);
        }

        private void flush(java.io.ByteArrayOutputStream line) {
            if (line.size() > 0) {
                log.log("info", port.name() + " received: " + line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        }
    }

    @Override
    public void close() {
        List<SerialPort> ports;
        List<Button> scripts;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ports = new ArrayList<>(ownPorts.values());
            ownPorts.clear();
            scripts = new ArrayList<>(buttons);
            buttons.clear();
        }
        for (Button b : scripts) {
            b.close();
        }
        for (SerialPort p : ports) {
            p.close();
        }
        board.close();
    }
}
