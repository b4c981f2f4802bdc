package dev.spindle.hal;

/**
 * The bias resistor of a digital input.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class Pull extends Setting {
    /** No bias: a floating input reads whatever couples into it. */
    public static final Pull NONE = new Pull("none");
    /** Pulled up: reads high while nothing drives the line (a button to ground reads low when pressed). */
    public static final Pull UP = new Pull("up");
    /** Pulled down: reads low while nothing drives the line. */
    public static final Pull DOWN = new Pull("down");

    private static final Pull[] ALL = {NONE, UP, DOWN};

    private Pull(String name) {
        super(name);
    }

    /** @return every value, in declaration order */
    public static Pull[] values() {
        Pull[] copy = new Pull[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code none} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Pull parse(String text) {
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "a pull setting (bias resistor)");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
