package dev.spindle.protocol.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Inbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a monitor knows about each board, from its {@code state} and {@code telemetry} messages,
 * and the rule that makes a board online, stale or offline (docs/protocol.md, "Online, stale,
 * offline"):
 * <ul>
 * <li>the {@code state} with the highest {@code session} wins, so a late will of an old
 *     session never hides a new birth; within one session an offline state is final;</li>
 * <li>offline when that state says so; stale when it says online but nothing was heard for
 *     {@value Wire#STALE_PERIODS} telemetry periods; online otherwise.</li>
 * </ul>
 * "Heard" is, for a telemetry newer than one this view already had from the board, when it
 * arrived: the board sent it after this consumer subscribed (a subscription brings one retained
 * message per topic), so it was up a moment ago however long the message took on the way, and a
 * slow pipeline on a loaded host does not make live boards look stale. For the first telemetry of
 * a board, for one that carries MQTT's retain flag (delivered because this consumer subscribed)
 * and for states, it is the earlier of the message's own {@code ts} and its arrival: a retained
 * telemetry delivered now but written long ago does not make a dead board look alive. (Why not the
 * retain flag alone: Moquette 0.17, the embedded broker, sends retained messages without it.)
 * This assumes board clocks roughly in sync (NTP).
 *
 * <p>Thread-safe (every method synchronizes on this).
 */
public final class FleetView {
    public enum Status {
        ONLINE, STALE, OFFLINE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A board as seen now.
     *
     * @param lastSeenMs when it was last heard of (ms since the epoch), 0 if never
     */
    public record Board(String fleet, String board, Status status, StateMessage state, TelemetryMessage telemetry,
            long lastSeenMs) {
    }

    private static final class Entry {
        StateMessage state;
        TelemetryMessage telemetry;
        double telemetryPeriodS; // of the newest telemetry, also when only its times were given
        long telemetryTs; // ts of the newest telemetry taken, 0 before the first
        long lastSeenMs;
    }

    private final Map<String, Entry> boards = new TreeMap<>(); // guarded by this; key fleet/board

    /**
     * Takes a message of any Spindle topic as a {@link dev.spindle.protocol.mqtt.Link} delivered it
     * (others are ignored).
     *
     * @return true when it changed what is known
     */
    public synchronized boolean accept(Inbound m, long nowMs) {
        return accept(m.topic(), m.payload(), null, m.retained(), nowMs);
    }

    /** {@link #accept(Inbound, long)} of a topic and payload; {@code retained} as MQTT delivered it. */
    public synchronized boolean accept(String topic, byte[] payload, boolean retained, long nowMs) {
        return accept(topic, payload, null, retained, nowMs);
    }

    /** {@link #accept(Inbound, long)} of a message whose origin is not known: counted as retained. */
    public synchronized boolean accept(String topic, byte[] payload, long nowMs) {
        return accept(topic, payload, null, true, nowMs);
    }

    /** {@link #accept(Inbound, long)} of a payload already parsed (a monitor parses it once). */
    public synchronized boolean accept(String topic, JsonNode body, boolean retained, long nowMs) {
        return accept(topic, null, body, retained, nowMs);
    }

    private <T> T read(byte[] payload, JsonNode body, Class<T> type) throws ProtocolException {
        if (body == null) {
            return Json.read(payload, type);
        }
        try {
            return Json.MAPPER.treeToValue(body, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "not a valid " + type.getSimpleName() + " message", e);
        }
    }

    private boolean accept(String topic, byte[] payload, JsonNode body, boolean retained, long nowMs) {
        Topics.Parsed p = Topics.parse(topic).orElse(null);
        if (p == null) {
            return false;
        }
        try {
            if (Topics.STATE.equals(p.kind())) {
                StateMessage s = read(payload, body, StateMessage.class);
                Entry e = boards.computeIfAbsent(p.fleet() + "/" + p.board(), k -> new Entry());
                if (e.state != null && older(s, e.state)) {
                    return false; // an older session's message arriving late
                }
                e.state = s;
                e.lastSeenMs = Math.max(e.lastSeenMs, heard(s.ts(), nowMs));
                return true;
            }
            if (Topics.TELEMETRY.equals(p.kind())) {
                TelemetryMessage t = read(payload, body, TelemetryMessage.class);
                Entry e = boards.computeIfAbsent(p.fleet() + "/" + p.board(), k -> new Entry());
                if (e.state != null && t.session() < e.state.session()) {
                    return false;
                }
                e.telemetry = t;
                e.telemetryPeriodS = t.periodS();
                e.lastSeenMs = Math.max(e.lastSeenMs, heardTelemetry(e, t.ts(), retained, nowMs));
                return true;
            }
        } catch (ProtocolException e) {
            return false; // not a valid message: a monitor shows what it can read
        }
        return false;
    }

    /**
     * A telemetry message of which only what the status needs was read: for a monitor that
     * takes in thousands of messages a second and prints them as they are ({@link Board#telemetry()}
     * keeps the last fully read one, null when there is none).
     *
     * @return true when it changed what is known (false: an older session's telemetry)
     */
    public synchronized boolean acceptTelemetry(String fleet, String board, long session, long ts, double periodS,
            boolean retained, long nowMs) {
        Entry e = boards.computeIfAbsent(fleet + "/" + board, k -> new Entry());
        if (e.state != null && session < e.state.session()) {
            return false;
        }
        e.telemetryPeriodS = periodS;
        e.lastSeenMs = Math.max(e.lastSeenMs, heardTelemetry(e, ts, retained, nowMs));
        return true;
    }

    /**
     * True when {@code s} must not replace {@code current}: a lower session; or the same session
     * when {@code current} is already offline (an offline is final for its session; the will
     * carries the time of the connect, earlier than the birth's) or both say the same and
     * {@code s} is older.
     */
    static boolean older(StateMessage s, StateMessage current) {
        if (s.session() != current.session()) {
            return s.session() < current.session();
        }
        if (s.online() != current.online()) {
            return s.online();
        }
        return s.ts() < current.ts();
    }

    /** The class comment's "heard" of a state, or of a telemetry that may be retained. */
    private static long heard(long ts, long now) {
        return ts > 0 ? Math.min(ts, now) : now;
    }

    /** The class comment's "heard" of a telemetry; records its ts. Caller holds the lock. */
    private static long heardTelemetry(Entry e, long ts, boolean retained, long now) {
        boolean live = !retained && e.telemetryTs > 0 && ts > e.telemetryTs;
        e.telemetryTs = Math.max(e.telemetryTs, ts);
        return live ? now : heard(ts, now);
    }

    /** @return every board, by fleet then board id, with its status at {@code nowMs} */
    public synchronized List<Board> boards(long nowMs) {
        List<Board> out = new ArrayList<>();
        for (Map.Entry<String, Entry> me : boards.entrySet()) {
            Entry e = me.getValue();
            String[] fb = me.getKey().split("/", 2);
            out.add(new Board(fb[0], fb[1], status(e, nowMs), e.state, e.telemetry, e.lastSeenMs));
        }
        return out;
    }

    public synchronized Board board(String fleet, String board, long nowMs) {
        Entry e = boards.get(fleet + "/" + board);
        return e == null ? null : new Board(fleet, board, status(e, nowMs), e.state, e.telemetry, e.lastSeenMs);
    }

    private static Status status(Entry e, long now) {
        if (e.state != null && !e.state.online()) {
            return Status.OFFLINE;
        }
        double period = e.telemetryPeriodS > 0 ? e.telemetryPeriodS
                : e.state != null && e.state.telemetryPeriodS() > 0 ? e.state.telemetryPeriodS() : 5;
        if (now - e.lastSeenMs > Wire.STALE_PERIODS * period * 1000) {
            return Status.STALE;
        }
        return e.state == null ? Status.STALE : Status.ONLINE;
    }
}
