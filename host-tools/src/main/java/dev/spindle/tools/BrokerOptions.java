package dev.spindle.tools;

import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Connection settings shared by every subcommand that talks to the broker (a picocli mixin).
 * Each setting comes from, first to last: the flag, the environment variable, the config file,
 * the default. The config file is {@code --config}, else {@code SPINDLE_CONFIG}, else
 * {@code ~/.config/spindle/spindle.properties} when it exists; keys {@code broker.url},
 * {@code fleet}, {@code username}, {@code password.file}, {@code broker.ca}, {@code broker.cert},
 * {@code broker.key}, {@code broker.tls.insecure}.
 *
 * <p>The password is never a flag (it would show in {@code ps} and shell history): it comes from
 * a file ({@code --password-file}, {@code SPINDLE_PASSWORD_FILE}, {@code password.file}) or from
 * the environment ({@code SPINDLE_PASSWORD}), and no output or message ever shows it.
 */
public final class BrokerOptions {
    static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";

    @Option(names = "--broker", paramLabel = "URL",
            description = "MQTT broker, tcp://HOST:PORT or ssl://HOST:PORT for TLS (env SPINDLE_BROKER; default "
                    + DEFAULT_BROKER + ").")
    String broker;

    @Option(names = "--fleet", paramLabel = "ID", description = "Fleet id (env SPINDLE_FLEET; default 'default').")
    String fleet;

    @Option(names = "--username", description = "Broker user name (env SPINDLE_USERNAME).")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the broker password (env SPINDLE_PASSWORD_FILE, or the password "
                    + "itself in env SPINDLE_PASSWORD; never a flag).")
    Path passwordFile;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM CA certificate that signed the broker's certificate, for ssl:// (env SPINDLE_CA; "
                    + "default: the JDK's trusted CAs).")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "PEM client certificate, when the broker requires one (env SPINDLE_CERT).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "PEM PKCS#8 key of --cert (env SPINDLE_KEY).")
    Path key;

    @Option(names = "--tls-insecure",
            description = "Development only: do not check that the broker's certificate names its host "
                    + "(env SPINDLE_TLS_INSECURE=true). Prints a warning.")
    boolean tlsInsecure;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (env SPINDLE_CONFIG; default ~/.config/spindle/spindle.properties).")
    Path config;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for the broker and for replies, ms (default ${DEFAULT-VALUE}); "
                    + "the broker's acknowledgements are awaited at least 10 s.")
    long timeoutMs;

    /** @return the {@code --timeout} for connecting and for each reply, ms */
    public long timeoutMs() {
        return timeoutMs;
    }

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    /** The settings after flags, environment, file and defaults; {@code tls} is null for tcp://. */
    public record Resolved(String broker, String fleet, String username, char[] password, TlsConfig tls) {
        /** A link builder for a tool with these settings (client id {@code spindle-{tool}-{random}}). */
        public LinkConfig.Builder link(String tool) {
            return LinkConfig.builder(broker, LinkConfig.toolClientId("spindle-" + tool)).credentials(username, password)
                    .tls(tls);
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Resolved[broker=" + broker + ", fleet=" + fleet + ", username=" + username + ", password="
                    + (password == null ? "none" : "(hidden)") + ", tls=" + tls + "]";
        }
    }

    public Resolved resolve() throws ToolException {
        Properties file = new Properties();
        Path cfg = config != null ? config : env.get("SPINDLE_CONFIG") != null ? Path.of(env.get("SPINDLE_CONFIG")) : null;
        if (cfg == null) {
            Path home = Path.of(System.getProperty("user.home"), ".config", "spindle", "spindle.properties");
            cfg = Files.isRegularFile(home) ? home : null;
        }
        if (cfg != null) {
            try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new ToolException(ExitCodes.FAILURE, "cannot read the settings file " + cfg + ": " + e.getMessage()
                        + " (fix --config or SPINDLE_CONFIG)");
            }
        }
        String b = pick(broker, "SPINDLE_BROKER", file, "broker.url", DEFAULT_BROKER);
        if (!b.matches("(tcp|ssl)://[^:/]+:\\d+")) {
            throw new ToolException(ExitCodes.USAGE, "broker URL '" + b + "' is not valid: use tcp://HOST:PORT "
                    + "or ssl://HOST:PORT");
        }
        String f = pick(fleet, "SPINDLE_FLEET", file, "fleet", "default");
        try {
            Topics.checkId("fleet", f);
        } catch (IllegalArgumentException e) {
            throw new ToolException(ExitCodes.USAGE, e.getMessage());
        }
        String u = pick(username, "SPINDLE_USERNAME", file, "username", null);
        String pf = pick(passwordFile == null ? null : passwordFile.toString(), "SPINDLE_PASSWORD_FILE", file,
                "password.file", null);
        char[] pw = null;
        if (pf != null) {
            try {
                pw = Files.readAllLines(Path.of(pf), StandardCharsets.UTF_8).stream().findFirst().orElse("").toCharArray();
            } catch (IOException e) {
                throw new ToolException(ExitCodes.FAILURE, "cannot read the password file " + pf + ": " + e.getMessage());
            }
        } else if (env.get("SPINDLE_PASSWORD") != null && !env.get("SPINDLE_PASSWORD").isEmpty()) {
            pw = env.get("SPINDLE_PASSWORD").toCharArray();
        }
        return new Resolved(b, f, u, pw, tls(b, file));
    }

    private TlsConfig tls(String url, Properties file) throws ToolException {
        String c = pick(ca == null ? null : ca.toString(), "SPINDLE_CA", file, "broker.ca", null);
        String ce = pick(cert == null ? null : cert.toString(), "SPINDLE_CERT", file, "broker.cert", null);
        String k = pick(key == null ? null : key.toString(), "SPINDLE_KEY", file, "broker.key", null);
        boolean insecure = tlsInsecure || "true".equalsIgnoreCase(pick(null, "SPINDLE_TLS_INSECURE", file,
                "broker.tls.insecure", "false"));
        if (!url.startsWith("ssl://")) {
            if (c != null || ce != null || k != null || insecure) {
                throw new ToolException(ExitCodes.USAGE, "TLS settings (--ca, --cert, --key, --tls-insecure) were given "
                        + "but the broker URL " + url + " is plain TCP: use ssl://HOST:PORT (usually port 8883)");
            }
            return null;
        }
        if ((ce == null) != (k == null)) {
            throw new ToolException(ExitCodes.USAGE, "--cert and --key go together: give the client certificate and "
                    + "its PKCS#8 key, or neither");
        }
        TlsConfig t = TlsConfig.of(c == null ? null : Path.of(c), ce == null ? null : Path.of(ce),
                k == null ? null : Path.of(k));
        return insecure ? t.insecureNoHostnameCheck() : t;
    }

    private String pick(String flag, String envName, Properties file, String key, String dflt) {
        if (flag != null && !flag.isBlank()) {
            return flag.trim();
        }
        String e = env.get(envName);
        if (e != null && !e.isBlank()) {
            return e.trim();
        }
        String f = file.getProperty(key);
        return f != null && !f.isBlank() ? f.trim() : dflt;
    }

    /**
     * Connects a link for {@code tool} (client id {@code spindle-{tool}-{random}}); subscriptions
     * made before start are in place when this returns.
     *
     * @param beforeStart adds subscriptions; runs before the first connect
     * @throws ToolException {@link ExitCodes#BROKER_UNREACHABLE} when not connected within the timeout
     */
    public Link connect(Resolved r, String tool, LinkSetup beforeStart) throws ToolException, InterruptedException {
        return connect(r, tool, false, beforeStart);
    }

    /**
     * @param backpressure a slow consumer makes the broker wait instead of losing messages
     *                     ({@link LinkConfig.Builder#backpressure}); only when the handlers never publish
     */
    public Link connect(Resolved r, String tool, boolean backpressure, LinkSetup beforeStart)
            throws ToolException, InterruptedException {
        if (r.tls() != null && !r.tls().isHostnameChecked()) {
            warnInsecure();
        }
        Link link = new Link(linkConfig(r, tool, backpressure));
        try {
            beforeStart.setUp(link);
        } catch (Exception e) {
            link.close();
            throw new ToolException(ExitCodes.FAILURE, e.getMessage());
        }
        link.start();
        if (!link.awaitConnected(timeoutMs)) {
            String why = link.lastErrorExplained();
            link.close();
            boolean security = why.contains("refused the") || why.contains("certificate") || why.contains("TLS");
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, "cannot reach the MQTT broker at " + r.broker()
                    + " within " + timeoutMs + " ms: " + (why.isEmpty() ? "" : why + (security ? "" : "; "))
                    + (security ? "" : "is it running (spindle broker)? Set --broker or SPINDLE_BROKER."));
        }
        return link;
    }

    /**
     * A tool's link: short reconnect backoff, and acknowledgements (SUBACK, PUBACK) awaited as long
     * as {@code --timeout} says, at least the link's 10 s: a broker under load answers a subscribe
     * only after the retained messages it sends first (a fleet's states and telemetry), and a tool
     * given a longer --timeout must not give up on a SUBACK sooner.
     */
    LinkConfig linkConfig(Resolved r, String tool, boolean backpressure) {
        return toolLink(r, tool).backpressure(backpressure).build();
    }

    /** The builder of every tool's link, the dashboard's too ({@link #linkConfig} says why). */
    LinkConfig.Builder toolLink(Resolved r, String tool) {
        return r.link(tool).backoff(100, 2000)
                .operationTimeoutMs(Math.max(LinkConfig.DEFAULT_OPERATION_TIMEOUT_MS, timeoutMs));
    }

    /** The loud warning for --tls-insecure (stderr, once per connect). */
    static void warnInsecure() {
        System.err.println("spindle: WARNING: --tls-insecure: the broker's certificate is NOT checked against its host "
                + "name; anyone with a certificate from the same CA can pose as the broker. Development only.");
    }

    @FunctionalInterface
    public interface LinkSetup {
        void setUp(Link link) throws Exception;
    }
}
