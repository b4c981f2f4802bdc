package dev.spindle.protocol;

/**
 * {@code spindle/v1/{fleet}/{board}/state}, retained, QoS 1: the board's birth (online) or death
 * (offline, from a clean stop or from the last will). Monitors keep the one with the highest
 * {@code session} and never rely on the MQTT retained flag (Moquette does not set it for late
 * subscribers).
 *
 * @param v                  protocol version ({@link Wire#VERSION})
 * @param ts                 when it was written, ms since the epoch (board clock)
 * @param fleet              fleet id
 * @param board              board id
 * @param online             true in a birth, false in a death
 * @param reason             for a death: {@code stopped} (clean stop) or {@code connection_lost} (last will)
 * @param session            grows at every connect of the board's agent (persisted on the board)
 * @param boardType          board definition name (e.g. {@code rpi4b}, {@code sim})
 * @param agentVersion       version of the Spindle agent
 * @param firmwareVersion    version of the installed firmware app
 * @param slot               active firmware slot ({@code a} or {@code b}), or null before deploys exist
 * @param bootTime           when the agent started, ms since the epoch
 * @param telemetryPeriodS   seconds between two telemetry messages (for staleness)
 * @param firmwareName       name of the running firmware (the bundle's name, or {@code factory} for
 *                           the app on the agent's class path), or null
 * @param devMode            true when the board accepts unsigned bundles ({@code deploy.allow.unsigned},
 *                           development only), false when it does not, null when unknown
 */
public record StateMessage(int v, long ts, String fleet, String board, boolean online, String reason,
        long session, String boardType, String agentVersion, String firmwareVersion, String slot,
        long bootTime, double telemetryPeriodS, String firmwareName, Boolean devMode) {

    public static final String REASON_STOPPED = "stopped";
    public static final String REASON_CONNECTION_LOST = "connection_lost";

    /** A state without the deploy fields ({@code firmwareName}, {@code devMode} unknown). */
    public StateMessage(int v, long ts, String fleet, String board, boolean online, String reason, long session,
            String boardType, String agentVersion, String firmwareVersion, String slot, long bootTime,
            double telemetryPeriodS) {
        this(v, ts, fleet, board, online, reason, session, boardType, agentVersion, firmwareVersion, slot, bootTime,
                telemetryPeriodS, null, null);
    }

    /** The same state, offline, for the last will or a clean stop. */
    public StateMessage offline(String why, long now) {
        return new StateMessage(v, now, fleet, board, false, why, session, boardType, agentVersion,
                firmwareVersion, slot, bootTime, telemetryPeriodS, firmwareName, devMode);
    }
}
