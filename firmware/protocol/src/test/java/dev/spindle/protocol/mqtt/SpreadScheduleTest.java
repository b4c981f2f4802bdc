package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reconnect slots after a lost connection, and what they do to a fleet's reconnect storm. */
class SpreadScheduleTest {
    private static final long W = 20_000;

    @Test
    void retriesKeepToOnePhaseOneSlotPerWindow() {
        for (int seed = 0; seed < 50; seed++) {
            SpreadSchedule s = new SpreadSchedule(W, new Random(seed));
            long t0 = 1_000_000;
            s.lost(t0);
            long first = t0 + s.delayMs(t0);
            assertTrue(first >= t0 && first < t0 + W, "first try inside the window: " + (first - t0));
            long phase = (first - t0) % W;
            long now = first + 3; // a refused connect fails at once
            long previous = first;
            for (int k = 0; k < 10; k++) {
                long at = now + s.delayMs(now);
                assertEquals(phase, (at - t0) % W, "every retry at the same phase");
                assertEquals(W, at - previous, "one try per window, none made up");
                previous = at;
                now = at;  // fails in the same millisecond: still the next slot, never 0 ms again
            }
        }
    }

    @Test
    void slotsThatPassDuringALongAttemptAreSkipped() {
        SpreadSchedule s = new SpreadSchedule(W, new Random(7));
        long t0 = 0;
        s.lost(t0);
        long first = s.delayMs(t0);
        long afterTimeout = first + 40_000 + 1; // the attempt hung for 40 s: two slots passed
        long next = afterTimeout + s.delayMs(afterTimeout);
        assertEquals(first + 3 * W, next, "the first slot not earlier than now");
        s.lost(next + 5);
        long again = s.delayMs(next + 5);
        assertTrue(again >= 0 && again < W, "a new loss draws a new phase in the window: " + again);
    }

    @Test
    void aWakeUpTooLateForItsSlotIsLateAndTheNextSlotIsAWindowOn() {
        SpreadSchedule s = new SpreadSchedule(W, new Random(3));
        s.lost(0);
        long slot = s.delayMs(0);
        assertEquals(false, s.late(slot + SpreadSchedule.LATE_MS), "in time");
        assertEquals(true, s.late(slot + SpreadSchedule.LATE_MS + 1), "too late");
        long woke = slot + 3_000;
        assertEquals(slot + W, woke + s.delayMs(woke), "the next slot, not now");
    }

    /**
     * The fleet of the test below, on a host that stalls for the first 4 s after the loss (1,000
     * simulated boards in one JVM): every wake-up due in the stall happens when it ends. Boards too
     * late for their slot take the next one; trying at once instead put 200 boards into one second.
     */
    @Test
    void aStalledHostDoesNotBunchTheBoardsThatWokeLate() {
        int boards = 1000;
        long stallMs = 4_000;
        long downMs = 3_000;
        for (int seed = 0; seed < 3; seed++) {
            Random random = new Random(seed);
            int[] perSecond = new int[(int) ((downMs + stallMs + 3 * W) / 1000) + 1];
            for (int b = 0; b < boards; b++) {
                SpreadSchedule s = new SpreadSchedule(W, random);
                s.lost(0);
                long now = 0;
                long at;
                while (true) {
                    long planned = now + s.delayMs(now);
                    long woke = Math.max(planned, stallMs); // nothing runs before the stall ends
                    if (s.late(woke)) {
                        now = woke;
                        continue; // the link waits for the next slot
                    }
                    at = woke;
                    if (at >= downMs) {
                        break;
                    }
                    now = at + 1; // refused
                }
                perSecond[(int) (at / 1000)]++;
            }
            int peak = 0;
            for (int c : perSecond) {
                peak = Math.max(peak, c);
            }
            assertTrue(peak <= boards / 10, "busiest second " + peak + " of " + boards + " after a 4 s stall");
        }
    }

    @Test
    void badWindowIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SpreadSchedule(0, new Random()));
        assertThrows(IllegalArgumentException.class, () -> LinkConfig.builder("tcp://127.0.0.1:1883", "x").reconnectSpread(-1));
    }

    /**
     * A fleet of 1,000 boards loses its broker at t = 0; the broker is away for D; each board's
     * attempts before D are refused at once, the first at or after D connects. Whatever D, no
     * second may see more than a tenth of the fleet connect (the target of issue 10), and every
     * board is back within W of the broker's return. The peak is a busiest-of-W Poisson count
     * around N/W = 50, near 65; jitter from each failure instead (the link's old rule, a retry
     * every W/2 on average) went above 100 for downtimes of 12-19 s with the same seeds.
     */
    @Test
    void aFleetComesBackEvenlyWhateverTheDowntime() {
        int boards = 1000;
        for (long downMs : new long[] {500, 5_000, 10_000, 12_000, 15_000, 19_000, 20_500, 45_000, 300_000}) {
            for (int seed = 0; seed < 3; seed++) {
                Random random = new Random(seed * 1000L + downMs);
                int[] perSecond = new int[(int) ((downMs + 2 * W) / 1000) + 1];
                long lastBack = 0;
                for (int b = 0; b < boards; b++) {
                    SpreadSchedule s = new SpreadSchedule(W, random);
                    s.lost(0);
                    long now = 0;
                    long at;
                    int attempts = 0;
                    do {
                        at = now + s.delayMs(now);
                        now = at + 1; // refused at once
                        attempts++;
                    } while (at < downMs);
                    perSecond[(int) (at / 1000)]++;
                    lastBack = Math.max(lastBack, at);
                    assertTrue(attempts <= downMs / W + 2, "one try per window: " + attempts + " tries for " + downMs + " ms");
                }
                int peak = 0;
                for (int c : perSecond) {
                    peak = Math.max(peak, c);
                }
                assertTrue(peak <= boards / 10, "busiest second " + peak + " of " + boards + " after " + downMs + " ms down");
                assertTrue(peak >= boards / 40, "the fleet does come back: busiest second " + peak);
                assertTrue(lastBack < downMs + W, "every board back within W of the broker's return: " + lastBack + " ms");
            }
        }
    }
}
