package dev.spindle.hal;

/**
 * The stop bits of a serial frame.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class StopBits extends Setting {
    /** One stop bit. */
    public static final StopBits ONE = new StopBits("1");
    /** One and a half stop bits (5-bit frames on most UARTs). */
    public static final StopBits ONE_POINT_FIVE = new StopBits("1.5");
    /** Two stop bits. */
    public static final StopBits TWO = new StopBits("2");

    private static final StopBits[] ALL = {ONE, ONE_POINT_FIVE, TWO};

    private StopBits(String name) {
        super(name);
    }

    /** @return every value, in declaration order */
    public static StopBits[] values() {
        StopBits[] copy = new StopBits[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code 1} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static StopBits parse(String text) {
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "a stop-bits setting");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
