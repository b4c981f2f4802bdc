package dev.spindle.tools;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle monitor}: a live view of state, telemetry and events, for the fleet or one board. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Show state changes, telemetry and events as they arrive, until Ctrl-C.",
            "A board whose telemetry stops for 3 periods is reported stale.",
            "",
            "With --share GROUP, the monitors started with the same GROUP split the fleet's telemetry and",
            "events between them (MQTT shared subscriptions, $share/GROUP/...): each message goes to one",
            "of them. Every monitor still sees every state change. Needs a broker with shared",
            "subscriptions for MQTT 3.1.1 clients (Mosquitto 2, EMQX, HiveMQ); the embedded broker",
            "(spindle broker, spindle demo: Moquette 0.17) has none and silently drops such messages,",
            "so the monitor checks first and stops with an error when the broker does not deliver.",
            "A shared monitor sees only part of each board's telemetry and does not report staleness."})
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

    @Option(names = "--share", paramLabel = "GROUP",
            description = "Split telemetry and events with the other monitors of GROUP ($share/GROUP/...; "
                    + "Mosquitto, EMQX, HiveMQ; NOT the embedded broker). No staleness reports.")
    String share;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N messages were shown (default: no limit), like mosquitto_sub -C.")
    long count;

    /** How long the --share check waits for its own message through the shared subscription. */
    static final long SHARE_PROBE_MS = 3000;

    private final FleetView view = new FleetView();
    private final Map<String, FleetView.Status> shown = new HashMap<>(); // guarded by this
    private final AtomicLong shownCount = new AtomicLong();
    private volatile Link link;
    /**
     * {@link #out()} without its flush after every line (picocli's writer flushes on each
     * {@code println}: one write system call per message, and a wake-up of the reading process).
     * Lines go into out()'s buffer; {@link #printRaw} flushes when the link's inbound queue is
     * empty, the other printers after each line.
     */
    private PrintWriter lines; // guarded by this
    private volatile boolean shareChecked; // written by the command's thread once the --share check passed

    @Override
    int run() throws ToolException, LinkException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        if (board != null) {
            try {
                Topics.checkId("board", board);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ExitCodes.USAGE, e.getMessage());
            }
        }
        if (share != null) {
            try {
                Topics.checkId("share group", share);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ExitCodes.USAGE, e.getMessage());
            }
        }
        String who = board == null ? "+" : board;
        String base = Topics.ROOT + "/" + r.fleet() + "/" + who + "/";
        // state unshared: every monitor knows every board's online/offline, and retained states
        // arrive at once (brokers send no retained messages on shared subscriptions)
        String split = share == null ? base : "$share/" + share + "/" + base;
        // backpressure: the handlers only print, and a monitor that falls behind must not lose messages.
        // With --share the fleet is subscribed only after the check: its answer would otherwise
        // wait on the worker behind the fleet's retained states and telemetry (1,000 boards on a
        // loaded machine: longer than the check waits).
        Link link = broker.connect(r, "monitor", true, l -> {
            this.link = l;
            if (share == null) {
                subscribeFleet(l, base, split);
            }
        });
        if (share != null) {
            try {
                checkSharedSubscriptions(link, r);
                shareChecked = true;
                subscribeFleetPatiently(link, base, split, r);
            } catch (ToolException | LinkException | RuntimeException e) {
                link.close();
                throw e;
            }
        }
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
        if (share == null) {
            ticker.scheduleAtFixedRate(this::checkStatus, 1, 1, TimeUnit.SECONDS);
        }
        try {
            awaitStop(durationS * 1000);
        } finally {
            ticker.shutdownNow();
            link.close();
            synchronized (this) {
                out().flush();
            }
        }
        return ExitCodes.OK;
    }

    /** State unshared (every monitor knows every board), events and telemetry through {@code split}. */
    private void subscribeFleet(Link l, String base, String split) throws LinkException {
        l.subscribe(base + Topics.STATE, Wire.QOS_RELIABLE, this::onMessage);
        l.subscribe(split + Topics.EVENTS, Wire.QOS_RELIABLE, this::onMessage);
        l.subscribe(split + Topics.TELEMETRY, Wire.QOS_RELIABLE, this::onMessage); // staleness needs it
    }

    /**
     * {@link #subscribeFleet} while connected: a broker or machine under load may answer the
     * SUBSCRIBE later than the link's operation timeout (10 s); a repeated SUBSCRIBE is harmless,
     * so it is repeated until the --timeout (at least the check's 3 s) ran out.
     */
    private void subscribeFleetPatiently(Link l, String base, String split, BrokerOptions.Resolved r)
            throws ToolException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(SHARE_PROBE_MS, broker.timeoutMs));
        while (true) {
            try {
                subscribeFleet(l, base, split);
                return;
            } catch (LinkException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ToolException(ExitCodes.BROKER_UNREACHABLE, "the broker at " + r.broker()
                            + " did not confirm the fleet's subscriptions: " + e.getMessage()
                            + "; it may be overloaded: try again, or give it longer with --timeout MS");
                }
                Thread.sleep(100);
            }
        }
    }

    /** True once the --share check passed (tests: nothing of the fleet is subscribed before). */
    boolean shareChecked() {
        return shareChecked;
    }

    /**
     * Sends one message to a topic of this monitor's own through {@code $share/GROUP/...} and
     * waits for it: brokers without shared subscriptions for MQTT 3.1.1 (Moquette 0.17) accept
     * the subscription but never deliver, which would make a monitor show nothing.
     */
    private void checkSharedSubscriptions(Link link, BrokerOptions.Resolved r)
            throws ToolException, LinkException, InterruptedException {
        String probe = Topics.ROOT + "/" + r.fleet() + "/_probe/" + link.clientId();
        CountDownLatch arrived = new CountDownLatch(1);
        String filter = "$share/" + share + "/" + probe;
        String fail = "the broker at " + r.broker() + " does not deliver through shared subscriptions ($share/"
                + share + "/...)";
        String hint = ": --share needs Mosquitto 2, EMQX or HiveMQ (the embedded broker of spindle broker and"
                + " spindle demo has none); run without --share there.";
        try {
            link.subscribe(filter, Wire.QOS_RELIABLE, m -> arrived.countDown());
        } catch (LinkException e) {
            throw new ToolException(ExitCodes.FAILURE, fail + " (" + e.getMessage() + ")" + hint);
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(SHARE_PROBE_MS, broker.timeoutMs));
            do {
                link.publish(probe, "{\"v\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), Wire.QOS_RELIABLE, false);
            } while (!arrived.await(500, TimeUnit.MILLISECONDS) && System.nanoTime() - deadline < 0);
            if (arrived.getCount() > 0) {
                throw new ToolException(ExitCodes.FAILURE, fail + hint);
            }
        } finally {
            link.unsubscribe(filter);
        }
    }

    private void onMessage(Inbound m) {
        Topics.Parsed p = Topics.parse(m.topic()).orElse(null);
        if (p == null) {
            return;
        }
        if (json && p.kind().equals(Topics.TELEMETRY) && oneLine(m.payload())) {
            // the bulk of a fleet's stream: one streaming pass checks the JSON and reads the three
            // fields the staleness rule needs; the line carries the payload as received
            if (!acceptTelemetryFast(p, m.payload(), m.retained())) {
                return;
            }
            if (!noTelemetry) {
                printRaw(p.board(), p.kind(), m.payload());
                if (count > 0 && shownCount.incrementAndGet() >= count) {
                    stop();
                }
            }
            if (share == null) {
                checkStatus(p.fleet(), p.board());
            }
            return;
        }
        JsonNode body;
        try {
            body = Json.tree(m.payload()); // parsed once, for the view and the output
        } catch (ProtocolException e) {
            return;
        }
        boolean fresh = view.accept(m.topic(), body, m.retained(), System.currentTimeMillis());
        if (p.kind().equals(Topics.TELEMETRY) && noTelemetry) {
            checkStatus(p.fleet(), p.board());
            return;
        }
        if (p.kind().equals(Topics.STATE) && !fresh) {
            return; // an older session's message
        }
        if (json && body.isObject() && oneLine(m.payload())) {
            printRaw(p.board(), p.kind(), m.payload());
        } else {
            print(p.board(), p.kind(), body);
        }
        if (count > 0 && shownCount.incrementAndGet() >= count) {
            stop();
        }
        if (share == null) {
            checkStatus(p.fleet(), p.board()); // this board only: the ticker looks at all of them
        }
    }

    /** @return false when the payload is not a JSON object (then it is not shown, as before) */
    private boolean acceptTelemetryFast(Topics.Parsed p, byte[] payload, boolean retained) {
        long session = 0;
        long ts = 0;
        double period = 0;
        try (JsonParser jp = Json.MAPPER.getFactory().createParser(payload)) {
            if (jp.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String f = jp.currentName();
                JsonToken v = jp.nextToken();
                if (v.isNumeric()) {
                    switch (f) {
                        case "session" -> session = jp.getLongValue();
                        case "ts" -> ts = jp.getLongValue();
                        case "period_s" -> period = jp.getDoubleValue();
                        default -> { }
                    }
                } else {
                    jp.skipChildren();
                }
            }
            if (jp.currentToken() != JsonToken.END_OBJECT || jp.nextToken() != null) {
                return false;
            }
        } catch (IOException e) {
            return false; // not JSON
        }
        view.acceptTelemetry(p.fleet(), p.board(), session, ts, period, retained, System.currentTimeMillis());
        return true;
    }

    private static boolean oneLine(byte[] payload) {
        for (byte b : payload) {
            if (b == '\n' || b == '\r') {
                return false;
            }
        }
        return true;
    }

    /** @return the line writer (see {@link #lines}); call with this object's monitor held */
    private PrintWriter lines() {
        if (lines == null) {
            lines = new PrintWriter(out(), false);
        }
        return lines;
    }

    /** The JSON line with the payload as received (valid JSON, one line): no second serialization. */
    private synchronized void printRaw(String b, String kind, byte[] payload) {
        PrintWriter out = lines();
        StringBuilder line = new StringBuilder(payload.length + 64).append("{\"board\":\"");
        JsonStringEncoder.getInstance().quoteAsString(b, line);
        line.append("\",\"kind\":\"").append(kind).append("\",\"message\":")
                .append(new String(payload, StandardCharsets.UTF_8)).append('}');
        out.println(line);
        Link l = link;
        if (l == null || l.pendingMessages() == 0) {
            out.flush(); // in a burst, once at its end: one write for many lines
        }
    }

    private synchronized void print(String b, String kind, JsonNode body) {
        PrintWriter out = lines();
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

    /** {@link #checkStatus()} for one board, after a message of it. */
    private synchronized void checkStatus(String fleet, String board) {
        FleetView.Board b = view.board(fleet, board, System.currentTimeMillis());
        if (b != null && shown.get(b.board()) != b.status()) {
            checkStatus();
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
