package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Link;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spindle boards}: one line per board of the fleet, from the retained state and telemetry. */
@Command(name = "boards", mixinStandardHelpOptions = true,
        description = {"List the boards of the fleet: online, stale (no telemetry for 3 periods) or offline,",
            "last seen, versions, slot, health."})
final class BoardsCmd extends ToolCommand {
    @Option(names = "--json", description = "One JSON array instead of the table.")
    boolean json;

    @Option(names = "--wait", paramLabel = "MS", defaultValue = "1000",
            description = "How long to collect state and telemetry after connecting, ms (default ${DEFAULT-VALUE}).")
    long waitMs;

    @Override
    int run() throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        FleetView view = new FleetView();
        Link link = broker.connect(r, "boards", l -> {
            l.subscribe(Topics.fleetFilter(r.fleet(), Topics.STATE), Wire.QOS_RELIABLE,
                    m -> view.accept(m, System.currentTimeMillis()));
            l.subscribe(Topics.fleetFilter(r.fleet(), Topics.TELEMETRY), Wire.QOS_RELIABLE,
                    m -> view.accept(m, System.currentTimeMillis()));
        });
        long now; // statuses as of the end of listening: closing may take long on a loaded broker, and
        try {     // nothing is heard after it (every board would look stale by the time it ends)
            Thread.sleep(waitMs);
            now = System.currentTimeMillis();
        } finally {
            link.close();
        }
        List<FleetView.Board> boards = view.boards(now);
        if (json) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            for (FleetView.Board b : boards) {
                a.add(toJson(b));
            }
            out().println(a.toString());
        } else if (boards.isEmpty()) {
            out().println("No boards in fleet '" + r.fleet() + "' on " + r.broker()
                    + " (a board appears once its agent has connected; check --fleet).");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"BOARD", "STATUS", "LAST SEEN", "AGENT", "FIRMWARE", "SLOT", "HEALTH", "TYPE"});
            for (FleetView.Board b : boards) {
                StateMessage s = b.state();
                TelemetryMessage t = b.telemetry();
                rows.add(new String[] {b.board(), b.status().wireName(), ago(b.lastSeenMs(), now),
                    s == null ? "?" : s.agentVersion(), s == null ? "?" : s.firmwareVersion(),
                    s == null || s.slot() == null ? "-" : s.slot(),
                    b.status() == FleetView.Status.OFFLINE ? "-" : t == null ? "?" : t.health(),
                    s == null ? "?" : s.boardType()});
            }
            out().print(table(rows));
        }
        out().flush();
        return ExitCodes.OK;
    }

    static ObjectNode toJson(FleetView.Board b) {
        ObjectNode o = Json.object();
        o.put("fleet", b.fleet());
        o.put("board", b.board());
        o.put("status", b.status().wireName());
        o.put("last_seen", b.lastSeenMs());
        StateMessage s = b.state();
        if (s != null) {
            o.put("session", s.session());
            o.put("board_type", s.boardType());
            o.put("agent_version", s.agentVersion());
            o.put("firmware_version", s.firmwareVersion());
            if (s.slot() != null) {
                o.put("slot", s.slot());
            }
            if (s.reason() != null) {
                o.put("reason", s.reason());
            }
        }
        TelemetryMessage t = b.telemetry();
        if (t != null) {
            o.put("health", t.health());
            o.put("uptime_s", t.uptimeS());
        }
        return o;
    }
}
