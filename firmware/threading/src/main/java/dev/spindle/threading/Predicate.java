package dev.spindle.threading;

/**
 * The condition that {@link Condition#waitFor(Predicate, long)} waits for: Zerynth's
 * {@code wait_for(predicate)} argument. Spindle's own interface because CLDC 8 has no
 * {@code java.util.function}. It is called with the condition's lock held.
 */
public interface Predicate {
    /** @return whether the awaited state holds now */
    boolean test();
}
