package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bundle.Ed25519Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code spindle keygen}: a new Ed25519 signing key pair. Never prints key material. */
@Command(name = "keygen",
        header = "Make an Ed25519 bundle signing key pair.",
        description = {"Writes NAME.key (private, PKCS#8 PEM, mode 0600) and NAME.pub (public, X.509 PEM;",
            "copy it to the boards' trusted keys); openssl reads both.",
            "Existing key files are never overwritten. Key material is never printed."})
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "directory for the key files (created with mode 0700 if missing)")
    Path out;

    @Option(names = "--name", defaultValue = "spindle", paramLabel = "NAME",
            description = "file name stem: NAME.key and NAME.pub (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            err.println("error: --name '" + name + "' must be 1-64 of A-Z a-z 0-9 . _ - (it becomes a file name)");
            return ExitCodes.USAGE;
        }
        Path priv = out.resolve(name + Ed25519Keys.PRIVATE_SUFFIX);
        Path pub = out.resolve(name + Ed25519Keys.PUBLIC_SUFFIX);
        try {
            if (Files.exists(priv) || Files.exists(pub)) {
                err.println("error: " + (Files.exists(priv) ? priv : pub) + " already exists; keys are never"
                        + " overwritten: choose another --name or move the old key away");
                return ExitCodes.FAILURE;
            }
            if (!Files.isDirectory(out)) {
                Files.createDirectories(out, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            KeyPair kp = Ed25519Keys.generate();
            Ed25519Keys.writePrivate(priv, kp.getPrivate());
            Ed25519Keys.writePublic(pub, kp.getPublic());
            String id = Ed25519Keys.keyId(kp.getPublic());
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = Json.object();
                n.put("ok", true).put("privateKey", priv.toString()).put("publicKey", pub.toString())
                        .put("keyId", id);
                Json.print(o, n);
            } else {
                o.println("private key: " + priv + " (mode 0600: keep it secret, never commit or copy it to a board)");
                o.println("public key:  " + pub + " (copy it to each board's trusted keys)");
                o.println("key id:      " + id);
                o.flush();
            }
            return ExitCodes.OK;
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot write the key files in " + out + ": " + (e instanceof IOException io ? Problems.describe(io) : e.getMessage()));
            return ExitCodes.FAILURE;
        }
    }
}
