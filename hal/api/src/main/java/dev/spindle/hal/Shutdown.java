package dev.spindle.hal;

/**
 * What a digital output does when it is closed (or its board is): its safe level.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class Shutdown {
    /** Drive the line low, then release it. */
    public static final Shutdown LOW = new Shutdown("low");
    /** Drive the line high, then release it. */
    public static final Shutdown HIGH = new Shutdown("high");
    /** Leave the line at its last level. */
    public static final Shutdown KEEP = new Shutdown("keep");

    private static final Shutdown[] ALL = {LOW, HIGH, KEEP};

    private final String name;

    private Shutdown(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code low}, ...) */
    public String name() {
        return name;
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
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a shutdown (safe level) setting; use one of " + allowed());
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
