package dev.spindle.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Topic names of protocol version 1: {@code spindle/v1/{fleet}/{board}/{kind}}, where kind is
 * {@code state}, {@code telemetry}, {@code threads}, {@code events}, {@code log} or
 * {@code cmd/{name}}. Fleet and board ids are 1..64 characters of {@code [A-Za-z0-9_.-]}, so that
 * they never contain MQTT wildcards or separators.
 */
public final class Topics {
    public static final String ROOT = "spindle/v1";

    public static final String STATE = "state";
    public static final String TELEMETRY = "telemetry";
    public static final String THREADS = "threads";
    public static final String EVENTS = "events";
    public static final String LOG = "log";
    public static final String CMD = "cmd";

    /** Compiled once: {@link #checkId} is on every command's path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    private Topics() {
    }

    /** @throws IllegalArgumentException naming the rule when {@code id} is not a valid fleet or board id */
    public static String checkId(String what, String id) {
        if (id == null || id.isEmpty() || id.length() > 64 || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " id '" + id
                    + "' is not valid: use 1..64 characters of letters, digits, '_', '.', '-'");
        }
        return id;
    }

    public static String board(String fleet, String board) {
        return ROOT + "/" + checkId("fleet", fleet) + "/" + checkId("board", board);
    }

    public static String state(String fleet, String board) {
        return board(fleet, board) + "/" + STATE;
    }

    public static String telemetry(String fleet, String board) {
        return board(fleet, board) + "/" + TELEMETRY;
    }

    public static String threads(String fleet, String board) {
        return board(fleet, board) + "/" + THREADS;
    }

    public static String events(String fleet, String board) {
        return board(fleet, board) + "/" + EVENTS;
    }

    public static String log(String fleet, String board) {
        return board(fleet, board) + "/" + LOG;
    }

    public static String cmd(String fleet, String board, String command) {
        return board(fleet, board) + "/" + CMD + "/" + command;
    }

    /** The filter a board subscribes to for its commands: {@code spindle/v1/{fleet}/{board}/cmd/+}. */
    public static String cmdFilter(String fleet, String board) {
        return board(fleet, board) + "/" + CMD + "/+";
    }

    /** A filter for one kind of every board of a fleet, e.g. {@code spindle/v1/lab/+/telemetry}. */
    public static String fleetFilter(String fleet, String kind) {
        return ROOT + "/" + checkId("fleet", fleet) + "/+/" + kind;
    }

    /** A reply topic for a host tool with client id {@code clientId}: {@code spindle/v1/{fleet}/_reply/{clientId}}. */
    public static String replyTopic(String fleet, String clientId) {
        return ROOT + "/" + checkId("fleet", fleet) + "/_reply/" + checkId("client", clientId);
    }

    /** A topic split into its parts; {@code command} is set only for {@code cmd/{name}}. */
    public record Parsed(String fleet, String board, String kind, String command) {
    }

    /** @return the parts of a Spindle topic, or empty for anything else (other versions, reply topics) */
    public static Optional<Parsed> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT + "/")) {
            return Optional.empty();
        }
        String[] p = topic.substring(ROOT.length() + 1).split("/", -1);
        if (p.length < 3 || p[0].isEmpty() || p[1].isEmpty() || p[1].startsWith("_")) {
            return Optional.empty();
        }
        if (p.length == 3) {
            return Optional.of(new Parsed(p[0], p[1], p[2], null));
        }
        if (p.length == 4 && CMD.equals(p[2]) && !p[3].isEmpty()) {
            return Optional.of(new Parsed(p[0], p[1], CMD, p[3]));
        }
        return Optional.empty();
    }

    /** @return true when {@code topic} may be used as a reply topic: non-empty, no wildcards, no NUL */
    public static boolean isValidReplyTopic(String topic) {
        return topic != null && !topic.isEmpty() && topic.length() <= 256 && topic.indexOf('+') < 0
                && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0 && !topic.startsWith("$");
    }
}
