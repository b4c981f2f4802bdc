package dev.spindle.hal;

/**
 * The parity bit of a serial frame.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class Parity extends Setting {
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

    private Parity(String name) {
        super(name);
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
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "a parity setting");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
