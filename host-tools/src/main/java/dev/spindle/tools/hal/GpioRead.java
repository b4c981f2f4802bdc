package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.tools.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle gpio read PIN}: prints {@code GPIO 17: high} or {@code low}. */
@Command(name = "read", mixinStandardHelpOptions = true, description = "Read a line (opens it as an input).")
final class GpioRead extends HalCommand {
    @Parameters(paramLabel = "PIN", description = "BCM line (17) or header pin (pin11)")
    String pin;

    @Option(names = "--pull", paramLabel = "none|up|down", defaultValue = "none",
            description = "bias resistor while reading (default: ${DEFAULT-VALUE})")
    String pull;

    @Override
    int run() {
        try (Board board = boardOptions.open()) {
            int bcm = GpioCommand.pin(board.spec(), pin);
            try (DigitalInput in = board.openInput(bcm, InputConfig.DEFAULT.pull(Pull.parse(pull)))) {
                out().println("GPIO " + bcm + ": " + (in.read() ? "high" : "low"));
            }
            return ExitCodes.OK;
        }
    }
}
