package dev.spindle.hal;

/**
 * Which level changes an edge listener hears about.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class Edge extends Setting {
    /** Low to high. */
    public static final Edge RISING = new Edge("rising");
    /** High to low. */
    public static final Edge FALLING = new Edge("falling");
    /** Either change (listeners for BOTH are told RISING or FALLING). */
    public static final Edge BOTH = new Edge("both");

    private static final Edge[] ALL = {RISING, FALLING, BOTH};

    private Edge(String name) {
        super(name);
    }

    /** @return every value, in declaration order */
    public static Edge[] values() {
        Edge[] copy = new Edge[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code rising} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Edge parse(String text) {
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "an edge setting");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
