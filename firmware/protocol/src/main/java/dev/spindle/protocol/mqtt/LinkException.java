package dev.spindle.protocol.mqtt;

/** A publish or subscribe that did not complete: not connected, refused, or timed out. */
public class LinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }

    public LinkException(String message) {
        super(message);
    }
}
