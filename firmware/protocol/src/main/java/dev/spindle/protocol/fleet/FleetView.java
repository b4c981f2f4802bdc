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
 * "Heard" is the earlier of the message's own {@code ts} and the time it arrived: a retained
 * telemetry delivered now but written long ago does not make a dead board look alive. This
 * assumes board clocks roughly in sync (NTP).
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
        long lastSeenMs;
    }

    private final Map<String, Entry> boards = new TreeMap<>(); // guarded by this; key fleet/board

    /**
     * Takes a message of any Spindle topic (others are ignored).
     *
     * @return true when it changed what is known
     */
    public synchronized boolean accept(String topic, byte[] payload, long nowMs) {
        return accept(topic, payload, null, nowMs);
    }

    /** {@link #accept(String, byte[], long)} of a payload already parsed (a monitor parses it once). */
    public synchronized boolean accept(String topic, JsonNode body, long nowMs) {
        return accept(topic, null, body, nowMs);
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

    private boolean accept(String topic, byte[] payload, JsonNode body, long nowMs) {
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
                e.lastSeenMs = Math.max(e.lastSeenMs, heard(t.ts(), nowMs));
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
            long nowMs) {
        Entry e = boards.computeIfAbsent(fleet + "/" + board, k -> new Entry());
        if (e.state != null && session < e.state.session()) {
            return false;
        }
        e.telemetryPeriodS = periodS;
        e.lastSeenMs = Math.max(e.lastSeenMs, heard(ts, nowMs));
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

    private static long heard(long ts, long now) {
        return ts > 0 ? Math.min(ts, now) : now;
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
