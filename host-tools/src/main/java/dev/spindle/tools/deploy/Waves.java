package dev.spindle.tools.deploy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --waves} plan: a comma-separated list of cumulative sizes, each an absolute board
 * count ({@code 1}, {@code 20}) or a percentage of the targeted boards ({@code 10%},
 * {@code 12.5%}). Wave i contains the boards up to its cumulative size minus those of the waves
 * before it. A percentage is rounded up ({@code 10%} of 5 boards is 1 board), a count larger than
 * the number of boards is capped at it, and a wave left with no board of its own after that is
 * dropped. The last entry must reach every targeted board ({@code 100%}, or a count at least
 * the number of boards): a rollout never stops short by plan, only by the failure threshold.
 *
 * <p>Immutable.
 */
public final class Waves {
    /** One entry: a count, or a percentage when {@code percent}. */
    record Size(BigDecimal value, boolean percent) {
        @Override
        public String toString() {
            return value.stripTrailingZeros().toPlainString() + (percent ? "%" : "");
        }
    }

    private final String text;
    private final List<Size> sizes;

    private Waves(String text, List<Size> sizes) {
        this.text = text;
        this.sizes = sizes;
    }

    /** @return the plan as given */
    public String text() {
        return text;
    }

    /**
     * @throws IllegalArgumentException naming the bad entry and the rule (for a usage error)
     */
    public static Waves parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--waves is empty: give cumulative sizes such as 1,10%,100%");
        }
        List<Size> sizes = new ArrayList<>();
        String[] parts = text.split(",", -1);
        for (String raw : parts) {
            String p = raw.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("--waves '" + text + "' has an empty entry: use e.g. 1,10%,100%");
            }
            boolean percent = p.endsWith("%");
            String num = percent ? p.substring(0, p.length() - 1).trim() : p;
            BigDecimal v;
            try {
                v = new BigDecimal(num);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--waves entry '" + p + "' is not a board count (5) or a"
                        + " percentage (10%)");
            }
            if (percent) {
                if (v.signum() <= 0 || v.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw new IllegalArgumentException("--waves entry '" + p + "': a percentage must be more than 0%"
                            + " and at most 100%");
                }
            } else {
                if (v.signum() <= 0 || v.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("--waves entry '" + p + "': a board count must be a whole"
                            + " number of at least 1");
                }
            }
            Size s = new Size(v, percent);
            for (Size before : sizes) {
                if (before.percent() == percent && before.value().compareTo(v) >= 0) {
                    throw new IllegalArgumentException("--waves '" + text + "': sizes are cumulative, so '" + s
                            + "' must be larger than the earlier '" + before + "'");
                }
            }
            sizes.add(s);
        }
        return new Waves(text.trim(), List.copyOf(sizes));
    }

    /**
     * @param boards how many boards are targeted (at least 1)
     * @return the cumulative end of each wave, strictly increasing, the last equal to {@code boards}
     * @throws IllegalArgumentException when the last entry does not reach every board, or the
     *                                  entries, once resolved, go backwards
     */
    public int[] resolve(int boards) {
        if (boards < 1) {
            throw new IllegalArgumentException("no boards to deploy to");
        }
        List<Integer> ends = new ArrayList<>();
        int last = 0;
        for (Size s : sizes) {
            int n;
            if (s.percent()) {
                n = s.value().multiply(BigDecimal.valueOf(boards)).divide(BigDecimal.valueOf(100), 0,
                        java.math.RoundingMode.CEILING).intValueExact();
            } else {
                n = s.value().min(BigDecimal.valueOf(boards)).intValueExact();
            }
            n = Math.min(n, boards);
            if (n < last) {
                throw new IllegalArgumentException("--waves '" + text + "': with " + boards + " boards, '" + s
                        + "' is " + n + " boards, fewer than the " + last + " of the wave before it");
            }
            if (n > last) {
                ends.add(n);
                last = n;
            }
        }
        if (last < boards) {
            throw new IllegalArgumentException("--waves '" + text + "' reaches only " + last + " of the " + boards
                    + " targeted boards: end it with 100%");
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }
}
