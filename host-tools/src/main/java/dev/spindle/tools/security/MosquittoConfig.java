package dev.spindle.tools.security;

import dev.spindle.protocol.Topics;
import java.nio.file.Path;
import java.util.List;

/**
 * The text of a Mosquitto 2 configuration and ACL for one fleet (docs/security.md explains each
 * line). Pure text generation; {@code spindle broker-config} writes the files.
 *
 * @param fleet              the fleet id
 * @param port               the TLS listener's port
 * @param bind               the listener's address, or null for all
 * @param dir                where the files will be on the broker machine (absolute)
 * @param requireCertificate clients must also present a certificate signed by the fleet CA
 * @param operators          user names with every right in the fleet
 * @param dashboards         read-only user names
 */
public record MosquittoConfig(String fleet, int port, String bind, Path dir, boolean requireCertificate,
        List<String> operators, List<String> dashboards) {

    /** Largest MQTT packet: deploy chunks (up to 256 KiB) with room for their header. */
    public static final int MAX_PACKET_BYTES = 1024 * 1024;

    public MosquittoConfig {
        Topics.checkId("fleet", fleet);
        for (String u : operators) {
            checkUser(u);
        }
        for (String u : dashboards) {
            checkUser(u);
        }
    }

    private static void checkUser(String u) {
        if (u == null || !u.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("user name '" + u + "' is not valid: use 1..64 letters, digits, '_', '.', '-'");
        }
    }

    public String conf() {
        String d = dir.toString();
        return String.join("\n",
                "# Mosquitto 2 configuration for the Spindle fleet '" + fleet + "' (made by spindle broker-config;",
                "# docs/security.md). Start: mosquitto -c " + dir.resolve("mosquitto.conf"),
                "# After adding boards (spindle provision) reload: kill -HUP <mosquitto pid>.",
                "per_listener_settings false",
                "",
                "# TLS only; no plain listener",
                "listener " + port + (bind == null ? "" : " " + bind),
                "cafile " + d + "/ca.crt",
                "certfile " + d + "/server.crt",
                "keyfile " + d + "/server.key",
                "tls_version tlsv1.2",
                "require_certificate " + requireCertificate,
                "",
                "# every client logs in: boards with their board id, people with their role's name",
                "allow_anonymous false",
                "password_file " + d + "/passwd",
                "acl_file " + d + "/acl",
                "",
                "# request/reply latency: without it Nagle holds small packets back for tens of ms",
                "set_tcp_nodelay true",
                "# deploy chunks and bursts of telemetry",
                "max_packet_size " + MAX_PACKET_BYTES,
                "max_inflight_messages 1000",
                "max_queued_messages 10000",
                "",
                "persistence true",
                "persistence_location " + d + "/data/",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice",
                "") + "\n";
    }

    public String acl() {
        String f = Topics.ROOT + "/" + fleet;
        StringBuilder b = new StringBuilder();
        b.append("# Mosquitto ACL for the Spindle fleet '").append(fleet).append("' (made by spindle broker-config;\n")
                .append("# docs/security.md). Checked on every publish, subscribe and delivery; reload with SIGHUP.\n")
                .append("# Board ids and the user names below share one name space: never give a board a role's name.\n\n");
        for (String u : operators) {
            b.append("# operator: everything in the fleet\nuser ").append(u).append("\ntopic readwrite ").append(f).append("/#\n\n");
        }
        for (String u : dashboards) {
            b.append("# read-only dashboard: every topic of the fleet, no commands\nuser ").append(u)
                    .append("\ntopic read ").append(f).append("/#\n\n");
        }
        b.append("# Boards: user name = board id (%u). They publish their status under their own topics, one level\n")
                .append("# deep (state, telemetry, threads, events, log): never cmd/..., never another board's.\n")
                .append("pattern write ").append(f).append("/%u/+\n")
                .append("# ... read only their own commands and deploy transfers ...\n")
                .append("pattern read ").append(f).append("/%u/cmd/+\n")
                .append("pattern read ").append(f).append("/%u/xfer/#\n")
                .append("# ... and answer the host tools on their reply topics (_reply/{tool client id}). A board can\n")
                .append("# publish to any tool's reply topic; request ids carry 64 random bits and a board sees only\n")
                .append("# its own requests, so it cannot answer for another board (docs/security.md).\n")
                .append("pattern write ").append(f).append("/_reply/+\n");
        return b.toString();
    }
}
