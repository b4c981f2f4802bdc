package dev.spindle.tools;

/** A failure a subcommand reports as one message and an exit code (see {@link ExitCodes}). */
public final class ToolException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ToolException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
