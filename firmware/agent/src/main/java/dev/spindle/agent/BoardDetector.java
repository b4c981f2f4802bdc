package dev.spindle.agent;

import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.HalException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Picks the board definition ({@code board.type}) from the board itself: the kernel names the
 * board in {@code /proc/device-tree/model} ({@code Raspberry Pi 4 Model B Rev 1.4} and a NUL),
 * and each board file's {@code detect.model} says which names it covers
 * ({@link BoardSpec#matchesModel}).
 * <ul>
 * <li>{@code board.type} not set: the matching built-in board; no model file (not a Raspberry
 *     Pi): no HAL ({@code unknown}); a model that no board matches: refused;</li>
 * <li>{@code board.type} set to a board with {@code detect.model}: refused when the model file
 *     exists and names another board (a card moved to another Pi, a copied config);</li>
 * <li>{@code sim}, {@code none}, {@code unknown} and board files without {@code detect.model}
 *     are taken as they are.</li>
 * </ul>
 */
final class BoardDetector {
    /** The kernel's board name. */
    static final Path MODEL_FILE = Path.of("/proc/device-tree/model");

    /**
     * @param type   the board type to use ({@code unknown}: no HAL)
     * @param origin how it was chosen, for the agent's first log line
     */
    record Result(String type, String origin) {
    }

    private BoardDetector() {
    }

    /**
     * @param source     the config file, for messages
     * @param configured {@code board.type} as written, or null/blank when not set
     * @param modelFile  {@code /proc/device-tree/model} ({@code board.model.file} overrides it)
     * @throws AgentConfig.Invalid on a mismatch or an unknown board: what was found, what is configured, the fix
     */
    static Result resolve(String source, String configured, Path modelFile) throws AgentConfig.Invalid {
        String model = readModel(modelFile);
        if (configured == null || configured.isBlank()) {
            if (model == null) {
                return new Result("unknown", "board.type not set and no " + modelFile
                        + " (not a Raspberry Pi): running without GPIO and serial");
            }
            BoardSpec found = BoardFiles.detect(model);
            if (found == null) {
                throw new AgentConfig.Invalid(source + ": board.type is not set and this board's model '" + model
                        + "' (from " + modelFile + ") matches no built-in board definition (" + BoardFiles.detectList()
                        + "). Fix: set board.type to a board file written for this board (docs/hal.md; its detect.model="
                        + model + "), or board.type=none to run without GPIO and serial.");
            }
            return new Result(found.id(), "detected from " + modelFile + ": '" + model + "'");
        }
        String type = configured.trim();
        if (type.equals("unknown") || type.equals("none") || type.equals("sim")) {
            return new Result(type, "board.type=" + type);
        }
        BoardSpec spec = spec(type);
        if (spec == null || spec.detectModel() == null) {
            return new Result(type, "board.type=" + type);
        }
        if (model == null) {
            return new Result(type, "board.type=" + type + " (not checked: no " + modelFile + ")");
        }
        if (spec.matchesModel(model)) {
            return new Result(type, "board.type=" + type + ", matches " + modelFile + ": '" + model + "'");
        }
        BoardSpec found = BoardFiles.detect(model);
        throw new AgentConfig.Invalid(source + ": board.type=" + type + " (" + spec.name() + ", model '"
                + spec.detectModel() + "') does not match this board: " + modelFile + " says '" + model + "'"
                + (found == null
                        ? ", which matches no built-in board. Fix: set board.type to a board file whose detect.model"
                                + " matches it (docs/hal.md), or board.type=none to run without GPIO and serial."
                        : ", which is " + found.id() + " (" + found.name() + "). Fix: set board.type=" + found.id()
                                + ", or remove board.type so that the agent detects the board."));
    }

    /** @return the model text without its NUL, or null when there is no such file or it is empty */
    static String readModel(Path modelFile) {
        try {
            String m = BoardSpec.cleanModel(new String(Files.readAllBytes(modelFile), StandardCharsets.UTF_8));
            return m.isEmpty() ? null : m;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // unreadable: treated as absent; HalBoardIo reports real hardware problems
        }
    }

    /** @return the definition {@code type} names, or null when it cannot be read (HalBoardIo.open reports that) */
    private static BoardSpec spec(String type) {
        try {
            if (type.endsWith(".properties")) {
                Path file = Path.of(type);
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    return BoardFiles.parse(file.toString(), r);
                }
            }
            return BoardFiles.builtin(type);
        } catch (IOException | HalException e) {
            return null;
        }
    }
}
