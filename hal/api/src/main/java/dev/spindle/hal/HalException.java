package dev.spindle.hal;

/**
 * A HAL operation failed. The message names the pin, port or file and says what to do, for example
 * {@code pin 40 is not a GPIO line on Raspberry Pi 4B; usable BCM lines are 2-27}.
 *
 * <p>Unchecked, like Python's {@code OSError} in the firmware this API serves: code that can do
 * something about a failure catches it; other code lets it end the thread, whose registry entry
 * then shows the message.
 */
public class HalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // CLDC 1.1's RuntimeException has no cause constructor, so the cause is kept here
    // (as dev.spindle.threading.ThreadError does).
    private final Throwable cause;

    /** @param message what failed, on which pin/port/file, and the fix */
    public HalException(String message) {
        this(message, null);
    }

    /**
     * @param message what failed, on which pin/port/file, and the fix
     * @param cause   the backend's exception
     */
    public HalException(String message, Throwable cause) {
        super(message);
        this.cause = cause;
    }

    /** @return the backend's exception behind this one, or null */
    @Override
    public Throwable getCause() {
        return cause;
    }
}
