package dev.spindle.tools.deploy;

/**
 * Deploys a bundle to one board: the per-board step that the {@link RolloutEngine} runs for each
 * board, several at once. The engine owns timeouts: when a step takes longer than allowed it
 * interrupts the calling thread and records the board as {@code timed_out}; an implementation
 * must return (or throw {@link InterruptedException}) promptly when interrupted, but the rollout
 * does not depend on it (a thread that does not return is abandoned, its result ignored).
 *
 * <p>The MQTT implementation is {@link MqttBoardDeployment}.
 */
public interface BoardDeployment {
    /**
     * Runs the whole deploy on one board, reporting each step to {@code listener}, and returns
     * how it ended. Must be safe to call for several boards at once, and again for a board whose
     * earlier attempt was interrupted ({@link DeployTask#resumeFrom()}).
     *
     * @return done, failed or rolled_back; never null
     * @throws InterruptedException when interrupted (a timeout or the rollout being stopped): the
     *                              board's state is then recorded as the last step reported
     */
    Outcome deploy(DeployTask task, ProgressListener listener) throws InterruptedException;
}
