package dev.spindle.threading;

/**
 * A {@code java.lang.Thread} made by a {@link Platform} to run a Spindle {@link Thread}: it leads
 * to that thread's record directly, so a waiting thread finds its registry row without the global
 * lock or a table look-up, and the registry needs no map entry for it. The record is set in the
 * carrier's constructor and never changes.
 */
interface Carrier {
    /** @return the record of the Spindle thread this carrier runs */
    ThreadRecord record();
}
