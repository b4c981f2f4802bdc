package dev.spindle.hal;

import dev.spindle.threading.Thread;

/**
 * How a digital input is biased, debounced and how its edges are delivered. Immutable: each
 * {@code with} method returns a new configuration.
 *
 * <pre>
 * DigitalInput button = board.openInput(27, InputConfig.DEFAULT.pull(Pull.UP).debounceMs(20));
 * </pre>
 *
 * <h2>Debounce</h2>
 * After an edge is reported, level changes in the next {@code debounceMs} milliseconds are not
 * reported; when the window closes the line is read again and, if it now differs from the last
 * reported level, that change is reported. {@code 0} (the default) reports every change.
 *
 * <h2>Listener thread</h2>
 * Edge listeners run on a Spindle {@link Thread} of the given Zerynth priority (default
 * {@link Thread#PRIO_HIGH}), one thread per input with listeners.
 */
public final class InputConfig {
    /** No bias resistor, no debounce, listeners at {@link Thread#PRIO_HIGH}. */
    public static final InputConfig DEFAULT = new InputConfig(Pull.NONE, 0L, Thread.PRIO_HIGH);

    private final Pull pull;
    private final long debounceMs;
    private final int listenerPriority;

    private InputConfig(Pull pull, long debounceMs, int listenerPriority) {
        if (pull == null) {
            throw new IllegalArgumentException("an input needs a pull setting: use one of " + Pull.allowed());
        }
        if (debounceMs < 0) {
            throw new IllegalArgumentException("debounce is " + debounceMs + " ms; use 0 (off) or more");
        }
        if (listenerPriority < Thread.PRIO_LOWEST || listenerPriority > Thread.PRIO_HIGHEST) {
            throw new IllegalArgumentException("listener priority is " + listenerPriority
                    + "; use a Zerynth priority from PRIO_LOWEST (1) to PRIO_HIGHEST (7)");
        }
        this.pull = pull;
        this.debounceMs = debounceMs;
        this.listenerPriority = listenerPriority;
    }

    /** @return a copy with this bias resistor */
    public InputConfig pull(Pull p) {
        return new InputConfig(p, debounceMs, listenerPriority);
    }

    /** @return a copy with this debounce window in milliseconds (0 turns it off) */
    public InputConfig debounceMs(long ms) {
        return new InputConfig(pull, ms, listenerPriority);
    }

    /** @return a copy whose listeners run at this Zerynth priority (1..7) */
    public InputConfig listenerPriority(int prio) {
        return new InputConfig(pull, debounceMs, prio);
    }

    public Pull getPull() {
        return pull;
    }

    public long getDebounceMs() {
        return debounceMs;
    }

    public int getListenerPriority() {
        return listenerPriority;
    }

    @Override
    public String toString() {
        return "input(pull=" + pull + ", debounce=" + debounceMs + "ms, listenerPriority=" + listenerPriority + ")";
    }
}
