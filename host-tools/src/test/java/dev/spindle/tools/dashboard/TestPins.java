package dev.spindle.tools.dashboard;

import dev.spindle.agent.BoardIo;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import java.util.Map;
import java.util.TreeMap;

/** A board's pins for tests: outputs that remember their level (what gpio.write reaches). */
final class TestPins implements BoardIo {
    private final Map<String, Integer> levels = new TreeMap<>();

    TestPins(String... outputs) {
        for (String p : outputs) {
            levels.put(p, 0);
        }
    }

    @Override
    public synchronized Map<String, Integer> pinStates() {
        return Map.copyOf(levels);
    }

    synchronized int level(String pin) {
        return levels.getOrDefault(pin, -1);
    }

    @Override
    public synchronized int readPin(String pin) throws ProtocolException {
        Integer v = levels.get(pin);
        if (v == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no pin " + pin);
        }
        return v;
    }

    @Override
    public synchronized void writePin(String pin, int value) throws ProtocolException {
        if (!levels.containsKey(pin)) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no pin " + pin);
        }
        levels.put(pin, value);
    }

    @Override
    public int serialWrite(String port, byte[] data) throws ProtocolException {
        throw new ProtocolException(ErrorCode.NOT_FOUND, "no serial port " + port);
    }
}
