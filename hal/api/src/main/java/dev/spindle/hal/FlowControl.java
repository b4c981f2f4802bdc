package dev.spindle.hal;

/**
 * Serial flow control.
 *
 * <p>One of a fixed set of instances, compared with {@code ==} (see {@link Setting});
 * {@link #parse(String)} reads the names used in board files and on the command line.
 */
public final class FlowControl extends Setting {
    /** No flow control. */
    public static final FlowControl NONE = new FlowControl("none");
    /** Hardware flow control on the RTS/CTS lines. */
    public static final FlowControl RTS_CTS = new FlowControl("rts-cts");
    /** Software flow control with XON/XOFF bytes. */
    public static final FlowControl XON_XOFF = new FlowControl("xon-xoff");

    private static final FlowControl[] ALL = {NONE, RTS_CTS, XON_XOFF};

    private FlowControl(String name) {
        super(name);
    }

    /** @return every value, in declaration order */
    public static FlowControl[] values() {
        FlowControl[] copy = new FlowControl[ALL.length];
        System.arraycopy(ALL, 0, copy, 0, ALL.length);
        return copy;
    }

    /**
     * @param text a name such as {@code none} (case-insensitive, {@code _} or {@code -})
     * @return the value
     * @throws IllegalArgumentException naming the allowed values
     */
    public static FlowControl parse(String text) {
        int i = indexOf(ALL, text);
        if (i < 0) {
            throw unknown(ALL, text, "a flow-control setting");
        }
        return ALL[i];
    }

    /** @return the allowed names, comma-separated */
    public static String allowed() {
        return allowed(ALL);
    }
}
