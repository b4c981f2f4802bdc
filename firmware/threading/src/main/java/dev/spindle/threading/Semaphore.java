package dev.spindle.threading;

/**
 * Zerynth's {@code threading.Semaphore}: a counter of permits; {@code acquire} takes one, waiting
 * while there is none, {@code release} gives one back.
 *
 * <h2>Wake order</h2>
 * A release while threads wait hands the permit straight to the waiter with the highest priority,
 * the earliest among equals (the count stays at zero, so no newcomer can take it first). Each
 * waiter waits on its own monitor: a release wakes exactly one thread. (The Zerynth doc allows any
 * order; Spindle promises this one.)
 *
 * <h2>Timeouts and interrupts</h2>
 * As {@link Lock}: milliseconds, {@code -1} forever, {@code 0} try once; a timed-out or
 * interrupted waiter neither keeps nor loses a permit.
 *
 * <h2>Memory effects</h2>
 * Actions before a {@code release()} happen-before the actions after an {@code acquire()} that
 * takes that permit.
 *
 * <p>{@link #permits} is guarded by this.
 */
public class Semaphore extends Acquirable {
    private int permits;

    /** A semaphore with one permit (Zerynth's default). */
    public Semaphore() {
        this(1);
    }

    /**
     * @param value the initial number of permits
     * @throws IllegalArgumentException if {@code value} is negative (Python's ValueError)
     */
    public Semaphore(int value) {
        super(SEMAPHORE);
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, got " + value);
        }
        permits = value;
    }

    /**
     * Gives a permit back: to the best waiter if any, else to the count.
     *
     * @throws ThreadError if the count would pass {@code Integer.MAX_VALUE}
     */
    public void release() {
        Waiter next;
        synchronized (this) {
            next = handOff();
            if (next == null) {
                if (permits == Integer.MAX_VALUE) {
                    throw new ThreadError("semaphore released too many times (count would overflow)");
                }
                permits++;
                return;
            }
        }
        next.wake();
    }

    /** @return the permits available now (not counting any being handed over) */
    public synchronized int available() {
        return permits;
    }

    @Override
    public String toString() {
        return describe() + "(" + available() + ")";
    }

    @Override
    final boolean tryTake(java.lang.Thread caller) {
        if (permits == 0) {
            return false;
        }
        permits--;
        return true;
    }

    @Override
    final void giveBack() {
        release();
    }
}
