package dev.spindle.agent.deploy;

/**
 * An install or rollback that is refused before anything changed: {@link #reason()} is a failure
 * code of {@link Failures} (or a bundle refusal's wire name), the message says what happened and
 * what to do.
 */
public final class DeployRefused extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public DeployRefused(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** @return the stable failure code */
    public String reason() {
        return reason;
    }
}
