package dev.spindle.bundle;

/**
 * A bundle was refused. {@link #reason()} is the typed cause; {@link #detail()} says what was
 * found; {@link #getMessage()} adds what to do about it.
 */
public final class BundleRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final String detail;

    /**
     * @param reason the typed cause
     * @param detail what was found, naming the entry or field concerned
     */
    public BundleRejectedException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    /**
     * @param reason the typed cause
     * @param detail what was found
     * @param cause the underlying exception, if any
     */
    public BundleRejectedException(Reason reason, String detail, Throwable cause) {
        super(reason.wireName() + ": " + detail + ". " + reason.advice(), cause);
        this.reason = reason;
        this.detail = detail;
    }

    /** @return the typed reason (stable wire name: {@code reason().wireName()}) */
    public Reason reason() {
        return reason;
    }

    /** @return what was found, without the advice */
    public String detail() {
        return detail;
    }
}
