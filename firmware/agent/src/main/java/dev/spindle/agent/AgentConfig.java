package dev.spindle.agent;

import dev.spindle.agent.deploy.DeployConfig;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.TlsConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The agent's configuration, from a properties file (docs/agent.md lists every key). Errors name
 * the file, the key and the fix.
 *
 * @param boardId          {@code board.id}: this board's id (also its MQTT client id)
 * @param fleet            {@code fleet}: the fleet it belongs to
 * @param boardType        {@code board.type}: board definition name ({@code boards/{name}.properties})
 * @param brokerUrl        {@code broker.url}: {@code tcp://host:port} or {@code ssl://host:port}
 * @param username         from {@code broker.credentials} (a properties file with {@code username}, {@code password}), or null
 * @param password         from the same file, or null
 * @param dataDir          {@code data.dir}: session counter and outbox
 * @param telemetryPeriodS {@code telemetry.period.s}: seconds between telemetry messages
 * @param appMain          {@code app.main}: the firmware app's main class, or null for none
 * @param appArgs          {@code app.args}: its arguments, separated by spaces
 * @param appVersion       {@code app.version}: reported as {@code firmware_version}
 * @param temperatureFile  {@code temperature.file}: the SoC temperature sensor file
 * @param outboxMaxEvents  {@code outbox.max.events}: events kept while the broker is away
 * @param logLines         {@code log.lines}: lines in the log ring
 * @param keepAliveS       {@code broker.keepalive.s}: MQTT keep-alive; the will fires after 1.5 times it
 * @param reconnectSpreadMs {@code broker.reconnect.spread.ms}: after a lost connection the board
 *                         retries in slots this far apart, at a random phase
 *                         ({@code LinkConfig.Builder#reconnectSpread}); 0: the plain backoff
 * @param simSetup         the {@code sim.*} keys (wiring of a simulated board, see {@link HalBoardIo}), by key
 * @param boardOrigin      how {@code boardType} was chosen: configured, or detected from
 *                         {@code board.model.file} ({@link BoardDetector})
 * @param deploy           the {@code deploy.*} keys (A/B slots, trusted keys, health check)
 * @param tls              for an {@code ssl://} URL: {@code broker.ca}, {@code broker.cert}, {@code broker.key},
 *                         {@code broker.tls.insecure}; null for {@code tcp://}
 */
public record AgentConfig(String boardId, String fleet, String boardType, String brokerUrl, String username,
        char[] password, Path dataDir, double telemetryPeriodS, String appMain, String[] appArgs, String appVersion,
        Path temperatureFile, int outboxMaxEvents, int logLines, int keepAliveS, long reconnectSpreadMs,
        Map<String, String> simSetup, String boardOrigin, DeployConfig deploy, TlsConfig tls) {

    /** Never prints the password (records print every component). */
    @Override
    public String toString() {
        return "AgentConfig[board=" + boardId + ", fleet=" + fleet + ", broker=" + brokerUrl + ", user=" + username
                + ", tls=" + tls + ", data=" + dataDir + "]";
    }

    /** Thrown for a bad configuration; the message names the file, the key and the fix. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    public static AgentConfig load(Path file) throws Invalid {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new Invalid("cannot read the agent config " + file + ": " + e.getMessage()
                    + " (give an existing file with --config)");
        }
        return from(p, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * @param source  where the properties came from, for error messages
     * @param baseDir relative paths are resolved against it
     */
    public static AgentConfig from(Properties p, String source, Path baseDir) throws Invalid {
        String board = required(p, source, "board.id", "e.g. board.id=pi-07");
        String fleet = p.getProperty("fleet", "default").trim();
        try {
            Topics.checkId("board", board);
            Topics.checkId("fleet", fleet);
        } catch (IllegalArgumentException e) {
            throw new Invalid(source + ": " + e.getMessage());
        }
        String url = p.getProperty("broker.url", "tcp://127.0.0.1:1883").trim();
        if (!url.matches("(tcp|ssl)://[^:/]+:\\d+")) {
            throw new Invalid(source + ": broker.url '" + url + "' is not valid: use tcp://HOST:PORT, e.g. "
                    + "tcp://127.0.0.1:1883, or ssl://HOST:PORT for TLS, e.g. ssl://broker.example:8883");
        }
        TlsConfig tls = tls(p, source, baseDir, url);
        String user = null;
        char[] pass = null;
        String cred = p.getProperty("broker.credentials");
        if (cred != null && !cred.isBlank()) {
            Path cf = resolve(baseDir, cred.trim());
            Properties c = new Properties();
            try (Reader r = Files.newBufferedReader(cf, StandardCharsets.UTF_8)) {
                c.load(r);
            } catch (IOException e) {
                throw new Invalid(source + ": broker.credentials: cannot read " + cf + " (" + e.getMessage()
                        + "); it must hold username=… and password=…");
            }
            user = c.getProperty("username");
            String pw = c.getProperty("password");
            if (user == null || pw == null) {
                throw new Invalid(source + ": broker.credentials file " + cf + " must hold both username=… and password=…");
            }
            pass = pw.toCharArray();
        }
        Path data = resolve(baseDir, required(p, source, "data.dir", "e.g. data.dir=/var/lib/spindle"));
        double period = number(p, source, "telemetry.period.s", 5, 0.1, 3600);
        String main = p.getProperty("app.main");
        main = main == null || main.isBlank() ? null : main.trim();
        String args = p.getProperty("app.args", "").trim();
        DeployConfig deploy;
        try {
            deploy = DeployConfig.from(p, baseDir);
        } catch (IllegalArgumentException e) {
            throw new Invalid(source + ": " + e.getMessage());
        }
        BoardDetector.Result type = BoardDetector.resolve(source, p.getProperty("board.type"),
                resolve(baseDir, p.getProperty("board.model.file", BoardDetector.MODEL_FILE.toString()).trim()));
        return new AgentConfig(board, fleet, type.type(), url, user, pass, data, period,
                main, args.isEmpty() ? new String[0] : args.split("\\s+"), p.getProperty("app.version", "unknown").trim(),
                resolve(baseDir, p.getProperty("temperature.file", "/sys/class/thermal/thermal_zone0/temp").trim()),
                (int) number(p, source, "outbox.max.events", 1000, 1, 1_000_000),
                (int) number(p, source, "log.lines", 500, 1, 100_000),
                (int) number(p, source, "broker.keepalive.s", 30, 1, 3600),
                (long) number(p, source, "broker.reconnect.spread.ms", 20_000, 0, 600_000), sim(p), type.origin(),
                deploy, tls);
    }

    private static TlsConfig tls(Properties p, String source, Path baseDir, String url) throws Invalid {
        String ca = blankToNull(p.getProperty("broker.ca"));
        String cert = blankToNull(p.getProperty("broker.cert"));
        String key = blankToNull(p.getProperty("broker.key"));
        String insecure = p.getProperty("broker.tls.insecure", "false").trim();
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new Invalid(source + ": broker.tls.insecure=" + insecure + " is not valid: use true or false");
        }
        if (!url.startsWith("ssl://")) {
            if (ca != null || cert != null || key != null || insecure.equals("true")) {
                throw new Invalid(source + ": broker.ca/broker.cert/broker.key are set but broker.url " + url
                        + " is plain TCP: use ssl://HOST:PORT (the broker's TLS listener, usually 8883)");
            }
            return null;
        }
        if ((cert == null) != (key == null)) {
            throw new Invalid(source + ": broker.cert and broker.key go together: give both (the client certificate "
                    + "and its PKCS#8 key) or neither");
        }
        TlsConfig t = TlsConfig.of(ca == null ? null : resolve(baseDir, ca), cert == null ? null : resolve(baseDir, cert),
                key == null ? null : resolve(baseDir, key));
        return insecure.equals("true") ? t.insecureNoHostnameCheck() : t;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Map<String, String> sim(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("sim.")) {
                m.put(k, p.getProperty(k).trim());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static Path resolve(Path base, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() || base == null ? p : base.resolve(p);
    }

    private static String required(Properties p, String source, String key, String example) throws Invalid {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new Invalid(source + ": " + key + " is missing: add it (" + example + ")");
        }
        return v.trim();
    }

    private static double number(Properties p, String source, String key, double dflt, double min, double max)
            throws Invalid {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d < min || d > max || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new Invalid(source + ": " + key + "=" + v.trim() + " is not valid: use a number from " + fmt(min)
                    + " to " + fmt(max));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
