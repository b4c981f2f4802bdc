package dev.spindle.tools.deploy;

import java.util.Objects;

/**
 * How a {@link BoardDeployment} ended for one board.
 *
 * @param state   {@link BoardState#DONE}, {@link BoardState#FAILED} or {@link BoardState#ROLLED_BACK}
 * @param reason  why it failed or rolled back (a board's reason wire name and detail), null when done
 * @param version the version the board runs afterwards, when known, else null
 */
public record Outcome(BoardState state, String reason, String version) {
    public Outcome {
        Objects.requireNonNull(state, "state");
        if (state != BoardState.DONE && state != BoardState.FAILED && state != BoardState.ROLLED_BACK) {
            throw new IllegalArgumentException("an outcome is done, failed or rolled_back, not " + state);
        }
        if (state != BoardState.DONE && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a " + state + " outcome needs a reason");
        }
    }

    public static Outcome done(String version) {
        return new Outcome(BoardState.DONE, null, version);
    }

    public static Outcome failed(String reason) {
        return new Outcome(BoardState.FAILED, reason, null);
    }

    public static Outcome rolledBack(String reason, String version) {
        return new Outcome(BoardState.ROLLED_BACK, reason, version);
    }
}
