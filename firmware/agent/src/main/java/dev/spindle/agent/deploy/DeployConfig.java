package dev.spindle.agent.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The {@code deploy.*} keys of the agent configuration (docs/agent.md).
 *
 * @param trust          {@code deploy.trust}: trusted public keys, {@code .pub} files or directories of them,
 *                       separated by commas; read at every install (so a key added later needs no restart)
 * @param allowUnsigned  {@code deploy.allow.unsigned}: development mode, accepts unsigned bundles and
 *                       bundles signed by unknown keys; shown as {@code dev_mode} in {@code state}
 * @param healthGraceMs  {@code deploy.health.grace.ms}: how long a new firmware must run without a crash,
 *                       with telemetry flowing, before the app-defined check and {@code deploy_done}
 * @param healthTimeoutMs {@code deploy.health.timeout.ms}: the latest end of a health check (at least the
 *                       grace period); telemetry that has not flowed by then fails it ({@code no_telemetry})
 * @param stopTimeoutMs  {@code deploy.app.stop.timeout.ms}: how long to wait for an app to stop at a switch
 * @param maxBundleBytes {@code deploy.max.bundle.bytes}: the largest bundle the MQTT transfer accepts
 *                       (a larger one is refused with {@code too_large} before any chunk is sent)
 */
public record DeployConfig(List<Path> trust, boolean allowUnsigned, long healthGraceMs, long healthTimeoutMs,
        long stopTimeoutMs, long maxBundleBytes) {

    /** The default of {@code deploy.max.bundle.bytes}: 256 MiB. */
    public static final long DEFAULT_MAX_BUNDLE_BYTES = 256L << 20;

    /** Defaults: no trusted key, development mode off, 30 s grace, 5 min timeout, 5 s to stop an app, 256 MiB bundles. */
    public static final DeployConfig DEFAULT = new DeployConfig(List.of(), false, 30_000, 300_000, 5_000);

    public DeployConfig {
        trust = List.copyOf(trust);
        if (healthGraceMs < 0 || healthTimeoutMs < healthGraceMs || stopTimeoutMs < 0 || maxBundleBytes < 1) {
            throw new IllegalArgumentException("deploy.health.grace.ms must be >= 0 and deploy.health.timeout.ms"
                    + " at least as large; deploy.app.stop.timeout.ms >= 0; deploy.max.bundle.bytes >= 1");
        }
    }

    /** The same with the default {@code deploy.max.bundle.bytes}. */
    public DeployConfig(List<Path> trust, boolean allowUnsigned, long healthGraceMs, long healthTimeoutMs,
            long stopTimeoutMs) {
        this(trust, allowUnsigned, healthGraceMs, healthTimeoutMs, stopTimeoutMs, DEFAULT_MAX_BUNDLE_BYTES);
    }

    /**
     * @param p       the agent's properties
     * @param baseDir relative trust paths are resolved against it (null: as given)
     * @throws IllegalArgumentException naming the key and the fix
     */
    public static DeployConfig from(Properties p, Path baseDir) {
        List<Path> trust = new ArrayList<>();
        String t = p.getProperty("deploy.trust", "").trim();
        if (!t.isEmpty()) {
            for (String s : t.split(",")) {
                if (!s.isBlank()) {
                    Path x = Path.of(s.trim());
                    trust.add(x.isAbsolute() || baseDir == null ? x : baseDir.resolve(x));
                }
            }
        }
        String u = p.getProperty("deploy.allow.unsigned", "false").trim();
        if (!u.equals("true") && !u.equals("false")) {
            throw new IllegalArgumentException("deploy.allow.unsigned=" + u + " is not valid: use true (development"
                    + " boards only) or false");
        }
        long grace = millis(p, "deploy.health.grace.ms", DEFAULT.healthGraceMs());
        long timeout = millis(p, "deploy.health.timeout.ms", Math.max(DEFAULT.healthTimeoutMs(), grace));
        if (timeout < grace) {
            throw new IllegalArgumentException("deploy.health.timeout.ms=" + timeout
                    + " is shorter than deploy.health.grace.ms=" + grace + ": make it at least as long");
        }
        return new DeployConfig(trust, u.equals("true"), grace, timeout,
                millis(p, "deploy.app.stop.timeout.ms", DEFAULT.stopTimeoutMs()), bytes(p, "deploy.max.bundle.bytes"));
    }

    private static long bytes(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_BUNDLE_BYTES;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v.trim() + " is not valid: use a number of bytes, at least 1"
                    + " (e.g. 268435456 for 256 MiB)");
        }
    }

    private static long millis(Properties p, String key, long dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long ms = Long.parseLong(v.trim());
            if (ms < 0 || ms > 86_400_000L) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v.trim() + " is not valid: use milliseconds from 0 to 86400000");
        }
    }
}
