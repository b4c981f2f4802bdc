package dev.spindle.tools.deploy;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.Rpc;

/**
 * Sends a bundle file to one board: the transfer part of {@link MqttBoardDeployment}, kept
 * behind this interface so that the chunked MQTT transfer ({@code dev.spindle.protocol.transfer},
 * its {@code TransferSender}) plugs in through one adapter.
 */
public interface BundleUploader {
    /**
     * Sends {@code bundle} to {@code board} and returns once the board holds the complete bundle
     * and has checked its SHA-256. Must resume from the chunks the board already holds (a
     * resumed rollout calls it again for a board whose transfer was cut).
     *
     * @param progress told the bytes the board holds so far, of the total
     * @throws UploadException when the transfer cannot be completed (the board refused it, the
     *                         transfer gave up); its reason goes into the board's {@code failed} state
     * @throws InterruptedException when interrupted (a timeout or a stop of the rollout); must
     *                              return promptly
     */
    void upload(String board, BundleInfo bundle, Progress progress) throws UploadException, InterruptedException;

    /**
     * The same, asking the board to install the bundle even if it failed there before
     * ({@code spindle deploy --force}). Uploaders that cannot pass the request ignore it.
     */
    default void upload(String board, BundleInfo bundle, Progress progress, boolean force)
            throws UploadException, InterruptedException {
        upload(board, bundle, progress);
    }

    /** Transfer progress of one board. */
    @FunctionalInterface
    interface Progress {
        void transferred(long bytes, long total);
    }

    /** Makes the uploader of a rollout, on the rollout's connection. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param link  the connected link of the rollout (shared by every board)
         * @param fleet the fleet id
         * @param rpc   the request/reply client on that link (one per link: a second one would
         *              take over the reply subscription)
         * @throws UnsupportedOperationException when this build cannot transfer bundles (the message says why)
         */
        BundleUploader create(Link link, String fleet, Rpc rpc);
    }

    /** A transfer that could not be completed. */
    final class UploadException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        /**
         * @param reason  a short stable word ({@code transfer_failed}, or the board's refusal reason
         *                such as {@code untrusted_key})
         * @param message what happened, for the operator
         */
        public UploadException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public UploadException(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
