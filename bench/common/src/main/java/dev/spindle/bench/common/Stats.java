package dev.spindle.bench.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The order statistics the benchmark tables report. */
public final class Stats {
    private Stats() {
    }

    /** @return the median (mean of the middle two for an even count), 0 for no values */
    public static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * @param sorted values in ascending order
     * @param q      quantile in [0, 1]
     * @return the nearest-rank value at {@code q} (the element at floor(q * n), clamped), -1 for none
     */
    public static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
