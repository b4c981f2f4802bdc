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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle fleet status}: every targeted board with a verdict, and an exit code a cron job
 * or CI step can act on. A board is fine when it is online and its health is {@code ok} or
 * {@code no_app}; it fails when it is offline, stale (no telemetry for 3 periods), unhealthy
 * (any other health: {@code deadlock}, {@code degraded}, {@code app_stopped}, …) or, when named
 * with {@code --board}, never seen.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Check the boards of a fleet for cron or CI: online/stale/offline, health, versions, slot,",
            "last seen; exit 4 when any targeted board is offline, stale, unhealthy or unknown."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every targeted board is online and healthy",
            "1:failure (the message says what happened and what to do)",
            "2:bad command line",
            "3:the MQTT broker could not be reached",
            "4:a targeted board is offline, stale, unhealthy or was never seen (or the fleet has no boards)"})
final class FleetStatusCmd extends ToolCommand {
    /** Health values of an online board that count as fine. */
    static final Set<String> HEALTHY = Set.of("ok", "no_app");

    @Option(names = "--board", paramLabel = "BOARD",
            description = "Check only these boards (repeat the option); default: every board seen in the fleet.")
    List<String> boards = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object (boards, counts, ok) instead of the table.")
    boolean json;

    @Option(names = "--wait", paramLabel = "MS", defaultValue = "1500",
            description = "How long to collect state and telemetry after connecting, ms (default ${DEFAULT-VALUE}).")
    long waitMs;

    /** A board's verdict: {@code problem} is null when it is fine. */
    record Verdict(String board, FleetView.Board seen, String problem) {
        boolean ok() {
            return problem == null;
        }

        String status() {
            return seen == null ? "unknown" : seen.status().wireName();
        }
    }

    @Override
    int run() throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        for (String b : boards) {
            LogsCmd.checkBoard(b);
        }
        FleetView view = new FleetView();
        Link link = broker.connect(r, "fleet-status", l -> {
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
        List<Verdict> verdicts = new ArrayList<>();
        if (boards.isEmpty()) {
            for (FleetView.Board b : view.boards(now)) {
                verdicts.add(judge(b.board(), b, now));
            }
        } else {
            for (String b : new LinkedHashSet<>(boards)) {
                verdicts.add(judge(b, view.board(r.fleet(), b, now), now));
            }
        }
        boolean allOk = !verdicts.isEmpty() && verdicts.stream().allMatch(Verdict::ok);
        if (json) {
            out().println(toJson(r, verdicts, allOk, now).toString());
        } else if (verdicts.isEmpty()) {
            out().println("No boards in fleet '" + r.fleet() + "' on " + r.broker()
                    + " (a board appears once its agent has connected; check --fleet).");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"BOARD", "STATUS", "HEALTH", "LAST SEEN", "AGENT", "FIRMWARE", "SLOT", "PROBLEM"});
            for (Verdict v : verdicts) {
                FleetView.Board b = v.seen();
                StateMessage s = b == null ? null : b.state();
                TelemetryMessage t = b == null ? null : b.telemetry();
                rows.add(new String[] {v.board(), v.status(), t == null ? "-" : t.health(),
                    b == null ? "never" : ago(b.lastSeenMs(), now), s == null ? "-" : s.agentVersion(),
                    s == null ? "-" : s.firmwareVersion(), s == null || s.slot() == null ? "-" : s.slot(),
                    v.ok() ? "-" : v.problem()});
            }
            out().print(table(rows));
            long failing = verdicts.stream().filter(v -> !v.ok()).count();
            out().println(verdicts.size() + " boards: " + (verdicts.size() - failing) + " ok, " + failing + " failing");
        }
        out().flush();
        if (verdicts.isEmpty()) {
            spec.commandLine().getErr().println("spindle fleet status: no boards in fleet '" + r.fleet()
                    + "': is --fleet right, and have the agents connected?");
        }
        return allOk ? ExitCodes.OK : ExitCodes.BOARD_ERROR;
    }

    static Verdict judge(String board, FleetView.Board b, long now) {
        if (b == null) {
            return new Verdict(board, null, "never seen: no state or telemetry from this board (is the id right?)");
        }
        String health = b.telemetry() == null ? null : b.telemetry().health();
        return switch (b.status()) {
            case OFFLINE -> new Verdict(board, b, "offline"
                    + (b.state() != null && b.state().reason() != null ? " (" + b.state().reason() + ")" : "")
                    + " since " + ago(b.lastSeenMs(), now));
            case STALE -> new Verdict(board, b, "stale: nothing heard since " + ago(b.lastSeenMs(), now));
            case ONLINE -> health == null || HEALTHY.contains(health) ? new Verdict(board, b, null)
                    : new Verdict(board, b, "unhealthy: " + health);
        };
    }

    private static ObjectNode toJson(BrokerOptions.Resolved r, List<Verdict> verdicts, boolean allOk, long now) {
        ObjectNode o = Json.object();
        o.put("fleet", r.fleet());
        o.put("ts", now);
        o.put("ok", allOk);
        ObjectNode counts = o.putObject("counts");
        counts.put("boards", verdicts.size());
        for (String s : List.of("online", "stale", "offline", "unknown")) {
            counts.put(s, verdicts.stream().filter(v -> v.status().equals(s)).count());
        }
        counts.put("unhealthy", verdicts.stream().filter(v -> v.ok() ? false
                : v.problem().startsWith("unhealthy")).count());
        counts.put("failing", verdicts.stream().filter(v -> !v.ok()).count());
        ArrayNode a = o.putArray("boards");
        for (Verdict v : verdicts) {
            ObjectNode b = v.seen() == null ? Json.object().put("fleet", r.fleet()).put("board", v.board())
                    .put("status", "unknown") : BoardsCmd.toJson(v.seen());
            b.put("ok", v.ok());
            if (v.ok()) {
                b.putNull("problem");
            } else {
                b.put("problem", v.problem());
            }
            if (v.seen() != null && v.seen().lastSeenMs() > 0) {
                b.put("last_seen_s_ago", Math.round((now - v.seen().lastSeenMs()) / 100.0) / 10.0);
            }
            a.add(b);
        }
        return o;
    }
}
