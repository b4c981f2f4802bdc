package dev.spindle.agent;

import dev.spindle.hal.Board;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import java.util.Map;

/**
 * The agent's port to the board's pins and serial lines. The HAL plugs in here (an adapter from
 * {@code dev.spindle.hal.Board}); the agent knows nothing else about hardware. Implementations
 * are called from the agent's MQTT worker and timer threads and must be thread-safe.
 */
public interface BoardIo {
    /** Levels (0/1) of the pins worth reporting in telemetry, by pin name; empty when none. */
    Map<String, Integer> pinStates();

    /**
     * How each pin of {@link #pinStates()} is open: {@code out} or {@code in}, by pin name (so a
     * dashboard offers to toggle outputs, and to drive inputs only on a simulated board).
     */
    default Map<String, String> pinModes() {
        return Map.of();
    }

    /** @throws ProtocolException {@code not_found} for an unknown pin, {@code unavailable} without a HAL */
    int readPin(String pin) throws ProtocolException;

    /** @throws ProtocolException {@code not_found} for an unknown or input-only pin, {@code unavailable} without a HAL */
    void writePin(String pin, int value) throws ProtocolException;

    /** @return bytes written; @throws ProtocolException {@code not_found} for an unknown port */
    int serialWrite(String port, byte[] data) throws ProtocolException;

    /** @return the board the firmware app gets ({@code FirmwareContext.board()}), or null without a HAL */
    default Board board() {
        return null;
    }

    /** Releases the pins and ports the agent opened, and the board; called once when the agent stops. */
    default void close() {
    }

    /** An agent without a HAL: no pins in telemetry, pin and serial commands answer {@code unavailable}. */
    BoardIo NONE = new BoardIo() {
        private ProtocolException none() {
            return new ProtocolException(ErrorCode.UNAVAILABLE,
                    "this agent runs without a HAL: no pins or serial ports (start it with a board backend)");
        }

        @Override
        public Map<String, Integer> pinStates() {
            return Map.of();
        }

        @Override
        public int readPin(String pin) throws ProtocolException {
            throw none();
        }

        @Override
        public void writePin(String pin, int value) throws ProtocolException {
            throw none();
        }

        @Override
        public int serialWrite(String port, byte[] data) throws ProtocolException {
            throw none();
        }
    };
}
