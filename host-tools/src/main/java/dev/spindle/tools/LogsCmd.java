package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.Rpc;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle logs BOARD [-f]}: the board's last log lines, and with -f the new ones as they come. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a board's recent log lines (the agent's and the app's console); -f keeps following.")
final class LogsCmd extends ToolCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Parameters(paramLabel = "BOARD", description = "Board id.")
    String board;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "How many recent lines (default ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C.")
    boolean follow;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0", hidden = true,
            description = "With -f: stop after this many seconds.")
    long durationS;

    @Override
    int run() throws ToolException, ProtocolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        checkBoard(board);
        try (RpcSession s = RpcSession.open(broker, r, "logs", l -> {
            if (follow) {
                l.subscribe(Topics.log(r.fleet(), board), Wire.QOS_LOG, m -> {
                    try {
                        print(Json.tree(m.payload()).path("lines"));
                    } catch (ProtocolException e) {
                        // not a log message
                    }
                });
            }
        })) {
            Reply reply = check(board, s.rpc().call(board, "log.tail", Map.of("lines", lines), broker.timeoutMs));
            print(reply.body().path("lines"));
            if (follow) {
                awaitStop(durationS * 1000);
            }
        }
        return ExitCodes.OK;
    }

    static void checkBoard(String board) throws ToolException {
        try {
            Topics.checkId("board", board);
        } catch (IllegalArgumentException e) {
            throw new ToolException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private synchronized void print(JsonNode lines) {
        for (JsonNode l : lines) {
            out().println(TIME.format(Instant.ofEpochMilli(l.path("ts").asLong())) + " " + String.format("%-7s", l.path("level").asText())
                    + " " + l.path("text").asText());
        }
        out().flush();
    }
}
