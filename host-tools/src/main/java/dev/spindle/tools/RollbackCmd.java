package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle rollback BOARD}: the board goes back to its previous firmware (A/B slots, docs/deploy.md). */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Switch a board back to the firmware that ran before the current one (the other A/B slot, or"
                + " the factory firmware), now.",
            "The previous firmware must be one that ran well there; it starts without a health check. The board"
                + " refuses when a deploy is under way or there is nothing valid to go back to, and says why."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the board runs the previous firmware",
            "2:bad command line",
            "3:the MQTT broker could not be reached",
            "4:the board refused (no previous firmware, deploy under way) or did not answer in time"})
final class RollbackCmd extends ToolCommand {
    /** A rollback stops one app and starts another: wait at least this long for the reply. */
    static final long MIN_REPLY_MS = 30_000;

    @Parameters(paramLabel = "BOARD", description = "Board id.")
    String board;

    @Option(names = "--json", description = "Print the result as JSON (also on refusal: ok, code, message).")
    boolean json;

    @Override
    int run() throws ToolException, ProtocolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        LogsCmd.checkBoard(board);
        Link link = broker.connect(r, "rollback", l -> { });
        Reply reply;
        try {
            reply = new Rpc(link, r.fleet()).call(board, "deploy.rollback", null, Math.max(broker.timeoutMs,
                    MIN_REPLY_MS));
        } catch (LinkException e) {
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, e.getMessage());
        } catch (ProtocolException e) {
            throw new ToolException(ExitCodes.BOARD_ERROR, "board " + board + " in fleet " + r.fleet() + ": "
                    + e.getMessage());
        } finally {
            link.close();
        }
        if (!reply.ok()) {
            if (json) {
                ObjectNode o = Json.object().put("ok", false).put("board", board);
                o.put("code", reply.errorCode() == null ? null : reply.errorCode().wireName());
                o.put("message", reply.errorMessage());
                out().println(o);
                out().flush();
                return ExitCodes.BOARD_ERROR;
            }
            throw new ToolException(ExitCodes.BOARD_ERROR, "board " + board + " did not roll back: "
                    + reply.errorMessage());
        }
        JsonNode b = reply.body();
        if (json) {
            ObjectNode o = Json.object().put("ok", true).put("board", board);
            o.setAll((ObjectNode) b);
            out().println(o);
        } else {
            out().println("board " + board + ": rolled back from " + slot(b.path("from").asText()) + " to "
                    + slot(b.path("to").asText()) + ", now running " + b.path("firmware_name").asText() + " "
                    + b.path("firmware_version").asText());
        }
        out().flush();
        return ExitCodes.OK;
    }

    private static String slot(String s) {
        return "factory".equals(s) ? "the factory firmware" : "slot " + s;
    }
}
