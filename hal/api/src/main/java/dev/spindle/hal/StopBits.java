package dev.spindle.hal;

/**
 * The stop bits of a serial frame.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class StopBits {
    /** One stop bit. */
    public static final StopBits ONE = new StopBits("1");
    /** One and a half stop bits (5-bit frames on most UARTs). */
    public static final StopBits ONE_POINT_FIVE = new StopBits("1.5");
    /** Two stop bits. */
    public static final StopBits TWO = new StopBits("2");

    private static final StopBits[] ALL = {ONE, ONE_POINT_FIVE, TWO};

    private final String name;

    private StopBits(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code 1}, ...) */
    public String name() {
        return name;
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
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a stop-bits setting; use one of " + allowed());
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
