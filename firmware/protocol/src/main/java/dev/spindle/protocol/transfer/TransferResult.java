package dev.spindle.protocol.transfer;

/**
 * A completed transfer: the board verified the file and took it.
 *
 * @param heldAtStart     chunks the board already had at the first open (a resume)
 * @param chunksSent      chunk messages published, resends included
 * @param chunksResent    of those, sent again after no ack came (or after a resume)
 * @param opens           open requests answered (more than 1: resumed after a reconnect)
 * @param alreadyComplete the board had taken this file before this send ({@code complete} with {@code already})
 *                        and nothing was sent
 */
public record TransferResult(String transferId, String board, long size, int chunks, int heldAtStart, long chunksSent,
        long chunksResent, int opens, long elapsedNanos, boolean alreadyComplete) {

    /** Bytes per second over the whole send (open to complete). */
    public double bytesPerSecond() {
        return elapsedNanos == 0 ? 0 : size * 1e9 / elapsedNanos;
    }
}
