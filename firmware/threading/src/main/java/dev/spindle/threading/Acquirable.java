package dev.spindle.threading;

/**
 * The Zerynth {@code acquire(blocking=True, timeout=-1)} signature that {@link Lock} and
 * {@link Semaphore} share: what is acquired (the lock, a permit) is theirs; how is {@link Sync}'s.
 */
abstract class Acquirable extends Sync {
    Acquirable(int kind) {
        super(kind);
    }

    /** Acquires, waiting as long as it takes. Always returns true. */
    public boolean acquire() {
        return acquire(Timeouts.FOREVER);
    }

    /**
     * @param blocking false tries once without waiting
     * @return whether it was acquired
     */
    public boolean acquire(boolean blocking) {
        return acquire(blocking ? Timeouts.FOREVER : 0L);
    }

    /**
     * @param blocking  false tries once; then {@code timeoutMs} must be {@code -1}
     * @param timeoutMs the longest wait in milliseconds; {@code -1} waits forever, {@code 0} tries once
     * @return whether it was acquired (false when the time ran out)
     * @throws IllegalArgumentException a timeout with {@code blocking} false, or a timeout below -1
     */
    public boolean acquire(boolean blocking, long timeoutMs) {
        Timeouts.checkMillis(timeoutMs);
        if (!blocking && timeoutMs != Timeouts.FOREVER) {
            throw new IllegalArgumentException("can't specify a timeout for a non-blocking acquire");
        }
        return acquire(blocking ? timeoutMs : 0L);
    }
}
