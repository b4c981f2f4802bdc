package dev.spindle.bundle;

/**
 * Limits applied to a bundle before anything is written. Sizes are measured while inflating,
 * never taken from the zip headers.
 *
 * @param maxFileBytes the largest bundle file accepted
 * @param maxEntries the most entries (files and directories) in one bundle
 * @param maxTotalBytes the most bytes all entries may inflate to, together
 * @param maxEntryBytes the most bytes one entry may inflate to
 * @param maxRatio the largest inflated/compressed ratio of one entry once it has inflated past
 *     {@code ratioFloorBytes} (small, very compressible files such as a manifest are fine)
 * @param ratioFloorBytes below this many inflated bytes the ratio is not checked
 * @param maxNameBytes the longest entry name
 */
public record ZipLimits(long maxFileBytes, int maxEntries, long maxTotalBytes, long maxEntryBytes,
        int maxRatio, long ratioFloorBytes, int maxNameBytes) {

    /** The defaults: 256 MiB file and content, 1024 entries, ratio 100 past 1 MiB, 255-byte names. */
    public static final ZipLimits DEFAULT = new ZipLimits(256L << 20, 1024, 256L << 20, 256L << 20,
            100, 1L << 20, 255);

    /** Checks that every limit is positive. */
    public ZipLimits {
        if (maxFileBytes <= 0 || maxEntries <= 0 || maxTotalBytes <= 0 || maxEntryBytes <= 0
                || maxRatio <= 0 || ratioFloorBytes < 0 || maxNameBytes <= 0) {
            throw new IllegalArgumentException("zip limits must be positive: " + this);
        }
    }

    /** @return a copy with another entry count limit */
    public ZipLimits withMaxEntries(int n) {
        return new ZipLimits(maxFileBytes, n, maxTotalBytes, maxEntryBytes, maxRatio, ratioFloorBytes,
                maxNameBytes);
    }

    /** @return a copy with other total and per-entry size limits */
    public ZipLimits withMaxBytes(long total, long perEntry) {
        return new ZipLimits(maxFileBytes, maxEntries, total, perEntry, maxRatio, ratioFloorBytes,
                maxNameBytes);
    }
}
