package dev.spindle.threading;

/**
 * Maps the seven Zerynth priorities ({@link Thread#PRIO_LOWEST} 1 .. {@link Thread#PRIO_HIGHEST} 7)
 * to Java priorities ({@code java.lang.Thread.MIN_PRIORITY} 1 .. {@code MAX_PRIORITY} 10).
 *
 * <p>Spindle's wait queues order waiters by the Zerynth priority itself, whatever this table says;
 * the table only decides what {@code java.lang.Thread.setPriority} is given, which a VM may honour
 * (most embedded VMs) or ignore (HotSpot on Linux ignores it unless run as root with
 * {@code -XX:ThreadPriorityPolicy=1}). A board definition can install its own table.
 *
 * <p>The table is replaced as a whole; readers see either the old or the new one (volatile).
 */
public final class PriorityMap {
    /** The default: 1, 2, 4, 5, 6, 8, 10 for Zerynth 1 .. 7 (NORMAL maps to Java's NORM_PRIORITY). */
    private static final int[] DEFAULT = {1, 2, 4, 5, 6, 8, 10};

    private static volatile int[] table = copy(DEFAULT);

    private PriorityMap() {
    }

    /** @return the Java priority for a Zerynth priority 1..7 */
    public static int toJava(int prio) {
        checkZerynth(prio);
        return table[prio - 1];
    }

    /** @return the highest Zerynth priority whose Java priority is at most {@code javaPriority}, at least 1 */
    public static int fromJava(int javaPriority) {
        int[] t = table;
        int prio = Thread.PRIO_LOWEST;
        for (int i = 0; i < t.length; i++) {
            if (t[i] <= javaPriority) {
                prio = i + 1;
            }
        }
        return prio;
    }

    /** @return a copy of the table in force: element {@code i} is the Java priority of Zerynth {@code i + 1} */
    public static int[] table() {
        return copy(table);
    }

    /**
     * Installs a table: seven Java priorities (1..10), one per Zerynth priority from lowest to
     * highest, never decreasing. Threads started later use it; running threads keep theirs.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static void install(int[] javaPriorities) {
        if (javaPriorities == null || javaPriorities.length != 7) {
            throw new IllegalArgumentException("a priority map has exactly 7 entries (Zerynth priorities"
                    + " 1..7, lowest first), got " + (javaPriorities == null ? "none" : "" + javaPriorities.length));
        }
        for (int i = 0; i < 7; i++) {
            int p = javaPriorities[i];
            if (p < java.lang.Thread.MIN_PRIORITY || p > java.lang.Thread.MAX_PRIORITY) {
                throw new IllegalArgumentException("priority map entry for Zerynth priority " + (i + 1)
                        + " is " + p + "; Java priorities are 1..10");
            }
            if (i > 0 && p < javaPriorities[i - 1]) {
                throw new IllegalArgumentException("priority map entry for Zerynth priority " + (i + 1)
                        + " (" + p + ") is below the entry for priority " + i + " (" + javaPriorities[i - 1]
                        + "); entries must not decrease");
            }
        }
        table = copy(javaPriorities);
    }

    /** Puts the default table back. */
    public static void reset() {
        table = copy(DEFAULT);
    }

    static void checkZerynth(int prio) {
        if (prio < Thread.PRIO_LOWEST || prio > Thread.PRIO_HIGHEST) {
            throw new IllegalArgumentException("priority must be between PRIO_LOWEST (1) and PRIO_HIGHEST (7),"
                    + " got " + prio);
        }
    }

    private static int[] copy(int[] t) {
        int[] c = new int[t.length];
        System.arraycopy(t, 0, c, 0, t.length);
        return c;
    }
}
