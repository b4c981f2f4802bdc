package dev.spindle.hal;

/**
 * What a digital output does when it is closed (or its board is): its safe level.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class Shutdown extends Setting {
    /** Drive the line low, then release it. */
    public static final Shutdown LOW = new Shutdown("low");
    /** Drive the line high, then release it. */
    public static final Shutdown HIGH = new Shutdown("high");
    /** Leave the line at its last level. */
    public static final Shutdown KEEP = new Shutdown("keep");

    private static final Shutdown[] ALL = {LOW, HIGH, KEEP};

    private Shutdown(String name) {
        super(name);
    }

    /** @return every value, in declaration order */
    public static Shutdown[] values() {
        Shutdown[] copy = new Shutdown[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code low} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Shutdown parse(String text) {
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "a shutdown (safe level) setting");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
