package dev.spindle.tools.deploy;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code --max-failures N|P%}: how many boards may fail before the rollout stops.
 *
 * <p>Definition. A board <em>fails</em> when it ends {@code failed}, {@code rolled_back} or
 * {@code timed_out}. The <em>limit</em> is N, or P% of the targeted boards rounded down
 * ({@code 10%} of 25 boards is 2). The threshold is <em>crossed</em> as soon as the number of
 * failed boards in the whole rollout is greater than the limit. From then on no board is started
 * any more, neither of the current wave nor of a later one; boards already running finish and
 * their results count; boards never started end {@code skipped}. The default, 0, stops at the
 * first failure.
 *
 * <p>Immutable.
 */
public final class FailureThreshold {
    private final String text;
    private final BigDecimal value;
    private final boolean percent;

    private FailureThreshold(String text, BigDecimal value, boolean percent) {
        this.text = text;
        this.value = value;
        this.percent = percent;
    }

    /** @throws IllegalArgumentException for anything but a whole number {@code >= 0} or a percentage 0..100 */
    public static FailureThreshold parse(String text) {
        String t = text == null ? "" : text.trim();
        boolean pct = t.endsWith("%");
        String num = pct ? t.substring(0, t.length() - 1).trim() : t;
        BigDecimal v;
        try {
            v = new BigDecimal(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-failures '" + text + "' is not a board count (3) or a"
                    + " percentage (5%)");
        }
        if (v.signum() < 0 || (pct && v.compareTo(BigDecimal.valueOf(100)) > 0)
                || (!pct && v.stripTrailingZeros().scale() > 0)) {
            throw new IllegalArgumentException("--max-failures '" + text + "': use a whole number of boards >= 0"
                    + " or a percentage from 0% to 100%");
        }
        return new FailureThreshold(t, v, pct);
    }

    public String text() {
        return text;
    }

    /** @return how many failed boards are tolerated among {@code boards} targeted ones */
    public int limit(int boards) {
        if (!percent) {
            return value.min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue();
        }
        return value.multiply(BigDecimal.valueOf(boards)).divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR)
                .intValueExact();
    }

    @Override
    public String toString() {
        return text;
    }
}
