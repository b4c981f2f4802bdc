package dev.spindle.tools;

/** The exit codes of the {@code spindle} command, part of its interface for scripts. */
public final class ExitCodes {
    /** Everything asked for was done. */
    public static final int OK = 0;
    /** It failed; the message says what happened and what to do. */
    public static final int FAILURE = 1;
    /** The command line was wrong (picocli's usage error code). */
    public static final int USAGE = 2;
    /** The MQTT broker could not be reached. */
    public static final int BROKER_UNREACHABLE = 3;
    /** The board did not answer in time, or answered with an error. */
    public static final int BOARD_ERROR = 4;
    /**
     * A bundle was refused (verify, sign, bundle); the output names the reason by its stable wire
     * name (docs/deploy.md lists them with what to do).
     */
    public static final int REFUSED = 5;
    /**
     * {@code spindle deploy}: the rollout ended, or was stopped, with at least one targeted board
     * not running the new version (failed, rolled back, timed out, skipped or not reached); the
     * summary says which and why (docs/deploy.md, "Fleet rollouts").
     */
    public static final int ROLLOUT_INCOMPLETE = 6;

    private ExitCodes() {
    }
}
