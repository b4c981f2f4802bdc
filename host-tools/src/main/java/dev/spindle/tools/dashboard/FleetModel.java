package dev.spindle.tools.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.LogMessage;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.ThreadsMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.fleet.FleetView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the dashboard knows about the fleet: the protocol's {@link FleetView} (online, stale,
 * offline by the rules of docs/protocol.md) plus, per board, a telemetry history for the charts,
 * the last thread table, recent events and a log tail.
 *
 * <p>Change tracking: every message marks its board dirty (and the part that changed); a board
 * whose status changes only because time passed (online to stale) is found by {@link #drain}, which
 * compares with the status last handed out. Thread-safe: every method synchronizes on this.
 */
final class FleetModel {
    /** Samples kept per board for the board page's charts. */
    static final int HISTORY = 300;
    /** Samples sent with the fleet table for its sparklines. */
    static final int SPARK = 30;
    static final int EVENTS = 50;
    static final int LOG_LINES = 300;

    private final FleetView view = new FleetView();
    private final Map<String, Extra> extras = new HashMap<>(); // key: board id (one fleet)
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, FleetView.Status> lastStatus = new HashMap<>();
    private final String fleet;

    /** One telemetry sample: time (s since the epoch), CPU %, heap MiB, heap max MiB, temperature, threads. */
    record Sample(double t, Double cpuPct, double heapMiB, double heapMaxMiB, Double tempC, int threads) {
    }

    private static final class Extra {
        final ArrayDeque<Sample> history = new ArrayDeque<>();
        ThreadsMessage threads;
        final ArrayDeque<EventMessage> events = new ArrayDeque<>();
        final Set<String> eventKeys = new HashSet<>();
        final ArrayDeque<LogMessage.Line> log = new ArrayDeque<>();
        long crashes;
        JsonNode deployStatus; // the board's last deploy.status reply (or {error, message})
        long version; // grows at every change of this board
    }

    FleetModel(String fleet) {
        this.fleet = fleet;
    }

    String fleet() {
        return fleet;
    }

    /**
     * Takes any message of the fleet's topics ({@code retained}: delivered because the dashboard
     * subscribed, not live; see {@link FleetView}). @return the board it changed, or null
     */
    synchronized String accept(String topic, byte[] payload, boolean retained, long nowMs) {
        Topics.Parsed p = Topics.parse(topic).orElse(null);
        if (p == null || !fleet.equals(p.fleet())) {
            return null;
        }
        String b = p.board();
        boolean changed;
        try {
            switch (p.kind()) {
                case Topics.STATE -> changed = view.accept(topic, payload, retained, nowMs);
                case Topics.TELEMETRY -> {
                    changed = view.accept(topic, payload, retained, nowMs);
                    if (changed) {
                        TelemetryMessage t = Json.read(payload, TelemetryMessage.class);
                        ArrayDeque<Sample> h = extra(b).history;
                        double ts = (t.ts() > 0 ? t.ts() : nowMs) / 1000.0;
                        if (h.isEmpty() || h.peekLast().t() < ts) {
                            h.addLast(new Sample(ts, t.cpuLoad() == null ? null : t.cpuLoad() * 100,
                                    t.heapUsedBytes() / 1048576.0, t.heapMaxBytes() / 1048576.0, t.temperatureC(),
                                    t.threadCount()));
                            while (h.size() > HISTORY) {
                                h.removeFirst();
                            }
                        }
                    }
                }
                case Topics.THREADS -> {
                    extra(b).threads = Json.read(payload, ThreadsMessage.class);
                    changed = true;
                }
                case Topics.EVENTS -> {
                    EventMessage e = Json.read(payload, EventMessage.class);
                    Extra x = extra(b);
                    if (!x.eventKeys.add(e.session() + ":" + e.seq())) {
                        return null; // a QoS 1 repeat
                    }
                    x.events.addLast(e);
                    if (EventMessage.THREAD_CRASHED.equals(e.type())) {
                        x.crashes++;
                    }
                    while (x.events.size() > EVENTS) {
                        EventMessage old = x.events.removeFirst();
                        x.eventKeys.remove(old.session() + ":" + old.seq());
                    }
                    changed = true;
                }
                case Topics.LOG -> {
                    LogMessage m = Json.read(payload, LogMessage.class);
                    addLines(extra(b), m.lines() == null ? List.of() : m.lines());
                    changed = true;
                }
                default -> changed = false;
            }
        } catch (ProtocolException e) {
            return null; // unreadable: show what can be read
        }
        if (changed) {
            extra(b).version++;
            dirty.add(b);
            return b;
        }
        return null;
    }

    /** Puts lines from {@code log.tail} before those already heard (skipping ones already there). */
    synchronized void backfillLog(String board, List<LogMessage.Line> older) {
        Extra x = extra(board);
        long firstTs = x.log.isEmpty() ? Long.MAX_VALUE : x.log.peekFirst().ts();
        List<LogMessage.Line> keep = new ArrayList<>();
        for (LogMessage.Line l : older) {
            if (l.ts() < firstTs) {
                keep.add(l);
            }
        }
        for (int i = keep.size() - 1; i >= 0; i--) {
            x.log.addFirst(keep.get(i));
        }
        while (x.log.size() > LOG_LINES) {
            x.log.removeFirst();
        }
        x.version++;
        dirty.add(board);
    }

    /** Keeps the board's {@code deploy.status} reply for its page. */
    synchronized void deployStatus(String board, JsonNode status) {
        Extra x = extra(board);
        x.deployStatus = status;
        x.version++;
        dirty.add(board);
    }

    private static void addLines(Extra x, List<LogMessage.Line> lines) {
        for (LogMessage.Line l : lines) {
            x.log.addLast(l);
        }
        while (x.log.size() > LOG_LINES) {
            x.log.removeFirst();
        }
    }

    private Extra extra(String board) {
        return extras.computeIfAbsent(board, k -> new Extra());
    }

    synchronized boolean knows(String board) {
        return view.board(fleet, board, System.currentTimeMillis()) != null || extras.containsKey(board);
    }

    /** @return the boards changed since the last call (by a message, or by time: online to stale) */
    synchronized Set<String> drain(long nowMs) {
        Set<String> out = new HashSet<>(dirty);
        dirty.clear();
        for (FleetView.Board b : view.boards(nowMs)) {
            if (!fleet.equals(b.fleet())) {
                continue;
            }
            FleetView.Status before = lastStatus.put(b.board(), b.status());
            if (before != b.status()) {
                out.add(b.board());
            }
        }
        return out;
    }

    /** Summaries of every board (the fleet table). */
    synchronized ArrayNode summaries(long nowMs) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (FleetView.Board b : view.boards(nowMs)) {
            if (fleet.equals(b.fleet())) {
                a.add(summary(b));
            }
        }
        return a;
    }

    /** Summaries of the given boards only (a delta for the fleet table). */
    synchronized ArrayNode summaries(Set<String> boards, long nowMs) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (String id : boards) {
            FleetView.Board b = view.board(fleet, id, nowMs);
            if (b != null) {
                a.add(summary(b));
            }
        }
        return a;
    }

    private ObjectNode summary(FleetView.Board b) {
        ObjectNode o = Json.object();
        o.put("board", b.board());
        o.put("status", b.status().wireName());
        o.put("last_seen", b.lastSeenMs());
        StateMessage s = b.state();
        if (s != null) {
            o.put("session", s.session());
            putIf(o, "board_type", s.boardType());
            putIf(o, "agent_version", s.agentVersion());
            putIf(o, "firmware_version", s.firmwareVersion());
            putIf(o, "slot", s.slot());
            putIf(o, "reason", s.reason());
            o.put("boot_time", s.bootTime());
        }
        TelemetryMessage t = b.telemetry();
        if (t != null) {
            putIf(o, "health", t.health());
            putIf(o, "app_state", t.appState());
            o.put("thread_count", t.threadCount());
            o.put("uptime_s", t.uptimeS());
        }
        Extra x = extras.get(b.board());
        if (x != null) {
            o.put("crashes", x.crashes);
            ThreadsMessage th = x.threads;
            o.put("deadlocks", th == null || th.deadlocks() == null ? 0 : th.deadlocks().size());
            ArrayNode cpu = o.putArray("cpu");
            ArrayNode heap = o.putArray("heap");
            ArrayNode temp = o.putArray("temp");
            int skip = Math.max(0, x.history.size() - SPARK);
            Iterator<Sample> it = x.history.iterator();
            for (int i = 0; it.hasNext(); i++) {
                Sample sm = it.next();
                if (i < skip) {
                    continue;
                }
                addNum(cpu, sm.cpuPct());
                heap.add(round(sm.heapMaxMiB() > 0 ? 100 * sm.heapMiB() / sm.heapMaxMiB() : sm.heapMiB()));
                addNum(temp, sm.tempC());
            }
        }
        return o;
    }

    /** Everything about one board (the board page), or null when it was never heard of. */
    synchronized ObjectNode detail(String board, long nowMs) {
        FleetView.Board b = view.board(fleet, board, nowMs);
        Extra x = extras.get(board);
        if (b == null && x == null) {
            return null;
        }
        ObjectNode o = b != null ? summary(b) : Json.object().put("board", board).put("status", "unknown");
        if (b != null && b.telemetry() != null) {
            TelemetryMessage t = b.telemetry();
            o.set("telemetry", Json.MAPPER.valueToTree(t));
        }
        if (x == null) {
            return o;
        }
        o.put("version", x.version);
        ObjectNode h = o.putObject("history");
        ArrayNode ts = h.putArray("t");
        ArrayNode cpu = h.putArray("cpu");
        ArrayNode heap = h.putArray("heap_mib");
        ArrayNode heapMax = h.putArray("heap_max_mib");
        ArrayNode temp = h.putArray("temp");
        ArrayNode threads = h.putArray("threads");
        for (Sample sm : x.history) {
            ts.add(sm.t());
            addNum(cpu, sm.cpuPct());
            heap.add(round(sm.heapMiB()));
            heapMax.add(round(sm.heapMaxMiB()));
            addNum(temp, sm.tempC());
            threads.add(sm.threads());
        }
        if (x.threads != null) {
            o.set("threads", Json.MAPPER.valueToTree(x.threads));
        }
        ArrayNode ev = o.putArray("events");
        for (EventMessage e : x.events) {
            ev.add((JsonNode) Json.MAPPER.valueToTree(e));
        }
        if (x.deployStatus != null) {
            o.set("deploy_status", x.deployStatus);
        }
        ArrayNode log = o.putArray("log");
        for (LogMessage.Line l : x.log) {
            log.add((JsonNode) Json.MAPPER.valueToTree(l));
        }
        return o;
    }

    private static void putIf(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static void addNum(ArrayNode a, Double v) {
        if (v == null) {
            a.addNull();
        } else {
            a.add(round(v));
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
