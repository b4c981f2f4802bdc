package dev.spindle.protocol.transfer;

/**
 * Where a transfer stands, for progress bars.
 *
 * @param bytesAcked     bytes the board holds (acknowledged chunks, including those it had before)
 * @param chunksSent     chunk messages published by this sender so far, resends included
 * @param chunksResent   of those, sent again after no ack came
 * @param opens          open requests answered (1 + resumes after reconnects)
 * @param bytesPerSecond bytes acknowledged by this sender per second since it started
 */
public record TransferProgress(String transferId, String board, long totalBytes, long bytesAcked, int totalChunks,
        int chunksAcked, long chunksSent, long chunksResent, int opens, double bytesPerSecond, long elapsedMs) {

    /** @return 0..1 */
    public double fraction() {
        return totalBytes == 0 ? 1 : (double) bytesAcked / totalBytes;
    }
}
