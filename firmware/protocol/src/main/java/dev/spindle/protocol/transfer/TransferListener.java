package dev.spindle.protocol.transfer;

/**
 * Told how a {@link TransferSender#send} goes; called on the sending thread, so it must be quick.
 * All methods have empty defaults.
 */
public interface TransferListener {
    /** The board answered an open (the first, or again after a reconnect); {@code p} counts what it holds. */
    default void opened(TransferProgress p, boolean resumed) {
    }

    /** More chunks were acknowledged (at most every {@link SenderOptions#progressEveryMs()}). */
    default void progress(TransferProgress p) {
    }

    /** Sending waits: the link is down or the board offline; {@code reason} says which. */
    default void paused(String reason) {
    }

    /** All chunks are on the board; it checks the SHA-256 and hands the file over. */
    default void verifying(TransferProgress p) {
    }

    TransferListener NONE = new TransferListener() {
    };
}
