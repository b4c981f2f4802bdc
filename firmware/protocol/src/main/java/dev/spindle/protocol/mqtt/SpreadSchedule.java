package dev.spindle.protocol.mqtt;

import java.util.Random;

/**
 * When to retry after an established connection was lost, so that a fleet whose broker restarted
 * comes back at an even rate however long the broker was away.
 *
 * <h2>Algorithm</h2>
 * When the connection is lost at {@code T0}, the board draws one phase {@code u} uniformly in
 * {@code [0, W)} and from then on tries only at the slots {@code T0 + u + k·W} (k = 0, 1, 2, ...):
 * each retry waits for the first unused slot not earlier than now. A fleet that lost its broker
 * at one instant therefore knocks at N/W connects a second, evenly, whether the broker is back
 * after one second or ten minutes, and every board is back within W of the broker's return.
 *
 * <p>Why not full jitter over W from each failure (what the link did before): a board then
 * retries every W/2 on average, so while the broker is down the fleet knocks at 2N/W a second,
 * and that is the connect rate a returning broker meets (a fifth of the fleet in some second at
 * W = 10 s, a tenth at W = 20 s; 1,000 simulated boards gave busiest seconds of 11-15 % at W = 20 s
 * for downtimes of 12-19 s). Fixed phases keep one attempt per board per W.
 *
 * <p>A slot is kept only when the board wakes for it in time ({@link #late}, {@value #LATE_MS} ms):
 * when the host stalls (a starved machine, 1,000 simulated boards losing their connections in one
 * JVM at once) the boards whose slots fell in the stall wake together when it ends, and trying
 * then would bring them all to the broker in one second. They take their next slot instead.
 *
 * <p>Not thread-safe: one instance per reconnect loop, used by its thread only.
 */
final class SpreadSchedule {
    /** How late a wake-up may be and still use its slot: a second's count stays near N/W. */
    static final long LATE_MS = 500;

    private final long windowMs;
    private final Random random;
    private long nextSlotMs;  // the earliest slot not used yet; valid after lost()
    private long givenSlotMs; // the slot the last delayMs() waited for
    private boolean started;

    /** @param windowMs W, the period of the slots and the width the fleet is spread over; > 0 */
    SpreadSchedule(long windowMs, Random random) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("spread window must be > 0 ms, got " + windowMs);
        }
        this.windowMs = windowMs;
        this.random = random;
    }

    /** The connection was lost at {@code nowMs}: draws a new phase. */
    void lost(long nowMs) {
        nextSlotMs = nowMs + (long) (random.nextDouble() * windowMs);
        started = true;
    }

    /**
     * @return how long to wait from {@code nowMs} until the next slot, and uses that slot; slots
     *     that passed while an attempt was running are skipped, never made up for
     */
    long delayMs(long nowMs) {
        if (!started) {
            lost(nowMs);
        }
        if (nextSlotMs < nowMs) {
            long missed = (nowMs - nextSlotMs + windowMs - 1) / windowMs; // slots that passed
            nextSlotMs += missed * windowMs;
        }
        long delay = nextSlotMs - nowMs;
        givenSlotMs = nextSlotMs;
        nextSlotMs += windowMs;
        return delay;
    }

    /** @return the slot the last {@link #delayMs} waited for (wall-clock ms) */
    long slotMs() {
        return givenSlotMs;
    }

    /** @return whether a wake-up at {@code nowMs} is too late for the slot last given out */
    boolean late(long nowMs) {
        return nowMs - givenSlotMs > LATE_MS;
    }
}
