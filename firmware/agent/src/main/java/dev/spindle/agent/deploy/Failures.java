package dev.spindle.agent.deploy;

import dev.spindle.bundle.Reason;

/**
 * The failure codes of deploys and rollbacks, stable wire names in {@code deploy_failed},
 * {@code rollback} and error replies (docs/deploy.md has the table with what to do). A refused
 * bundle uses the bundle refusal's own wire name ({@link Reason}: {@code unsigned},
 * {@code tampered}, …).
 */
public final class Failures {
    /** Another deploy or rollback is under way. */
    public static final String BUSY = "busy";
    /** This bundle (by SHA-256) failed before on this board; send it again with force to retry. */
    public static final String PREVIOUSLY_FAILED = "previously_failed";
    /** The bundle file does not exist or cannot be read. */
    public static final String NO_BUNDLE = "no_bundle";
    /** The file's SHA-256 differs from the one the transfer announced. */
    public static final String SHA256_MISMATCH = "sha256_mismatch";
    /** The trusted keys ({@code deploy.trust}) cannot be read. */
    public static final String TRUST_STORE = "trust_store";
    /** Writing the slot or the state failed (disk full, read-only, …). */
    public static final String IO_ERROR = "io_error";
    /** The new app could not start (main class missing, constructor threw). */
    public static final String APP_START_FAILED = "app_start_failed";
    /** The new app's main threw during the health check. */
    public static final String APP_FAILED = "app_failed";
    /** A thread of the new app ended with an exception during the health check. */
    public static final String APP_CRASHED = "app_crashed";
    /** Every thread of the new app ended during the health check. */
    public static final String APP_STOPPED = "app_stopped";
    /** The new app deadlocked during the health check. */
    public static final String DEADLOCK = "deadlock";
    /** No telemetry reached the broker by the end of the health check. */
    public static final String NO_TELEMETRY = "no_telemetry";
    /** The app's own health check said it is unhealthy, threw, or did not answer in time. */
    public static final String HEALTH_CHECK_FAILED = "health_check_failed";
    /** The old app did not stop, so the new one could not start. */
    public static final String OLD_APP_STUCK = "old_app_stuck";
    /** The agent was restarted (crash, power cut, kill) in the middle of the deploy. */
    public static final String INTERRUPTED = "interrupted";
    /** Rollback on demand: nothing valid to roll back to. */
    public static final String NO_PREVIOUS = "no_previous";

    private Failures() {
    }

    /** @return the code of a bundle refusal */
    public static String of(Reason r) {
        return r.wireName();
    }
}
