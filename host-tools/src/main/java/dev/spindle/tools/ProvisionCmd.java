package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Topics;
import dev.spindle.tools.security.PasswordFile;
import dev.spindle.tools.security.Pki;
import dev.spindle.tools.security.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindle provision BOARD}: a board's broker credentials (random password), optionally its
 * client certificate from the fleet CA, and the agent config to copy onto it (docs/security.md).
 * Running it again for the same board rotates its password (and certificate).
 */
@Command(name = "provision",
        header = "Make a board's credentials, certificate and agent config.",
        description = {"Writes into --out/BOARD: agent.properties, credentials.properties (user name = board id,",
            "a new random password; mode 0600), ca.crt and, with --ca-key, board.crt and board.key (mode 0600).",
            "Copy the directory to the board (e.g. /etc/spindle) and run the agent with --config agent.properties.",
            "With --passwd the board is added to (or its password replaced in) the broker's password file;",
            "reload Mosquitto afterwards (kill -HUP PID). Without it, passwd.line holds the line to add.",
            "The password is never printed."})
public final class ProvisionCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(index = "0", paramLabel = "BOARD", description = "the board id (also its broker user name)")
    String board;

    @Option(names = "--fleet", required = true, paramLabel = "ID", description = "the fleet id")
    String fleet;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the files go into DIR/BOARD")
    Path out;

    @Option(names = "--broker", required = true, paramLabel = "URL", description = "the broker as the board reaches it, ssl://HOST:PORT")
    String broker;

    @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "the fleet CA certificate (copied as ca.crt)")
    Path caCert;

    @Option(names = "--ca-key", paramLabel = "FILE", description = "the fleet CA key: also issue a client certificate")
    Path caKey;

    @Option(names = "--days", defaultValue = "825", description = "client certificate validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--passwd", paramLabel = "FILE", description = "the broker's password file to add the board to")
    Path passwd;

    @Option(names = "--board-type", paramLabel = "TYPE",
            description = "board.type of the agent config, e.g. rpi4b (default: not set, so the agent detects its"
                    + " board from /proc/device-tree/model)")
    String boardType;

    @Option(names = "--trust", paramLabel = "FILE.pub",
            description = "a public key whose signed bundles the board installs (spindle keygen); repeatable;"
                    + " copied into trust/ and set as deploy.trust")
    List<Path> trust = new java.util.ArrayList<>();

    @Option(names = "--data-dir", defaultValue = "/var/lib/spindle", paramLabel = "PATH",
            description = "data.dir on the board (default: ${DEFAULT-VALUE})")
    String dataDir;

    @Option(names = "--json", description = "print the result as JSON (file names only, never the password)")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            try {
                Topics.checkId("board", board);
                Topics.checkId("fleet", fleet);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ExitCodes.USAGE, e.getMessage());
            }
            if (board.startsWith("_")) {
                throw new ToolException(ExitCodes.USAGE, "board id '" + board + "' starts with '_', which the protocol "
                        + "keeps for its own topics (_reply): choose another id");
            }
            if (!broker.matches("ssl://[^:/]+:\\d+")) {
                throw new ToolException(ExitCodes.USAGE, "--broker " + broker + " is not a TLS URL: use ssl://HOST:PORT, "
                        + "with HOST a name in the broker's certificate");
            }
            for (Path t : trust) {
                if (!Files.isRegularFile(t) || !t.getFileName().toString().endsWith(".pub")) {
                    throw new ToolException(ExitCodes.USAGE, "--trust " + t + " is not a public key file (NAME.pub from"
                            + " spindle keygen)");
                }
            }
            Path dir = out.resolve(board);
            Files.createDirectories(dir);
            if (!trust.isEmpty()) {
                Path trustDir = Files.createDirectories(dir.resolve("trust"));
                for (Path t : trust) {
                    Files.copy(t, trustDir.resolve(t.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String password = Secrets.randomPassword();
            boolean withCert = caKey != null;
            if (withCert) {
                CaFiles ca = CaFiles.load(caCert, caKey);
                KeyPair kp = Pki.newKeyPair();
                Instant now = Instant.now();
                X509Certificate c = Pki.issue(board, kp.getPublic(), ca.cert(), ca.key(), now.minus(Duration.ofHours(1)),
                        now.plus(Duration.ofDays(days)), Pki.Use.CLIENT, List.of());
                Pki.write(dir.resolve("board.key"), kp.getPrivate());
                Pki.write(dir.resolve("board.crt"), c);
            }
            Files.copy(caCert, dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            Secrets.writePrivate(dir.resolve("credentials.properties"), "# broker login of board " + board
                    + " (spindle provision); keep it readable only by the agent's user\nusername=" + board + "\npassword="
                    + password + "\n");
            Secrets.writePublic(dir.resolve("agent.properties"), String.join("\n",
                    "# Spindle agent config for board " + board + " of fleet " + fleet + " (spindle provision).",
                    "# Relative paths are relative to this file. docs/agent.md lists every key.",
                    "board.id=" + board,
                    "fleet=" + fleet,
                    boardType == null ? "# board.type: not set, the agent detects it from /proc/device-tree/model"
                            : "board.type=" + boardType,
                    "broker.url=" + broker,
                    "broker.credentials=credentials.properties",
                    "broker.ca=ca.crt",
                    withCert ? "broker.cert=board.crt" : "# broker.cert=board.crt (spindle provision --ca-key)",
                    withCert ? "broker.key=board.key" : "# broker.key=board.key",
                    "data.dir=" + dataDir,
                    trust.isEmpty() ? "# deploy.trust=trust (spindle provision --trust KEY.pub): keys whose bundles it installs"
                            : "deploy.trust=trust",
                    ""));
            boolean rotated = false;
            if (passwd != null) {
                PasswordFile pf = PasswordFile.load(passwd);
                rotated = pf.contains(board);
                pf.put(board, password.toCharArray());
                pf.save();
                Files.deleteIfExists(dir.resolve("passwd.line"));
            } else {
                PasswordFile line = PasswordFile.empty(dir.resolve("passwd.line"));
                line.put(board, password.toCharArray());
                line.save();
            }
            report(dir, withCert, rotated);
            return ExitCodes.OK;
        } catch (ToolException e) {
            err.println("spindle provision: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("spindle provision: cannot write: " + Problems.describe(e));
            return ExitCodes.FAILURE;
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("spindle provision: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private void report(Path dir, boolean withCert, boolean rotated) {
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = Json.object();
            n.put("ok", true).put("board", board).put("fleet", fleet).put("dir", dir.toString())
                    .put("config", dir.resolve("agent.properties").toString())
                    .put("credentials", dir.resolve("credentials.properties").toString())
                    .put("certificate", withCert ? dir.resolve("board.crt").toString() : null)
                    .put("passwd", passwd == null ? dir.resolve("passwd.line").toString() : passwd.toString())
                    .put("rotated", rotated);
            Json.print(o, n);
            return;
        }
        o.println("board " + board + " of fleet " + fleet + ": files in " + dir);
        o.println("  agent.properties        copy the whole directory to the board (e.g. /etc/spindle)");
        o.println("  credentials.properties  user " + board + ", a new random password (mode 0600)");
        if (withCert) {
            o.println("  board.crt, board.key    client certificate from the fleet CA (key mode 0600)");
        }
        if (!trust.isEmpty()) {
            o.println("  trust/                  the public keys whose signed bundles the board installs");
        }
        if (passwd != null) {
            o.println((rotated ? "password replaced in " : "added to ") + passwd + ": reload Mosquitto (kill -HUP PID)");
        } else {
            o.println("  passwd.line             append it to the broker's password file, then reload Mosquitto");
        }
        o.flush();
    }
}
