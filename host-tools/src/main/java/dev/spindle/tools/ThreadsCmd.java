package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle threads BOARD}: the board's thread table and deadlocks. */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = "Show a board's Spindle threads (priority, state, what each waits on) and any deadlock.")
final class ThreadsCmd extends ToolCommand {
    @Parameters(paramLabel = "BOARD", description = "Board id.")
    String board;

    @Option(names = "--json", description = "The board's reply as JSON.")
    boolean json;

    @Override
    int run() throws ToolException, ProtocolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        LogsCmd.checkBoard(board);
        Reply reply;
        try (RpcSession s = RpcSession.open(broker, r, "threads")) {
            reply = check(board, s.rpc().call(board, "threads", null, broker.timeoutMs));
        }
        if (json) {
            out().println(reply.body().toString());
            out().flush();
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"IDENT", "NAME", "PRIO", "STATE", "WAITING ON", "FOR", "ENDED BY"});
        for (JsonNode t : reply.body().path("threads")) {
            int prio = t.path("priority").asInt();
            int eff = t.path("effective_priority").asInt(prio);
            rows.add(new String[] {t.path("ident").asText(), t.path("name").asText(),
                prio == eff ? Integer.toString(prio) : prio + "->" + eff, t.path("state").asText(),
                t.path("waiting_on").asText("-"), t.has("waiting_for_ms") ? t.path("waiting_for_ms").asLong() + " ms" : "-",
                t.path("exception").asText("-")});
        }
        if (rows.size() == 1) {
            out().println("Board " + board + " has no Spindle threads.");
        } else {
            out().print(table(rows));
        }
        for (JsonNode d : reply.body().path("deadlocks")) {
            out().println("DEADLOCK: " + d.path("text").asText());
        }
        out().flush();
        return ExitCodes.OK;
    }
}
