package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Shutdown;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.tools.BrokerOptions;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.ToolException;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle gpio write PIN high|low}: drives the line and leaves it at that level on exit
 * (shutdown KEEP) as far as the kernel keeps a released line; {@code --hold-ms} keeps it driven.
 * With {@code --board BOARD_ID} of the fleet: that board's agent drives it ({@code gpio.write}; on
 * a simulated board an input of the firmware is driven from outside, as a button would be).
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

    @Mixin
    BrokerOptions broker;

    @Override
    int run() throws ToolException, InterruptedException {
        boolean high = GpioCommand.level(level);
        if (boardOptions.isRemote()) {
            JsonNode r = remote(broker, "gpio.write", Map.of("pin", pin, "value", high ? 1 : 0));
            out().println(boardOptions.remoteBoard() + " GPIO " + r.path("pin").asText().replaceFirst("(?i)^gpio", "") + ": "
                    + (r.path("value").asInt() == 1 ? "high" : "low"));
            return ExitCodes.OK;
        }
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
