package dev.spindle.threading;

/**
 * What every Spindle synchronisation object shares: a short, stable description for thread
 * tables and deadlock reports ({@code Lock#12}). The description is built by Spindle, never by
 * user code, so the registry can take it while holding its lock.
 */
abstract class Primitive {
    private static int counter; // guarded by Primitive.class

    private final String description;

    Primitive(String kind) {
        int id;
        synchronized (Primitive.class) {
            id = ++counter;
        }
        description = kind + "#" + id;
    }

    /** A primitive shown under a fixed label, such as {@code join Thread-3}. */
    Primitive(String label, boolean fixedLabel) {
        description = label;
    }

    /**
     * @return e.g. {@code Lock#12}, stable for the object's life. Overridden only inside this
     *         package, never by user code, so the registry may call it while holding its lock.
     */
    String describe() {
        return description;
    }
}
