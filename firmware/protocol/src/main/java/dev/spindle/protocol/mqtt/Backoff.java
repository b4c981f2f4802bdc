package dev.spindle.protocol.mqtt;

import java.util.Random;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * {@code [0, min(cap, base * 2^n))}. Full jitter spreads a fleet's reconnects after a broker
 * restart instead of having every board knock at the same instants.
 *
 * <p>Not thread-safe: one instance per reconnect loop.
 */
public final class Backoff {
    private final long baseMs;
    private final long capMs;
    private final Random random;
    private int attempt; // confined to the reconnect loop's thread

    public Backoff(long baseMs, long capMs, Random random) {
        if (baseMs <= 0 || capMs < baseMs) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + baseMs + " ms, cap " + capMs + " ms");
        }
        this.baseMs = baseMs;
        this.capMs = capMs;
        this.random = random;
    }

    /** @return the next delay in ms, and counts one more attempt */
    public long nextDelayMs() {
        long ceiling = ceilingMs(attempt);
        if (attempt < 62) {
            attempt++;
        }
        return (long) (random.nextDouble() * ceiling);
    }

    /** The upper bound of the delay for retry number {@code n} (0-based). */
    public long ceilingMs(int n) {
        if (n >= 62 || baseMs > (capMs >> Math.min(n, 62))) {
            return capMs;
        }
        return Math.min(capMs, baseMs << n);
    }

    public void reset() {
        attempt = 0;
    }

    public int attempts() {
        return attempt;
    }
}
