package dev.spindle.protocol.transfer;

/**
 * Limits and tuning of a {@link TransferReceiver}. Immutable; start from {@link #defaults()} and
 * change with the {@code with…} methods.
 *
 * @param maxBundleBytes  largest bundle accepted (larger: {@code too_large})
 * @param minFreeBytes    free space that must remain on the staging disk after the bundle
 *                        (less: {@code no_space})
 * @param minChunkBytes   smallest chunk size an open may ask for
 * @param maxChunkBytes   largest chunk size (the broker's message size limit bounds it: Moquette's
 *                        is 1 MiB in Spindle)
 * @param syncEveryChunks received chunks between two fsyncs of the data and the bitmap
 * @param syncEveryMs     the same, in time: a chunk arriving this long after the last sync syncs
 * @param ackEvery        at most this many chunks per ack (fewer when no more chunks are queued)
 * @param idleSupersedeMs an open of another transfer is refused ({@code busy}) while the active
 *                        one saw traffic within this time; after it, the new one supersedes it
 *                        (the old one's files are deleted)
 */
public record ReceiverOptions(long maxBundleBytes, long minFreeBytes, int minChunkBytes, int maxChunkBytes,
        int syncEveryChunks, long syncEveryMs, int ackEvery, long idleSupersedeMs) {

    public ReceiverOptions {
        if (maxBundleBytes < 1 || minFreeBytes < 0 || minChunkBytes < 1 || maxChunkBytes < minChunkBytes
                || syncEveryChunks < 1 || syncEveryMs < 0 || ackEvery < 1 || idleSupersedeMs < 0) {
            throw new IllegalArgumentException("invalid receiver options " + this);
        }
    }

    /** 256 MiB bundles, 16 MiB reserve, chunks 1 KiB..512 KiB, fsync every 128 chunks or 1 s, acks of up to 8, busy for 60 s. */
    public static ReceiverOptions defaults() {
        return new ReceiverOptions(256L << 20, 16L << 20, 1024, 512 * 1024, 128, 1000, 8, 60_000);
    }

    public ReceiverOptions withMaxBundleBytes(long n) {
        return new ReceiverOptions(n, minFreeBytes, minChunkBytes, maxChunkBytes, syncEveryChunks, syncEveryMs, ackEvery,
                idleSupersedeMs);
    }

    public ReceiverOptions withMinFreeBytes(long n) {
        return new ReceiverOptions(maxBundleBytes, n, minChunkBytes, maxChunkBytes, syncEveryChunks, syncEveryMs, ackEvery,
                idleSupersedeMs);
    }

    public ReceiverOptions withSync(int everyChunks, long everyMs) {
        return new ReceiverOptions(maxBundleBytes, minFreeBytes, minChunkBytes, maxChunkBytes, everyChunks, everyMs,
                ackEvery, idleSupersedeMs);
    }

    public ReceiverOptions withAckEvery(int n) {
        return new ReceiverOptions(maxBundleBytes, minFreeBytes, minChunkBytes, maxChunkBytes, syncEveryChunks, syncEveryMs,
                n, idleSupersedeMs);
    }

    public ReceiverOptions withIdleSupersedeMs(long ms) {
        return new ReceiverOptions(maxBundleBytes, minFreeBytes, minChunkBytes, maxChunkBytes, syncEveryChunks, syncEveryMs,
                ackEvery, ms);
    }
}
