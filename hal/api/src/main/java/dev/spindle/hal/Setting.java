package dev.spindle.hal;

/**
 * What the HAL's small setting classes ({@link Edge}, {@link Pull}, {@link Parity},
 * {@link StopBits}, {@link FlowControl}, {@link Shutdown}) share: a lower-case name and the lookup
 * of a name given in a board file or on the command line.
 *
 * <p>Final classes with a fixed set of instances rather than enums: a CLDC 8 VM may lack
 * {@code java.lang.Enum}. Instances are compared with {@code ==}.
 */
abstract class Setting {
    private final String name;

    Setting(String name) {
        this.name = name;
    }

    /** @return the lower-case name used in board files and on the command line */
    public final String name() {
        return name;
    }

    @Override
    public final String toString() {
        return name;
    }

    /**
     * @param text a name, case-insensitive, with {@code _} or {@code -}
     * @return the index of the setting with that name in {@code all}, or -1
     */
    static int indexOf(Setting[] all, String text) {
        String t = text == null ? "" : text.trim().toLowerCase().replace('_', '-');
        for (int i = 0; i < all.length; i++) {
            if (all[i].name.equals(t)) {
                return i;
            }
        }
        return -1;
    }

    /** @return the names of {@code all}, comma-separated */
    static String allowed(Setting[] all) {
        StringBuffer b = new StringBuffer();
        for (int i = 0; i < all.length; i++) {
            b.append(i == 0 ? "" : ", ").append(all[i].name);
        }
        return b.toString();
    }

    /** @return the exception for a name that is none of {@code all}, naming the allowed ones */
    static IllegalArgumentException unknown(Setting[] all, String text, String what) {
        return new IllegalArgumentException("'" + text + "' is not " + what + "; use one of " + allowed(all));
    }
}
