package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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
    void filtersMatchLikeMqtt() {
        assertTrue(Filters.matches("spindle/v1/lab/+/state", "spindle/v1/lab/pi/state"));
        assertFalse(Filters.matches("spindle/v1/lab/+/state", "spindle/v1/lab/pi/telemetry"));
        assertTrue(Filters.matches("spindle/#", "spindle/v1/x"));
        assertTrue(Filters.matches("spindle/v1/#", "spindle/v1"));
        assertFalse(Filters.matches("a/+", "a/b/c"));
        assertTrue(Filters.matches("$share/g/a/+", "a/b"));
        assertFalse(Filters.matches("#", "$SYS/x"));
    }

    /**
     * The scanning match (used per message) agrees with the split match on every filter and topic
     * (up to 3 and 4 levels) over a small alphabet: empty levels, wildcards, '$', prefixes of each other.
     */
    @Test
    void scanningMatchAgreesWithSplitMatchExhaustively() {
        String[] topicLevels = {"", "a", "ab", "b", "+x", "$s"};
        String[] filterLevels = {"", "a", "ab", "b", "+", "#", "$s"};
        List<String> topics = joins(topicLevels, 4);
        List<String> filters = joins(filterLevels, 3);
        List<String[]> split = topics.stream().map(t -> t.split("/", -1)).toList();
        int matched = 0;
        for (String f : filters) {
            String[] fp = f.split("/", -1);
            for (int i = 0; i < topics.size(); i++) {
                boolean expected = Filters.matches(fp, split.get(i));
                if (expected != Filters.matches(fp, topics.get(i))) {
                    assertEquals(expected, Filters.matches(fp, topics.get(i)), "filter '" + f + "' topic '" + topics.get(i) + "'");
                }
                matched += expected ? 1 : 0;
            }
        }
        assertTrue(matched > 1000, "the cases include many matches: " + matched);
    }

    /** @return every '/'-join of 1..max levels from {@code levels} */
    private static List<String> joins(String[] levels, int max) {
        List<String> out = new ArrayList<>();
        List<String> last = List.of(levels);
        out.addAll(last);
        for (int k = 2; k <= max; k++) {
            List<String> next = new ArrayList<>();
            for (String prefix : last) {
                for (String l : levels) {
                    next.add(prefix + "/" + l);
                }
            }
            out.addAll(next);
            last = next;
        }
        return out;
    }
}
