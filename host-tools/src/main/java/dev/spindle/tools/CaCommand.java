package dev.spindle.tools;

import dev.spindle.tools.security.Pki;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** {@code spindle ca}: the fleet's certificate authority (docs/security.md). */
@Command(name = "ca",
        header = "Make the fleet's certificate authority and the broker's certificate.",
        subcommands = {CaCommand.Init.class, CaCommand.Server.class})
public final class CaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code spindle ca init}: a new CA key and self-signed certificate. */
    @Command(name = "init", header = "Make a new fleet CA: ca.crt (give it to the broker and every client) and ca.key.",
            description = {"ca.key (EC P-256, PKCS#8 PEM, mode 0600) signs the broker's and the boards' certificates:",
                "keep it off the broker and the boards. Existing files are never overwritten."})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for ca.crt and ca.key")
        Path out;

        @Option(names = "--name", defaultValue = "Spindle fleet CA", description = "the CA's common name (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path crt = out.resolve("ca.crt");
            Path key = out.resolve("ca.key");
            if (days < 1 || days > 36500) {
                err.println("spindle ca init: --days " + days + " is not valid: use 1..36500");
                return ExitCodes.USAGE;
            }
            if (Files.exists(crt) || Files.exists(key)) {
                err.println("spindle ca init: " + (Files.exists(crt) ? crt : key) + " already exists; a CA is never "
                        + "overwritten (every certificate it signed would stop working): choose another --out");
                return ExitCodes.FAILURE;
            }
            try {
                KeyPair kp = Pki.newKeyPair();
                Instant now = Instant.now();
                X509Certificate c = Pki.issue(name, kp.getPublic(), null, kp.getPrivate(), now.minus(Duration.ofHours(1)),
                        now.plus(Duration.ofDays(days)), Pki.Use.CA, List.of());
                Pki.write(key, kp.getPrivate());
                Pki.write(crt, c);
            } catch (IOException e) {
                err.println("spindle ca init: cannot write in " + out + ": " + Problems.describe(e));
                return ExitCodes.FAILURE;
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("CA certificate: " + crt + " (copy to the broker and every board and host: --ca / broker.ca)");
            o.println("CA key:         " + key + " (mode 0600: keep it offline; it signs broker and board certificates)");
            o.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code spindle ca server}: the broker's TLS certificate. */
    @Command(name = "server", header = "Issue the broker's TLS certificate (server.crt, server.key) from the fleet CA.",
            description = {"--host names every DNS name and IP address clients use to reach the broker; clients",
                "check the name they connect to against this list."})
    static final class Server implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "the fleet CA certificate (ca.crt)")
        Path caCert;

        @Option(names = "--ca-key", required = true, paramLabel = "FILE", description = "the fleet CA key (ca.key)")
        Path caKey;

        @Option(names = "--host", required = true, paramLabel = "NAME", split = ",",
                description = "broker host names and IP addresses (repeat or separate with commas)")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for server.crt and server.key")
        Path out;

        @Option(names = "--days", defaultValue = "825", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                CaFiles ca = CaFiles.load(caCert, caKey);
                KeyPair kp = Pki.newKeyPair();
                Instant now = Instant.now();
                X509Certificate c = Pki.issue(hosts.get(0), kp.getPublic(), ca.cert(), ca.key(),
                        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(days)), Pki.Use.SERVER, hosts);
                Pki.write(out.resolve("server.key"), kp.getPrivate());
                Pki.write(out.resolve("server.crt"), c);
            } catch (ToolException e) {
                err.println("spindle ca server: " + e.getMessage());
                return e.exitCode();
            } catch (IllegalStateException | IllegalArgumentException e) {
                err.println("spindle ca server: " + e.getMessage());
                return ExitCodes.FAILURE;
            } catch (IOException e) {
                err.println("spindle ca server: cannot write in " + out + ": " + Problems.describe(e));
                return ExitCodes.FAILURE;
            }
            spec.commandLine().getOut().println("broker certificate for " + String.join(", ", hosts) + ": "
                    + out.resolve("server.crt") + ", key " + out.resolve("server.key") + " (mode 0600)");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
