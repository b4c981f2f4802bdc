package dev.spindle.hal.pi4j;

/**
 * Keeps Pi4J's start-up chatter (board detection, OS and JVM facts, plugin loading, logged at INFO
 * by {@code com.pi4j.boardinfo.util.BoardInfoHelper} and the context) out of the firmware's log.
 *
 * <p>Pi4J logs through SLF4J, so the level belongs to whichever binding the application ships. For
 * SLF4J's simple binding (the host tools' and tests' choice) this sets
 * {@code org.slf4j.simpleLogger.log.com.pi4j=warn} and {@code ...com.pi4j.boardinfo=off} unless the
 * user already set them. Pi4J's board-info reader logs ERRORs on every machine that is not a
 * Raspberry Pi (no {@code /proc/device-tree/model}, no CPU revision) and only informs Pi4J itself:
 * Spindle knows the board from its own definition. It must run before the first Pi4J class logs,
 * so {@link Pi4jBoard} calls it in its static initialiser. Other bindings: set the {@code com.pi4j}
 * logger to WARN and {@code com.pi4j.boardinfo} to OFF in their configuration (docs/hal.md).
 */
final class Pi4jLogging {
    static final String SIMPLE_LOGGER_KEY = "org.slf4j.simpleLogger.log.com.pi4j";
    static final String BOARD_INFO_KEY = "org.slf4j.simpleLogger.log.com.pi4j.boardinfo";

    private Pi4jLogging() {
    }

    static void quiet() {
        if (System.getProperty(SIMPLE_LOGGER_KEY) == null) {
            System.setProperty(SIMPLE_LOGGER_KEY, "warn");
        }
        if (System.getProperty(BOARD_INFO_KEY) == null) {
            System.setProperty(BOARD_INFO_KEY, "off");
        }
    }
}
