package dev.spindle.protocol.transfer;

/** A transfer that did not complete: the {@link TransferError} and a message saying what to do. */
public class TransferException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TransferError code;

    public TransferException(TransferError code, String message) {
        super(message);
        this.code = code;
    }

    public TransferException(TransferError code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public TransferError code() {
        return code;
    }

    /** @return true for {@link TransferError#TIMEOUT} */
    public boolean isTimeout() {
        return code == TransferError.TIMEOUT;
    }
}
