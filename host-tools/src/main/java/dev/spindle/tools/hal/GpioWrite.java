package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Shutdown;
import dev.spindle.tools.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle gpio write PIN high|low}: drives the line and leaves it at that level on exit
 * (shutdown KEEP) as far as the kernel keeps a released line; {@code --hold-ms} keeps it driven.
 */
@Command(name = "write", mixinStandardHelpOptions = true, description = "Drive a line high or low.")
final class GpioWrite extends HalCommand {
    @Parameters(index = "0", paramLabel = "PIN", description = "BCM line (17) or header pin (pin11)")
    String pin;

    @Parameters(index = "1", paramLabel = "LEVEL", description = "high or low (1/0, on/off)")
    String level;

    @Option(names = "--hold-ms", paramLabel = "MS", defaultValue = "0",
            description = "keep driving the line this long before exiting (default: ${DEFAULT-VALUE})")
    long holdMs;

    @Override
    int run() {
        boolean high = GpioCommand.level(level);
        try (Board board = boardOptions.open()) {
            int bcm = GpioCommand.pin(board.spec(), pin);
            try (DigitalOutput o = board.openOutput(bcm,
                    OutputConfig.DEFAULT.initialHigh(high).shutdown(Shutdown.KEEP))) {
                out().println("GPIO " + bcm + ": " + (o.isHigh() ? "high" : "low"));
                out().flush();
                GpioWatch.sleep(holdMs);
            }
            return ExitCodes.OK;
        }
    }
}
