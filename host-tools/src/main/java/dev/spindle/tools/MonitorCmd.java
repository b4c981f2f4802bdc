package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle monitor}: a live view of state, telemetry and events, for the fleet or one board. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Show state changes, telemetry and events as they arrive, until Ctrl-C.",
            "A board whose telemetry stops for 3 periods is reported stale."})
final class MonitorCmd extends ToolCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Parameters(arity = "0..1", paramLabel = "BOARD", description = "Only this board (default: the whole fleet).")
    String board;

    @Option(names = "--json", description = "JSON lines: {\"board\",\"kind\",\"message\"} per message, kind 'status' for staleness.")
    boolean json;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0",
            description = "Stop after this many seconds (default: run until Ctrl-C).")
    long durationS;

    @Option(names = "--no-telemetry", description = "Leave telemetry out (state and events only).")
    boolean noTelemetry;

    private final FleetView view = new FleetView();
    private final Map<String, FleetView.Status> shown = new HashMap<>(); // guarded by this

    @Override
    int run() throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        if (board != null) {
            try {
                Topics.checkId("board", board);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ExitCodes.USAGE, e.getMessage());
            }
        }
        String who = board == null ? "+" : board;
        String base = Topics.ROOT + "/" + r.fleet() + "/" + who + "/";
        Link link = broker.connect(r, "monitor", l -> {
            l.subscribe(base + Topics.STATE, Wire.QOS_RELIABLE, this::onMessage);
            l.subscribe(base + Topics.EVENTS, Wire.QOS_RELIABLE, this::onMessage);
            l.subscribe(base + Topics.TELEMETRY, Wire.QOS_RELIABLE, this::onMessage);
        });
        if (!json) {
            out().println("Watching " + (board == null ? "fleet '" + r.fleet() + "'" : "board " + board) + " on "
                    + r.broker() + ". Ctrl-C stops.");
            out().flush();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(t -> {
            Thread th = new Thread(t, "monitor-staleness");
            th.setDaemon(true);
            return th;
        });
        ticker.scheduleAtFixedRate(this::checkStatus, 1, 1, TimeUnit.SECONDS);
        try {
            awaitStop(durationS * 1000);
        } finally {
            ticker.shutdownNow();
            link.close();
        }
        return ExitCodes.OK;
    }

    private void onMessage(Inbound m) {
        Topics.Parsed p = Topics.parse(m.topic()).orElse(null);
        if (p == null) {
            return;
        }
        boolean fresh = view.accept(m.topic(), m.payload(), System.currentTimeMillis());
        JsonNode body;
        try {
            body = Json.tree(m.payload());
        } catch (ProtocolException e) {
            return;
        }
        if (p.kind().equals(Topics.TELEMETRY) && noTelemetry) {
            checkStatus();
            return;
        }
        if (p.kind().equals(Topics.STATE) && !fresh) {
            return; // an older session's message
        }
        print(p.board(), p.kind(), body);
        checkStatus();
    }

    private synchronized void print(String b, String kind, JsonNode body) {
        PrintWriter out = out();
        if (json) {
            ObjectNode o = Json.object();
            o.put("board", b);
            o.put("kind", kind);
            o.set("message", body);
            out.println(o.toString());
        } else {
            String time = TIME.format(Instant.ofEpochMilli(body.path("ts").asLong(System.currentTimeMillis())));
            out.println(time + "  " + b + "  " + human(kind, body));
        }
        out.flush();
    }

    static String human(String kind, JsonNode m) {
        switch (kind) {
            case Topics.STATE:
                return m.path("online").asBoolean()
                        ? "ONLINE   session " + m.path("session").asLong() + ", " + m.path("board_type").asText() + ", agent "
                                + m.path("agent_version").asText() + ", firmware " + m.path("firmware_version").asText()
                        : "OFFLINE  (" + m.path("reason").asText("?") + ", session " + m.path("session").asLong() + ")";
            case Topics.TELEMETRY:
                StringBuilder b = new StringBuilder("telemetry");
                b.append(String.format(Locale.ROOT, "  up %.0fs  heap %d/%d MiB", m.path("uptime_s").asDouble(),
                        m.path("heap_used_bytes").asLong() >> 20, m.path("heap_max_bytes").asLong() >> 20));
                if (m.has("cpu_load")) {
                    b.append(String.format(Locale.ROOT, "  cpu %.1f%%", m.path("cpu_load").asDouble() * 100));
                }
                if (m.has("temperature_c")) {
                    b.append(String.format(Locale.ROOT, "  %.1f°C", m.path("temperature_c").asDouble()));
                }
                b.append("  threads ").append(m.path("thread_count").asInt());
                b.append("  health ").append(m.path("health").asText());
                if (m.path("pins").size() > 0) {
                    b.append("  pins ").append(m.path("pins").toString());
                }
                return b.toString();
            case Topics.EVENTS:
                String s = "EVENT " + m.path("severity").asText().toUpperCase(Locale.ROOT) + " " + m.path("type").asText()
                        + ": " + m.path("message").asText();
                String stack = m.path("stack").asText("");
                if (!stack.isEmpty()) {
                    String[] lines = stack.split("\n");
                    StringBuilder sb = new StringBuilder(s);
                    for (int i = 1; i < Math.min(lines.length, 6); i++) {
                        sb.append(System.lineSeparator()).append("          ").append(lines[i].strip());
                    }
                    return sb.toString();
                }
                return s;
            default:
                return kind + " " + m;
        }
    }

    /** Prints status transitions to and from stale (state messages show online/offline themselves). */
    private synchronized void checkStatus() {
        long now = System.currentTimeMillis();
        for (FleetView.Board b : view.boards(now)) {
            FleetView.Status before = shown.put(b.board(), b.status());
            if (before == null || before == b.status()) {
                continue;
            }
            if (b.status() == FleetView.Status.STALE || before == FleetView.Status.STALE) {
                ObjectNode o = Json.object();
                o.put("ts", now);
                o.put("status", b.status().wireName());
                o.put("last_seen", b.lastSeenMs());
                if (json) {
                    print(b.board(), "status", o);
                } else {
                    PrintWriter out = out();
                    out.println(TIME.format(Instant.ofEpochMilli(now)) + "  " + b.board() + "  "
                            + (b.status() == FleetView.Status.STALE ? "STALE    no telemetry since " + ago(b.lastSeenMs(), now)
                                    : b.status().wireName().toUpperCase(Locale.ROOT) + "   again"));
                    out.flush();
                }
            }
        }
    }
}
