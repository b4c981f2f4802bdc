package dev.spindle.tools;

import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
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
 * {@code fleet}, {@code username}, {@code password.file}.
 */
public final class BrokerOptions {
    static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";

    @Option(names = "--broker", paramLabel = "URL",
            description = "MQTT broker, tcp://HOST:PORT (env SPINDLE_BROKER; default " + DEFAULT_BROKER + ").")
    String broker;

    @Option(names = "--fleet", paramLabel = "ID", description = "Fleet id (env SPINDLE_FLEET; default 'default').")
    String fleet;

    @Option(names = "--username", description = "Broker user name (env SPINDLE_USERNAME).")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the broker password (env SPINDLE_PASSWORD_FILE).")
    Path passwordFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (env SPINDLE_CONFIG; default ~/.config/spindle/spindle.properties).")
    Path config;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for the broker and for replies, ms (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    /** @return the {@code --timeout} for connecting and for each reply, ms */
    public long timeoutMs() {
        return timeoutMs;
    }

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    /** The settings after flags, environment, file and defaults. */
    public record Resolved(String broker, String fleet, String username, char[] password) {
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
            throw new ToolException(ExitCodes.USAGE, "broker URL '" + b + "' is not valid: use tcp://HOST:PORT");
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
        }
        return new Resolved(b, f, u, pw);
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
        Link link = new Link(LinkConfig.builder(r.broker(), LinkConfig.toolClientId("spindle-" + tool))
                .credentials(r.username(), r.password()).backoff(100, 2000).backpressure(backpressure).build());
        try {
            beforeStart.setUp(link);
        } catch (Exception e) {
            link.close();
            throw new ToolException(ExitCodes.FAILURE, e.getMessage());
        }
        link.start();
        if (!link.awaitConnected(timeoutMs)) {
            link.close();
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, "cannot reach the MQTT broker at " + r.broker()
                    + " within " + timeoutMs + " ms: is it running (spindle broker)? Set --broker or SPINDLE_BROKER.");
        }
        return link;
    }

    @FunctionalInterface
    public interface LinkSetup {
        void setUp(Link link) throws Exception;
    }
}
