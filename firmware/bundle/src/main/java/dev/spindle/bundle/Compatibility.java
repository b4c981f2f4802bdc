package dev.spindle.bundle;

/**
 * What the bundle is checked against: the board's type and the agent's version. A null field is
 * not checked (the host tools verify a bundle without a board at hand); the agent passes both.
 *
 * @param boardType the board type (a board definition id such as {@code rpi-4b}), or null
 * @param agentVersion the agent's version, or null
 */
public record Compatibility(String boardType, SemVer agentVersion) {
    /** Checks nothing about the board or agent. */
    public static final Compatibility ANY = new Compatibility(null, null);
}
