package dev.spindle.tools.deploy;

/**
 * One board's job in a rollout.
 *
 * @param board      board id (in the rollout's fleet)
 * @param bundle     what to install
 * @param resumeFrom null on a board's first attempt; on a resumed rollout the step the board was
 *                   in when the host tool stopped ({@link BoardState#TRANSFERRING},
 *                   {@link BoardState#INSTALLING}, {@link BoardState#HEALTH_CHECK}, or
 *                   {@link BoardState#TIMED_OUT} when it timed out earlier): the deployment must
 *                   first find out where the board really is instead of starting over
 * @param attempt    1 on the first attempt, +1 at each resume of this board
 */
public record DeployTask(String board, BundleInfo bundle, BoardState resumeFrom, int attempt) {
}
