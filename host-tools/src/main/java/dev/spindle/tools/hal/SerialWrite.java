package dev.spindle.tools.hal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.hal.Board;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.tools.BrokerOptions;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.ToolException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle serial write PORT TEXT}: writes TEXT and a newline to a port of the local board,
 * or, with {@code --board BOARD_ID} of the fleet, asks that board's agent to ({@code serial.write}).
 */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = "Write a line to a serial port (of the local board, or of a fleet board with --board).")
final class SerialWrite extends HalCommand {
    @Parameters(index = "0", paramLabel = "PORT", description = "a port name (serial0) or a device (/dev/ttyUSB0)")
    String port;

    @Parameters(index = "1", paramLabel = "TEXT", description = "what to write (UTF-8)")
    String text;

    @Option(names = "--no-newline", description = "do not add a newline after TEXT")
    boolean noNewline;

    @Option(names = "--baud", defaultValue = "115200", description = "local port: baud rate (default: ${DEFAULT-VALUE})")
    int baud;

    @Mixin
    BrokerOptions broker;

    @Override
    int run() throws ToolException, InterruptedException {
        String data = noNewline ? text : text + "\n";
        if (boardOptions.isRemote()) {
            JsonNode r = remote(broker, "serial.write", Map.of("port", port, "data", data));
            out().println(boardOptions.remoteBoard() + " " + r.path("port").asText() + ": wrote "
                    + r.path("bytes").asInt() + " bytes");
            return ExitCodes.OK;
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        try (Board board = boardOptions.open(); SerialPort p = board.openSerial(port, SerialConfig.baud(baud))) {
            p.write(bytes);
            out().println(p.name() + ": wrote " + bytes.length + " bytes");
        }
        return ExitCodes.OK;
    }
}
