package dev.spindle.tools.deploy;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each step of a board may take ({@code --step-timeout STEP=DURATION}), counted from
 * the moment the board enters the step. When one passes, the board ends {@code timed_out}.
 *
 * @param transfer     checking the board's state and sending the bundle (default 10 min)
 * @param install      verify, install into the inactive slot, switch (default 3 min)
 * @param healthCheck  start and health check until the board reports done or rolled back (default 5 min)
 */
public record StepTimeouts(Duration transfer, Duration install, Duration healthCheck) {
    public static final StepTimeouts DEFAULT = new StepTimeouts(Duration.ofMinutes(10), Duration.ofMinutes(3),
            Duration.ofMinutes(5));

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    /** @return the timeout of a step state */
    public Duration of(BoardState step) {
        return switch (step) {
            case TRANSFERRING -> transfer;
            case INSTALLING -> install;
            case HEALTH_CHECK -> healthCheck;
            default -> throw new IllegalArgumentException(step + " is not a step");
        };
    }

    /**
     * @param overrides step name ({@code transfer}, {@code install}, {@code health_check}) to
     *                  duration ({@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}; a bare number is seconds)
     * @throws IllegalArgumentException naming the bad step or duration
     */
    public StepTimeouts with(Map<String, String> overrides) {
        Duration t = transfer;
        Duration i = install;
        Duration h = healthCheck;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Duration d = parseDuration(e.getValue());
            switch (e.getKey().trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "transfer" -> t = d;
                case "install" -> i = d;
                case "health_check", "health" -> h = d;
                default -> throw new IllegalArgumentException("--step-timeout: unknown step '" + e.getKey()
                        + "': use transfer, install or health_check");
            }
        }
        return new StepTimeouts(t, i, h);
    }

    /** @throws IllegalArgumentException unless it is a positive number with an optional unit ms, s, m or h */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 500ms, 90s, 10m, 1h");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too long");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("duration '" + text + "' must be more than 0");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
