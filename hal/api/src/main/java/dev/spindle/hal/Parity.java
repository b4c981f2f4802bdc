package dev.spindle.hal;

/**
 * The parity bit of a serial frame.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class Parity {
    /** No parity bit. */
    public static final Parity NONE = new Parity("none");
    /** Even parity. */
    public static final Parity EVEN = new Parity("even");
    /** Odd parity. */
    public static final Parity ODD = new Parity("odd");
    /** Parity bit always 1. */
    public static final Parity MARK = new Parity("mark");
    /** Parity bit always 0. */
    public static final Parity SPACE = new Parity("space");

    private static final Parity[] ALL = {NONE, EVEN, ODD, MARK, SPACE};

    private final String name;

    private Parity(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code none}, ...) */
    public String name() {
        return name;
    }

    /** @return every value, in declaration order */
    public static Parity[] values() {
        Parity[] copy = new Parity[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code none} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Parity parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a parity setting; use one of " + allowed());
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
