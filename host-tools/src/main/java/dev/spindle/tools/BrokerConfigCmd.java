package dev.spindle.tools;

import dev.spindle.tools.security.MosquittoConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle broker-config}: a Mosquitto 2 configuration for one fleet (docs/security.md):
 * mosquitto.conf (TLS listener, no anonymous clients), acl, passwd with the operators and
 * dashboards (random passwords, each in users/NAME.password, mode 600), the CA certificate and,
 * with {@code --ca-key}, the broker's own certificate. Boards are added by {@code spindle provision}.
 */
@Command(name = "broker-config",
        header = "Write a Mosquitto 2 configuration for a fleet: TLS, passwords, per-board ACL.",
        description = {"Writes mosquitto.conf, acl, passwd, ca.crt (and server.crt/server.key with --ca-key) into",
            "--out. Operators may do everything in the fleet; dashboards only read; each board (user name =",
            "board id) publishes only its own status and reads only its own commands (docs/security.md).",
            "Existing users keep their passwords; new ones get random passwords in users/NAME.password.",
            "Passwords are never printed."})
public final class BrokerConfigCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--fleet", required = true, paramLabel = "ID", description = "the fleet id")
    String fleet;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for the files")
    Path out;

    @Option(names = "--dir-on-broker", paramLabel = "PATH",
            description = "where the files will be on the broker machine (default: --out, absolute)")
    Path dirOnBroker;

    @Option(names = "--port", defaultValue = "8883", description = "TLS listener port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "listen only on this address (default: all)")
    String bind;

    @Option(names = "--require-certificate",
            description = "clients must also present a certificate signed by the fleet CA (spindle provision --ca-key)")
    boolean requireCertificate;

    @Option(names = "--operator", paramLabel = "NAME", split = ",", description = "operator user names (all rights)")
    List<String> operators = new ArrayList<>();

    @Option(names = "--dashboard", paramLabel = "NAME", split = ",", description = "read-only user names (dashboards)")
    List<String> dashboards = new ArrayList<>();

    @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "the fleet CA certificate (spindle ca init)")
    Path caCert;

    @Option(names = "--ca-key", paramLabel = "FILE",
            description = "the fleet CA key: issue the broker's certificate for --host (else put server.crt/.key there yourself)")
    Path caKey;

    @Option(names = "--host", paramLabel = "NAME", split = ",",
            description = "the broker's host names and IP addresses for its certificate (with --ca-key)")
    List<String> hosts = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        try {
            if (port < 1 || port > 65535) {
                throw new ToolException(ExitCodes.USAGE, "--port " + port + " is not a port: use 1..65535");
            }
            if (caKey != null && hosts.isEmpty()) {
                throw new ToolException(ExitCodes.USAGE, "--ca-key issues the broker's certificate: name its host(s) "
                        + "with --host (the names clients connect to)");
            }
            MosquittoConfig cfg;
            try {
                cfg = new MosquittoConfig(fleet, port, bind,
                        (dirOnBroker == null ? out : dirOnBroker).toAbsolutePath().normalize(), requireCertificate,
                        operators, dashboards);
            } catch (IllegalArgumentException e) {
                throw new ToolException(ExitCodes.USAGE, e.getMessage());
            }
            Files.createDirectories(out.resolve("data"));
            Secrets.writePublic(out.resolve("mosquitto.conf"), cfg.conf());
            Secrets.writePublic(out.resolve("acl"), cfg.acl());
            Files.copy(caCert, out.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            if (caKey != null) {
                CaFiles ca = CaFiles.load(caCert, caKey);
                KeyPair kp = Pki.newKeyPair();
                Instant now = Instant.now();
                X509Certificate c = Pki.issue(hosts.get(0), kp.getPublic(), ca.cert(), ca.key(),
                        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(825)), Pki.Use.SERVER, hosts);
                Pki.write(out.resolve("server.key"), kp.getPrivate());
                Pki.write(out.resolve("server.crt"), c);
            }
            PasswordFile pw = PasswordFile.load(out.resolve("passwd"));
            List<String> added = new ArrayList<>();
            List<String> roles = new ArrayList<>(operators);
            roles.addAll(dashboards);
            for (String u : roles) {
                if (!pw.contains(u)) {
                    String p = Secrets.randomPassword();
                    pw.put(u, p.toCharArray());
                    Secrets.writePrivate(out.resolve("users").resolve(u + ".password"), p + "\n");
                    added.add(u);
                }
            }
            pw.save();
            o.println("Mosquitto configuration for fleet '" + fleet + "' in " + out + ":");
            o.println("  mosquitto.conf  TLS on port " + port + (requireCertificate ? ", client certificates required" : "")
                    + ", no anonymous clients");
            o.println("  acl             operators " + operators + ", read-only " + dashboards + ", boards own topics only");
            o.println("  passwd          " + pw.users().size() + " users" + (added.isEmpty() ? "" : "; new: " + added
                    + " (passwords in " + out.resolve("users") + "/NAME.password, mode 0600)"));
            o.println("  ca.crt" + (caKey != null ? ", server.crt, server.key (for " + String.join(", ", hosts) + ")"
                    : "; put the broker's server.crt and server.key here (spindle ca server)"));
            o.println("Add boards with: spindle provision BOARD --fleet " + fleet + " --passwd " + out.resolve("passwd")
                    + " ...; then reload Mosquitto (kill -HUP PID).");
            o.flush();
            return ExitCodes.OK;
        } catch (ToolException e) {
            err.println("spindle broker-config: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("spindle broker-config: cannot write in " + out + ": " + Problems.describe(e));
            return ExitCodes.FAILURE;
        } catch (IllegalStateException e) {
            err.println("spindle broker-config: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
