package dev.spindle.tools.deploy;

import java.util.Locale;

/**
 * The board events a rollout watches on {@code spindle/v1/{fleet}/{board}/events} (see
 * docs/deploy.md, "What the host expects from a board"), and how a board's deploy phase maps to
 * a rollout step.
 */
public final class DeployEvents {
    /** {@code data.phase}: the board's current phase; {@code data.sha256} the bundle. */
    public static final String PROGRESS = "deploy_progress";
    /** The new version runs and passed the health check; {@code data.version}, {@code data.sha256}. */
    public static final String DONE = "deploy_done";
    /** The board refused or could not install it; {@code data.reason}, {@code data.sha256}. */
    public static final String FAILED = "deploy_failed";
    /** The new version failed its health check and the board went back; {@code data.reason}, {@code data.version}. */
    public static final String ROLLBACK = "rollback";

    private DeployEvents() {
    }

    /** @return whether a rollout cares about events of this type */
    public static boolean relevant(String type) {
        return PROGRESS.equals(type) || DONE.equals(type) || FAILED.equals(type) || ROLLBACK.equals(type);
    }

    /**
     * Maps a board phase name to a rollout step: receiving/transfer/verifying to transferring;
     * installing, extracting, switching, starting to installing; health/health_check to
     * health_check. Unknown phases map to null (no step change).
     */
    public static BoardState step(String phase) {
        if (phase == null) {
            return null;
        }
        String p = phase.toLowerCase(Locale.ROOT);
        if (p.startsWith("health")) {
            return BoardState.HEALTH_CHECK;
        }
        if (p.startsWith("install") || p.startsWith("extract") || p.startsWith("switch") || p.startsWith("start")
                || p.startsWith("verif")) {
            return BoardState.INSTALLING;
        }
        if (p.startsWith("transfer") || p.startsWith("receiv") || p.startsWith("upload")) {
            return BoardState.TRANSFERRING;
        }
        return null;
    }
}
