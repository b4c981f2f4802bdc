package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a rollout reads from a board's {@code deploy.status} reply (docs/deploy.md, "What the host
 * reads from a board"; the board side is {@code DeployController.status()}):
 * <pre>
 * {"active":"a", "previous":"b", "firmware_name":"blink", "firmware_version":"1.2.0", "busy":false,
 *  "slots":   {"a":{"status":"good","bundle":"blink","version":"1.2.0","sha256":"…",…}, "b":{…}},
 *  "pending": {"op":"health_check","id":"d-3","slot":"b","sha256":"…",…}   (null when idle)
 *  "failed":  [{"sha256":"…","bundle":"blink","version":"1.3.0","reason":"app_crashed","detail":"…"}],
 *  "history": [{"ts":…,"id":"d-3","outcome":"rolled_back","sha256":"…","reason":"app_crashed",…}], …}
 * </pre>
 * Missing fields read as unknown.
 *
 * @param activeSha256  SHA-256 of the bundle in the active slot, or null (factory firmware)
 * @param activeVersion the running firmware's version, or null
 * @param pendingSha256 the bundle being installed or health-checked, or null
 * @param pendingPhase  its step ({@code pending.op}: installing, switching, health_check, rolling_back), or null
 * @param failedReason  {@code reason: detail} recorded for {@code sha256} among the board's failed
 *                      bundles, null when it is not there
 * @param rolledBack    the board's newest {@code history} entry about {@code sha256} says
 *                      {@code rolled_back}: it was switched to and failed its health check
 */
public record DeployStatus(String activeSha256, String activeVersion, String pendingSha256, String pendingPhase,
        String failedReason, boolean rolledBack) {

    /** @param body the reply body; {@code sha256} is the rollout's bundle */
    public static DeployStatus parse(JsonNode body, String sha256) {
        String active = text(body, "active");
        JsonNode slot = active == null ? null : body.path("slots").path(active);
        JsonNode pending = body.path("pending");
        String failed = null;
        for (JsonNode f : body.path("failed")) {
            if (sha256.equalsIgnoreCase(f.path("sha256").asText(""))) {
                String reason = text(f, "reason");
                String detail = text(f, "detail");
                failed = reason == null ? "failed earlier on this board" : detail == null ? reason : reason + ": " + detail;
            }
        }
        String outcome = null; // of the newest history entry about the bundle (the history is oldest first)
        for (JsonNode h : body.path("history")) {
            if (sha256.equalsIgnoreCase(h.path("sha256").asText(""))) {
                outcome = text(h, "outcome");
            }
        }
        return new DeployStatus(slot == null ? null : text(slot, "sha256"), text(body, "firmware_version"),
                text(pending, "sha256"), text(pending, "op"), failed, "rolled_back".equals(outcome));
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
