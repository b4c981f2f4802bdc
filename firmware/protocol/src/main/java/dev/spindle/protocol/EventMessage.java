package dev.spindle.protocol;

import java.util.Map;

/**
 * {@code spindle/v1/{fleet}/{board}/events}, QoS 1, not retained. Kept on the board's disk while
 * the broker is away and sent in order afterwards; {@code (session, seq)} identifies an event, so
 * a consumer can drop a duplicate.
 *
 * @param v        protocol version
 * @param ts       ms since the epoch (board clock) when it happened
 * @param session  the agent session it happened in
 * @param seq      1, 2, 3... within the session
 * @param type     see {@link #TYPES}
 * @param severity {@code info}, {@code warning} or {@code error}
 * @param message  one line for humans
 * @param thread   the thread concerned, or null
 * @param stack    a stack trace, or null
 * @param data     extra fields of the type (documented in docs/protocol.md), or null
 */
public record EventMessage(int v, long ts, long session, long seq, String type, String severity, String message,
        String thread, String stack, Map<String, Object> data) {

    public static final String AGENT_STARTED = "agent_started";
    public static final String APP_STARTED = "app_started";
    public static final String APP_STOPPED = "app_stopped";
    public static final String APP_FAILED = "app_failed";
    public static final String THREAD_CRASHED = "thread_crashed";
    public static final String DEADLOCK = "deadlock";
    public static final String BAD_REQUEST = "bad_request";
    public static final String EVENTS_DROPPED = "events_dropped";
    /** The board's data directory cannot be written (disk full, read-only file system); data.problem says which. */
    public static final String STORAGE_FAILED = "storage_failed";
    /** The data directory can be written again. */
    public static final String STORAGE_RECOVERED = "storage_recovered";

    /** A deploy step began: {@code data.phase} is installing, switching or health_check (docs/deploy.md). */
    public static final String DEPLOY_PROGRESS = "deploy_progress";
    /** A deploy passed its health check: the new firmware runs (terminal). */
    public static final String DEPLOY_DONE = "deploy_done";
    /** A deploy was refused or failed: {@code data.reason} is its code (terminal). */
    public static final String DEPLOY_FAILED = "deploy_failed";
    /** The board went back to the previous firmware: automatically after a failed health check, or on demand. */
    public static final String ROLLBACK = "rollback";
    /** The deploy state file was missing parts, damaged or inconsistent and was repaired (data.problem). */
    public static final String DEPLOY_STATE_RECOVERED = "deploy_state_recovered";

    /** A bundle transfer was opened on the board, new or resumed (data: sha256, name, size, held, chunks). */
    public static final String TRANSFER_STARTED = "transfer_started";
    /** A bundle transfer failed on the board (data: sha256, code); the sender got the same error. */
    public static final String TRANSFER_FAILED = "transfer_failed";

    /** An event from the code that runs the agent (a simulator, a host application), with its own message and data. */
    public static final String NOTE = "note";

    /** The types this version sends; later versions may add more (consumers must accept unknown ones). */
    public static final String[] TYPES = {AGENT_STARTED, APP_STARTED, APP_STOPPED, APP_FAILED, THREAD_CRASHED,
        DEADLOCK, BAD_REQUEST, EVENTS_DROPPED, STORAGE_FAILED, STORAGE_RECOVERED, DEPLOY_PROGRESS, DEPLOY_DONE,
        DEPLOY_FAILED, ROLLBACK, DEPLOY_STATE_RECOVERED, TRANSFER_STARTED, TRANSFER_FAILED, NOTE};

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";
}
