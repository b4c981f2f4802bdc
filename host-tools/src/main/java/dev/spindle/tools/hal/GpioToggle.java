package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Shutdown;
import dev.spindle.tools.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle gpio toggle PIN}: reads the line, then drives the other level (shutdown KEEP) and
 * prints {@code GPIO 17: low -> high}. A separate process cannot see another one's output object,
 * so the level is read from the line itself first.
 */
@Command(name = "toggle", mixinStandardHelpOptions = true, description = "Drive a line to the other level.")
final class GpioToggle extends HalCommand {
    @Parameters(paramLabel = "PIN", description = "BCM line (17) or header pin (pin11)")
    String pin;

    @Override
    int run() {
        try (Board board = boardOptions.open()) {
            int bcm = GpioCommand.pin(board.spec(), pin);
            boolean was;
            try (DigitalInput in = board.openInput(bcm, InputConfig.DEFAULT)) {
                was = in.read();
            }
            try (DigitalOutput o = board.openOutput(bcm,
                    OutputConfig.DEFAULT.initialHigh(!was).shutdown(Shutdown.KEEP))) {
                out().println("GPIO " + bcm + ": " + (was ? "high" : "low") + " -> " + (o.isHigh() ? "high" : "low"));
            }
            return ExitCodes.OK;
        }
    }
}
