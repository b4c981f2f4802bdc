package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a rollout reads from a board's {@code deploy.status} reply (docs/deploy.md, "What the host
 * expects from a board"):
 * <pre>
 * {"active":  {"slot":"a","name":"blink","version":"1.2.0","sha256":"…"},
 *  "pending": {"sha256":"…","phase":"health_check"}          (absent when idle)
 *  "failed":  [{"sha256":"…","reason":"health_check_failed: …"}]}
 * </pre>
 * Missing fields read as unknown.
 *
 * @param activeSha256  SHA-256 of the bundle in the active slot, or null
 * @param activeVersion its version, or null
 * @param pendingSha256 the bundle being transferred or installed, or null
 * @param pendingPhase  its phase, or null
 * @param failedReason  the reason recorded for {@code sha256} among the board's failed bundles,
 *                      null when it is not there
 */
public record DeployStatus(String activeSha256, String activeVersion, String pendingSha256, String pendingPhase,
        String failedReason) {

    /** @param body the reply body; {@code sha256} is the rollout's bundle */
    public static DeployStatus parse(JsonNode body, String sha256) {
        JsonNode active = body.path("active");
        JsonNode pending = body.path("pending");
        String failed = null;
        for (JsonNode f : body.path("failed")) {
            if (f.isTextual() && f.asText().equalsIgnoreCase(sha256)) {
                failed = "failed earlier on this board";
            } else if (sha256.equalsIgnoreCase(f.path("sha256").asText(""))) {
                failed = f.path("reason").asText("failed earlier on this board");
            }
        }
        return new DeployStatus(text(active, "sha256"), text(active, "version"), text(pending, "sha256"),
                text(pending, "phase"), failed);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    /** @return whether the board runs {@code sha256} and has no deploy in progress */
    public boolean runs(String sha256) {
        return sha256.equalsIgnoreCase(activeSha256) && pendingSha256 == null;
    }

    /** @return whether {@code sha256} is being deployed on the board right now */
    public boolean busyWith(String sha256) {
        return sha256.equalsIgnoreCase(pendingSha256);
    }
}
