package dev.spindle.protocol;

import java.util.Locale;

/**
 * Why a request failed, as {@code error.code} of a reply. The wire names are stable API (scripts
 * and dashboards switch on them); never rename one, only add.
 */
public enum ErrorCode {
    /** The payload is not a JSON object, or a field is missing or of the wrong type or range. */
    BAD_REQUEST("bad_request"),
    /** No command of that name on this board. */
    UNKNOWN_COMMAND("unknown_command"),
    /** The request payload is larger than the board accepts ({@link Wire#MAX_REQUEST_BYTES}). */
    TOO_LARGE("too_large"),
    /** The board cannot do it in its present state (no HAL, no app configured, app will not stop). */
    UNAVAILABLE("unavailable"),
    /** A pin, port or other named thing does not exist on this board. */
    NOT_FOUND("not_found"),
    /** The command failed on the board for an unexpected reason; the message says which. */
    INTERNAL("internal"),
    /** Host side only: no reply came in time (board offline, broker away). */
    TIMEOUT("timeout");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the code for a wire name; unknown names (from a newer board) map to {@link #INTERNAL} */
    public static ErrorCode fromWire(String name) {
        if (name != null) {
            for (ErrorCode c : values()) {
                if (c.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        return INTERNAL;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
