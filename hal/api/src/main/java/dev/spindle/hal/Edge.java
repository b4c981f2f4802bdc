package dev.spindle.hal;

/**
 * Which level changes an edge listener hears about.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class Edge {
    /** Low to high. */
    public static final Edge RISING = new Edge("rising");
    /** High to low. */
    public static final Edge FALLING = new Edge("falling");
    /** Either change (listeners for BOTH are told RISING or FALLING). */
    public static final Edge BOTH = new Edge("both");

    private static final Edge[] ALL = {RISING, FALLING, BOTH};

    private final String name;

    private Edge(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code rising}, ...) */
    public String name() {
        return name;
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
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an edge setting; use one of " + allowed());
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
