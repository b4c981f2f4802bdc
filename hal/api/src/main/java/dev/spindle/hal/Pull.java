package dev.spindle.hal;

/**
 * The bias resistor of a digital input.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class Pull {
    /** No bias: a floating input reads whatever couples into it. */
    public static final Pull NONE = new Pull("none");
    /** Pulled up: reads high while nothing drives the line (a button to ground reads low when pressed). */
    public static final Pull UP = new Pull("up");
    /** Pulled down: reads low while nothing drives the line. */
    public static final Pull DOWN = new Pull("down");

    private static final Pull[] ALL = {NONE, UP, DOWN};

    private final String name;

    private Pull(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code none}, ...) */
    public String name() {
        return name;
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
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a pull setting (bias resistor); use one of " + allowed());
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        StringBuffer b = new StringBuffer();
        for (int i = 0; i < ALL.length; i++) {
            b.append(i == 0 ? "" : ", ").append(ALL[i].name);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
