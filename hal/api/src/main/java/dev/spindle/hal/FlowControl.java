package dev.spindle.hal;

/**
 * Serial flow control.
 *
 * <p>A small final class rather than an enum: a CLDC 8 VM may lack {@code java.lang.Enum}. Instances
 * are compared with {@code ==}; {@link #parse(String)} reads the names used in board files and on the
 * command line (case-insensitive).
 */
public final class FlowControl {
    /** No flow control. */
    public static final FlowControl NONE = new FlowControl("none");
    /** Hardware flow control on the RTS/CTS lines. */
    public static final FlowControl RTS_CTS = new FlowControl("rts-cts");
    /** Software flow control with XON/XOFF bytes. */
    public static final FlowControl XON_XOFF = new FlowControl("xon-xoff");

    private static final FlowControl[] ALL = {NONE, RTS_CTS, XON_XOFF};

    private final String name;

    private FlowControl(String name) {
        this.name = name;
    }

    /** @return the lower-case name ({@code none}, ...) */
    public String name() {
        return name;
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
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < ALL.length; i++) {
            if (ALL[i].name.equals(t)) {
                return ALL[i];
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a flow-control setting; use one of " + allowed());
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
