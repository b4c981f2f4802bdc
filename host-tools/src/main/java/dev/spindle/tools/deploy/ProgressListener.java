package dev.spindle.tools.deploy;

/**
 * What a {@link BoardDeployment} tells the rollout engine while it works on one board. Calls may
 * come from any thread; they return quickly (a step change is written to the rollout file first:
 * when {@link #step} returns, the new step is on disk).
 */
public interface ProgressListener {
    /**
     * The board entered a step: {@link BoardState#TRANSFERRING}, {@link BoardState#INSTALLING} or
     * {@link BoardState#HEALTH_CHECK}. Steps only go forward; a repeated or earlier step is
     * ignored. Each step has its own timeout, counted from this call.
     */
    void step(BoardState step);

    /** Bytes of the bundle the board holds so far (for the progress bar), of {@code total}. */
    void transferred(long bytes, long total);
}
