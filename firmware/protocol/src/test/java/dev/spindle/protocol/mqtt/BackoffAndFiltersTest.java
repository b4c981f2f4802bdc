package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffAndFiltersTest {
    @Test
    void backoffIsExponentialFullJitterAndCapped() {
        Backoff b = new Backoff(100, 5000, new Random(1));
        assertEquals(100, b.ceilingMs(0));
        assertEquals(800, b.ceilingMs(3));
        assertEquals(5000, b.ceilingMs(6));
        assertEquals(5000, b.ceilingMs(70));
        long max = 0;
        for (int i = 0; i < 200; i++) {
            long d = b.nextDelayMs();
            assertTrue(d >= 0 && d < 5000, "delay " + d);
            max = Math.max(max, d);
        }
        assertTrue(max > 2500, "full jitter spreads up to the cap, max seen " + max);
        b.reset();
        assertTrue(b.nextDelayMs() < 100);
    }

    @Test
    void aFloorWidensTheWindowButNeverBeyondTheCap() {
        Backoff b = new Backoff(100, 5000, new Random(2));
        long max = 0;
        for (int i = 0; i < 200; i++) {
            b.reset();
            long d = b.nextDelayMs(2000); // attempt 0: plain window 100 ms, widened to 2000
            assertTrue(d >= 0 && d < 2000, "delay " + d);
            max = Math.max(max, d);
        }
        assertTrue(max > 1000, "the floor spreads the first retry, max seen " + max);
        Backoff capped = new Backoff(100, 500, new Random(3));
        for (int i = 0; i < 100; i++) {
            assertTrue(capped.nextDelayMs(10_000) < 500, "the cap still holds");
        }
        Backoff none = new Backoff(100, 5000, new Random(4));
        assertTrue(none.nextDelayMs(0) < 100, "no floor: the plain series");
    }

    @Test
    void filtersMatchLikeMqtt() {
        assertTrue(Filters.matches("spindle/v1/lab/+/state", "spindle/v1/lab/pi/state"));
        assertFalse(Filters.matches("spindle/v1/lab/+/state", "spindle/v1/lab/pi/telemetry"));
        assertTrue(Filters.matches("spindle/#", "spindle/v1/x"));
        assertTrue(Filters.matches("spindle/v1/#", "spindle/v1"));
        assertFalse(Filters.matches("a/+", "a/b/c"));
        assertTrue(Filters.matches("$share/g/a/+", "a/b"));
        assertFalse(Filters.matches("#", "$SYS/x"));
    }
}
