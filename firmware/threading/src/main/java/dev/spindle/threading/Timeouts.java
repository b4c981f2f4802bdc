package dev.spindle.threading;

/** Validation and bookkeeping of the Zerynth-side millisecond timeouts. */
final class Timeouts {
    /** Wait without a time limit. */
    static final long FOREVER = -1L;

    private Timeouts() {
    }

    /**
     * Checks a Zerynth timeout: {@code -1} waits forever, {@code 0} tries once, a positive value
     * waits at most that many milliseconds; any other negative value is refused.
     */
    static long checkMillis(long timeoutMs) {
        if (timeoutMs < FOREVER) {
            throw new IllegalArgumentException("timeout must be -1 (wait forever), 0 (try once) or a"
                    + " positive number of milliseconds, got " + timeoutMs);
        }
        return timeoutMs;
    }
}
