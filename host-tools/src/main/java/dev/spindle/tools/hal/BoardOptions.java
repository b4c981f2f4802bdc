package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.HalException;
import dev.spindle.hal.pi4j.Pi4jBoard;
import dev.spindle.hal.sim.SimBoard;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that pick and prepare the local board, shared by {@code spindle gpio} and
 * {@code spindle serial} (a picocli mixin).
 *
 * <p>{@code --board}: a built-in id ({@code rpi4b}) or a {@code .properties} file; by default the
 * board whose {@code detect.model} starts {@code /proc/device-tree/model}, else {@code sim}.
 * Any other value names a board of the fleet: {@code gpio read}, {@code gpio write} and
 * {@code serial write} then go to that board over MQTT ({@link #isRemote()}); {@code --remote}
 * forces that for a board whose id is also a built-in id.
 * {@code --backend}: {@code auto} (the simulator for {@code sim}, Pi4J otherwise), {@code sim}
 * (simulate any board's pins), {@code pi4j} (for {@code sim}: Pi4J's mock platform).
 * The {@code --sim-*} options prepare a simulated board for a demo or a script.
 */
public final class BoardOptions {
    /** Where the running board says what it is (tests replace it). */
    static Path modelFile = Path.of("/proc/device-tree/model");

    @Option(names = "--board", paramLabel = "ID|FILE",
            description = "board id (${COMPLETION-CANDIDATES}) or a board file; default: detected, else sim",
            completionCandidates = BuiltinIds.class)
    String board;

    @Option(names = "--remote",
            description = "--board names a board of the fleet, reached over MQTT (implied when it is no board definition)")
    boolean remote;

    @Option(names = "--backend", paramLabel = "auto|sim|pi4j", defaultValue = "auto",
            description = "auto (sim for the sim board, Pi4J otherwise), sim, or pi4j (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--sim-wire", paramLabel = "FROM:TO", description = "simulator: wire line FROM to line TO")
    List<String> wires = new ArrayList<>();

    @Option(names = "--sim-drive", paramLabel = "PIN=high|low", description = "simulator: force a line's level")
    List<String> drives = new ArrayList<>();

    @Option(names = "--sim-button", paramLabel = "PIN:PERIOD_MS",
            description = "simulator: a button to ground pressed for 100 ms every PERIOD_MS (the line idles high)")
    List<String> buttons = new ArrayList<>();

    @Option(names = "--sim-loopback", paramLabel = "PORT", description = "simulator: PORT receives what it sends")
    List<String> loopbacks = new ArrayList<>();

    /** Names the built-in boards for the help text. */
    static final class BuiltinIds extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        BuiltinIds() {
            super(List.of(BoardFiles.BUILTIN_IDS));
        }
    }

    /** @return whether {@code --board} names a board of the fleet rather than a board definition */
    boolean isRemote() {
        return board != null && (remote || !board.endsWith(".properties") && !List.of(BoardFiles.BUILTIN_IDS).contains(board));
    }

    /** @return the fleet board id of the remote form; throws without {@code --board} */
    String remoteBoard() {
        if (board == null) {
            throw new HalException("--remote needs --board BOARD_ID (a board of the fleet)");
        }
        return board;
    }

    /** @return the definition chosen by {@code --board} or detection */
    BoardSpec spec() {
        if (board == null) {
            return BoardFiles.builtin(detect());
        }
        if (isRemote()) {
            String hint = "; to reach board '" + board + "' of the fleet over MQTT, use gpio read, gpio write or serial write"
                    + " with --board " + board + " --broker tcp://HOST:PORT";
            if (remote) {
                throw new HalException("this command works on the local board only" + hint);
            }
            try {
                return BoardFiles.builtin(board);
            } catch (HalException e) {
                throw new HalException(e.getMessage() + hint);
            }
        }
        if (board.endsWith(".properties")) {
            Path file = Path.of(board);
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return BoardFiles.parse(file.toString(), r);
            } catch (IOException e) {
                throw new HalException("cannot read board file " + file + ": " + e.getMessage()
                        + "; give a readable .properties file or a built-in id (" + BoardFiles.builtinList() + ")");
            }
        }
        return BoardFiles.builtin(board);
    }

    /** @return the built-in id whose {@code detect.model} matches this machine, else {@code sim} */
    static String detect() {
        try {
            BoardSpec found = BoardFiles.detect(new String(Files.readAllBytes(modelFile), StandardCharsets.UTF_8));
            return found == null ? "sim" : found.id();
        } catch (IOException e) {
            return "sim";
        }
    }

    /** Opens the board and applies the {@code --sim-*} options. */
    Board open() {
        BoardSpec spec = spec();
        boolean sim = switch (backend.toLowerCase()) {
            case "auto" -> spec.id().equals("sim");
            case "sim" -> true;
            case "pi4j" -> false;
            default -> throw new HalException("--backend " + backend + " is not a backend; use auto, sim or pi4j");
        };
        boolean wantsSim = !(wires.isEmpty() && drives.isEmpty() && buttons.isEmpty() && loopbacks.isEmpty());
        if (!sim) {
            if (wantsSim) {
                throw new HalException("--sim-* options need the simulator: add --backend sim or --board sim");
            }
            return Pi4jBoard.open(spec);
        }
        SimBoard b = new SimBoard(spec);
        try {
            for (String w : wires) {
                String[] p = split(w, ":", "--sim-wire", "FROM:TO, e.g. 17:27");
                b.wire(number(p[0], "--sim-wire"), number(p[1], "--sim-wire"));
            }
            for (String d : drives) {
                String[] p = split(d, "=", "--sim-drive", "PIN=high|low, e.g. 27=low");
                b.drive(number(p[0], "--sim-drive"), GpioCommand.level(p[1]));
            }
            for (String s : buttons) {
                String[] p = split(s, ":", "--sim-button", "PIN:PERIOD_MS, e.g. 27:2000");
                long period = number(p[1], "--sim-button");
                b.pulse(number(p[0], "--sim-button"), period, Math.min(100, period / 2), SimBoard.ACTIVE_LOW);
            }
            for (String l : loopbacks) {
                b.loopback(l);
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private static String[] split(String text, String sep, String option, String form) {
        String[] p = text.split(sep, 2);
        if (p.length != 2) {
            throw new HalException(option + " " + text + ": use " + form);
        }
        return p;
    }

    private static int number(String text, String option) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new HalException(option + ": '" + text + "' is not a number");
        }
    }
}
