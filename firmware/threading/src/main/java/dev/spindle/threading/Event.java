package dev.spindle.threading;

/**
 * Zerynth's {@code threading.Event}: a flag that threads can wait for.
 *
 * <h2>Wake order</h2>
 * {@link #set()} wakes every thread waiting at that moment, the highest priority first, FIFO among
 * equals; each was granted before {@code set()} returns, so a {@link #clear()} right after cannot
 * strand any of them. Each waiter waits on its own monitor.
 *
 * <h2>Timeouts and interrupts</h2>
 * {@link #await(long)} takes milliseconds: {@code -1} waits forever, {@code 0} only looks. An
 * interrupted wait sets the interrupt flag again and throws {@link ThreadError}.
 *
 * <h2>Memory effects</h2>
 * Actions before {@code set()} happen-before the actions after an {@code await()} that it ends.
 *
 * <p>{@link #flag} is guarded by this. The Python method {@code wait} is {@code await} here because
 * {@code Object.wait} is final.
 */
public class Event extends Sync {
    private boolean flag;

    /** A new event, not set. */
    public Event() {
        super(EVENT);
    }


    /** Sets the flag and wakes every waiting thread. */
    public void set() {
        Waiter one = null;
        Waiter[] many = null;
        synchronized (this) {
            flag = true;
            // Every waiter present at the set is granted here, highest priority first, and woken
            // in that order once the monitor is left (one waiter, the usual case, needs no array).
            if (oneQueued()) {
                one = handOff();
            } else {
                many = handOffAll();
            }
        }
        if (one != null) {
            one.wake();
        }
        Waiter.wakeAll(many);
    }

    /** Resets the flag: later {@code await} calls wait again. */
    public synchronized void clear() {
        flag = false;
    }

    /** @return whether the flag is set */
    public synchronized boolean isSet() {
        return flag;
    }

    /** Waits until the flag is set. Always returns true. */
    public boolean await() {
        return acquire(Timeouts.FOREVER);
    }

    /**
     * Waits until the flag is set or the time is up.
     *
     * @param timeoutMs the longest wait in milliseconds; {@code -1} waits forever, {@code 0} only looks
     * @return true if the flag was set (before or during the wait), false if the time ran out
     * @throws IllegalArgumentException a timeout below -1
     */
    public boolean await(long timeoutMs) {
        return acquire(Timeouts.checkMillis(timeoutMs));
    }

    @Override
    public String toString() {
        return describe() + (isSet() ? "(set)" : "(clear)");
    }

    @Override
    final boolean tryTake(java.lang.Thread caller) {
        return flag;
    }

    @Override
    final void giveBack() {
        // Nothing is consumed from an event.
    }
}
