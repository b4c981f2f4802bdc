package dev.spindle.tools.deploy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where one board is in a rollout. Stored by {@link #wireName()} (rollout files, JSON output,
 * the audit log), never by ordinal; a wire name is never renamed or reused.
 *
 * <pre>
 * pending -> transferring -> installing -> health_check -> done
 *                 |               |               |
 *                 +---------------+---------------+----> failed(reason) | rolled_back(reason) | timed_out(step)
 * pending -> skipped   (the failure threshold was crossed before the board was started)
 * </pre>
 * The three steps in the middle are the only non-final states besides {@code pending}; a board
 * moves only forward through them.
 */
public enum BoardState {
    /** Not started yet. */
    PENDING("pending"),
    /** The bundle is being sent to the board (or the board's state is being checked first). */
    TRANSFERRING("transferring"),
    /** The board verifies the bundle, installs it into its inactive slot and switches. */
    INSTALLING("installing"),
    /** The new app runs; the board checks its health for a grace period. */
    HEALTH_CHECK("health_check"),
    /** The board runs the new version and passed its health check. */
    DONE("done"),
    /** The board refused or could not install the bundle; it still runs the old version. */
    FAILED("failed"),
    /** The new version failed its health check; the board rolled back to the previous slot. */
    ROLLED_BACK("rolled_back"),
    /** A step did not end within its timeout; the board's real state is unknown. */
    TIMED_OUT("timed_out"),
    /** Never started: the rollout stopped (failure threshold) before this board's turn. */
    SKIPPED("skipped");

    private final String wireName;

    BoardState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** @return true for transferring, installing and health_check */
    public boolean inStep() {
        return this == TRANSFERRING || this == INSTALLING || this == HEALTH_CHECK;
    }

    /** @return true for done, failed, rolled_back, timed_out and skipped */
    public boolean isFinal() {
        return this == DONE || this == FAILED || this == ROLLED_BACK || this == TIMED_OUT || this == SKIPPED;
    }

    /** @return true for the final states that count against the failure threshold */
    public boolean countsAsFailure() {
        return this == FAILED || this == ROLLED_BACK || this == TIMED_OUT;
    }

    /** @throws IllegalArgumentException for an unknown name */
    @JsonCreator
    public static BoardState fromWireName(String name) {
        for (BoardState s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown board state '" + name + "'");
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
