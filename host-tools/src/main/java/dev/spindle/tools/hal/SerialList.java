package dev.spindle.tools.hal;

import com.fazecast.jSerialComm.SerialPort;
import dev.spindle.hal.Board;
import dev.spindle.hal.sim.SimBoard;
import dev.spindle.tools.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Command;

/**
 * {@code spindle serial list}: the board definition's ports (name, device, whether it exists here),
 * then, on real hardware, the other serial devices jSerialComm finds (USB adapters).
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the serial ports.")
final class SerialList extends HalCommand {
    @Override
    int run() {
        try (Board board = boardOptions.open()) {
            boolean sim = board instanceof SimBoard;
            out().printf("%-10s %-16s %s%n", "PORT", "DEVICE", "STATE");
            Set<String> listed = new HashSet<>();
            for (String name : board.serialPorts()) {
                String dev = board.spec().serialDevice(name);
                listed.add(dev);
                String state = sim ? "simulated"
                        : Files.exists(Path.of(dev)) ? "present" : "missing (enable the UART: docs/hal.md)";
                out().printf("%-10s %-16s %s%n", name, dev, state);
            }
            if (!sim) {
                for (SerialPort p : SerialPort.getCommPorts()) {
                    String dev = p.getSystemPortPath();
                    if (!listed.contains(dev)) {
                        out().printf("%-10s %-16s %s%n", "-", dev, "present (" + p.getDescriptivePortName() + ")");
                    }
                }
            }
            return ExitCodes.OK;
        }
    }
}
