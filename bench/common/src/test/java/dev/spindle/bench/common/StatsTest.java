package dev.spindle.bench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(0.0, Stats.median(List.of()));
    }

    @Test
    void nearestRankPercentile() {
        long[] v = new long[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        assertEquals(51, Stats.percentile(v, 0.50));
        assertEquals(100, Stats.percentile(v, 0.99));
        assertEquals(100, Stats.percentile(v, 1.0));
        assertEquals(-1, Stats.percentile(new long[0], 0.5));
    }
}
