package dev.spindle.protocol;

/** Constants of the wire format (see docs/protocol.md). */
public final class Wire {
    /** The {@code v} field of every message this version writes. */
    public static final int VERSION = 1;
    /** Largest request payload a board executes; larger ones get {@link ErrorCode#TOO_LARGE}. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Longest request id accepted. */
    public static final int MAX_ID_LENGTH = 128;
    /** QoS of state, telemetry, threads, events, requests and replies. */
    public static final int QOS_RELIABLE = 1;
    /** QoS of log lines (a lost batch is acceptable; log.tail gets them again). */
    public static final int QOS_LOG = 0;
    /** Missing telemetry periods after which a board counts as stale. */
    public static final int STALE_PERIODS = 3;

    private Wire() {
    }
}
