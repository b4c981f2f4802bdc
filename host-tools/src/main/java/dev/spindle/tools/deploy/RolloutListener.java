package dev.spindle.tools.deploy;

import java.util.List;

/**
 * What a {@link RolloutEngine} tells its user interface (progress bars, log lines). Called from
 * the engine's threads, never under its lock; implementations must be thread-safe and quick.
 */
public interface RolloutListener {
    /** A wave starts with these boards (those of the wave that still have something to do). */
    default void waveStarted(int wave, int waves, List<String> boards) {
    }

    /** A board changed state; {@code board} is a copy. */
    default void boardChanged(RolloutRecord.Board board) {
    }

    /** Transfer progress of a board. */
    default void transferred(String board, long bytes, long total) {
    }

    /** The engine starts no more boards: the threshold was crossed or a stop was asked for. */
    default void stopping(String reason) {
    }
}
