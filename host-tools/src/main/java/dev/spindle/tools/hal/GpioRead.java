package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.Pull;
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
 * {@code spindle gpio read PIN}: prints {@code GPIO 17: high} or {@code low}. With
 * {@code --board BOARD_ID} of the fleet: asks that board ({@code gpio.read}) and prints
 * {@code demo-1 17: high}.
 */
@Command(name = "read", mixinStandardHelpOptions = true, description = "Read a line (opens it as an input).")
final class GpioRead extends HalCommand {
    @Parameters(paramLabel = "PIN", description = "BCM line (17) or header pin (pin11)")
    String pin;

    @Option(names = "--pull", paramLabel = "none|up|down", defaultValue = "none",
            description = "bias resistor while reading (default: ${DEFAULT-VALUE})")
    String pull;

    @Mixin
    BrokerOptions broker;

    @Override
    int run() throws ToolException, InterruptedException {
        if (boardOptions.isRemote()) {
            JsonNode r = remote(broker, "gpio.read", Map.of("pin", pin));
            out().println(boardOptions.remoteBoard() + " GPIO " + r.path("pin").asText().replaceFirst("(?i)^gpio", "") + ": "
                    + (r.path("value").asInt() == 1 ? "high" : "low"));
            return ExitCodes.OK;
        }
        try (Board board = boardOptions.open()) {
            int bcm = GpioCommand.pin(board.spec(), pin);
            try (DigitalInput in = board.openInput(bcm, InputConfig.DEFAULT.pull(Pull.parse(pull)))) {
                out().println("GPIO " + bcm + ": " + (in.read() ? "high" : "low"));
            }
            return ExitCodes.OK;
        }
    }
}
