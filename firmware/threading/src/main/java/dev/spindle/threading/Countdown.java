package dev.spindle.threading;

/**
 * The time left of one timed wait. {@link System#currentTimeMillis()} is the only clock CLDC has
 * (no {@code nanoTime}); time only counts while the clock moves forwards, so a clock stepped
 * backwards (NTP, RTC set) never makes a wait longer than asked.
 *
 * <p>Not thread-safe: owned by the one thread that waits.
 */
final class Countdown {
    private long left;
    private long last;

    Countdown(long timeoutMs) {
        left = timeoutMs;
        last = System.currentTimeMillis();
    }

    /** @return the milliseconds left, zero or less once the time is up */
    long left() {
        long now = System.currentTimeMillis();
        if (now > last) {
            left -= now - last;
        }
        last = now;
        return left;
    }
}
