package dev.spindle.protocol.transfer;

/**
 * Tuning and timeouts of a {@link TransferSender}. Immutable; start from {@link #defaults()}.
 *
 * @param chunkSize         bytes per chunk (the board accepts 1 KiB..512 KiB by default)
 * @param window            chunks sent and not yet acknowledged by the board, at most
 * @param ackTimeoutMs      a chunk not acknowledged this long is sent again; when no ack at all
 *                          came for this long, the sender asks the board for its bitmap again
 * @param openResendMs      an unanswered open is sent again after this long
 * @param openTimeoutMs     no answer to the open for this long (while connected): {@code timeout}
 * @param stallTimeoutMs    no new chunk acknowledged for this long (while connected): {@code timeout}
 * @param offlineTimeoutMs  the link or the board down for this long: {@code timeout}
 * @param completeTimeoutMs all chunks are there but no {@code complete}/{@code error} for this long
 *                          (the board checks the SHA-256 and hands the file over): {@code timeout}
 * @param progressEveryMs   least time between two {@link TransferListener#progress} calls
 * @param fresh             ask the board to discard what it holds of this file and start over
 */
public record SenderOptions(int chunkSize, int window, long ackTimeoutMs, long openResendMs, long openTimeoutMs,
        long stallTimeoutMs, long offlineTimeoutMs, long completeTimeoutMs, long progressEveryMs, boolean fresh) {

    public SenderOptions {
        if (chunkSize < 1 || window < 1 || ackTimeoutMs < 1 || openResendMs < 1 || openTimeoutMs < 1 || stallTimeoutMs < 1
                || offlineTimeoutMs < 1 || completeTimeoutMs < 1 || progressEveryMs < 0) {
            throw new IllegalArgumentException("invalid sender options " + this);
        }
    }

    /** 64 KiB chunks, window 64 (4 MiB in flight), resend after 5 s, open 30 s, stall 60 s, offline 5 min, complete 2 min. */
    public static SenderOptions defaults() {
        return new SenderOptions(64 * 1024, 64, 5_000, 2_000, 30_000, 60_000, 300_000, 120_000, 200, false);
    }

    public SenderOptions withChunk(int chunkSize, int window) {
        return new SenderOptions(chunkSize, window, ackTimeoutMs, openResendMs, openTimeoutMs, stallTimeoutMs,
                offlineTimeoutMs, completeTimeoutMs, progressEveryMs, fresh);
    }

    public SenderOptions withTimeouts(long ackTimeoutMs, long openTimeoutMs, long stallTimeoutMs, long offlineTimeoutMs,
            long completeTimeoutMs) {
        return new SenderOptions(chunkSize, window, ackTimeoutMs, Math.min(openResendMs, openTimeoutMs), openTimeoutMs,
                stallTimeoutMs, offlineTimeoutMs, completeTimeoutMs, progressEveryMs, fresh);
    }

    public SenderOptions withFresh(boolean fresh) {
        return new SenderOptions(chunkSize, window, ackTimeoutMs, openResendMs, openTimeoutMs, stallTimeoutMs,
                offlineTimeoutMs, completeTimeoutMs, progressEveryMs, fresh);
    }
}
