package dev.spindle.threading;

/**
 * The Java counterpart of Python's {@code RuntimeError} as raised by Zerynth {@code threading}
 * and MicroPython {@code _thread}: starting a thread twice, joining one that was never started or
 * joining oneself, releasing an unlocked lock, using a {@link Condition} without holding its
 * lock, an interrupted wait, or a VM that cannot create another thread.
 *
 * <p>Shared by {@code dev.spindle.threading} and {@code dev.spindle.thread}.
 */
public class ThreadError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // CLDC 1.1's RuntimeException has no cause constructor, so the cause is kept here.
    private final Throwable cause;

    public ThreadError(String message) {
        this(message, null);
    }

    public ThreadError(String message, Throwable cause) {
        super(message);
        this.cause = cause;
    }

    /** The exception behind this error (an {@link InterruptedException} for interrupted waits), or null. */
    @Override
    public Throwable getCause() {
        return cause;
    }
}
