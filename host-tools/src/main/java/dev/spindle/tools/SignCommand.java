package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleSignature;
import dev.spindle.bundle.BundleSigner;
import dev.spindle.bundle.Ed25519Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindle sign}: adds (or replaces) the bundle's Ed25519 signature. */
@Command(name = "sign",
        header = "Sign a bundle with an Ed25519 private key.",
        description = {"The key comes from `spindle keygen` (or openssl genpkey -algorithm ed25519).",
            "The bundle is checked first: a damaged or changed bundle is never signed.",
            "Replaces an earlier signature; writes atomically."})
public final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the bundle zip")
    Path bundle;

    @Option(names = "--key", required = true, paramLabel = "PRIVATE.key",
            description = "the private key file (PEM PKCS#8 Ed25519, mode 0600)")
    Path key;

    @Option(names = "--out", paramLabel = "FILE", description = "write the signed bundle here (default: in place)")
    Path out;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrivateKey k;
        try {
            k = Ed25519Keys.readPrivate(key);
        } catch (IOException e) {
            err.println("error: cannot use key " + key + ": " + Problems.describe(e)
                    + (e instanceof java.nio.file.NoSuchFileException ? "; make one with `spindle keygen`" : ""));
            return ExitCodes.FAILURE;
        }
        Path target = out == null ? bundle : out;
        try {
            BundleSignature sig = BundleSigner.sign(bundle, k, target);
            if (json) {
                ObjectNode n = Json.object();
                n.put("ok", true).put("bundle", target.toString()).put("keyId", sig.keyId());
                Json.print(spec.commandLine().getOut(), n);
            } else {
                spec.commandLine().getOut().println("signed " + target + " with key " + sig.keyId());
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        } catch (BundleRejectedException e) {
            return VerifyCommand.refused(spec, json, bundle, "refusing to sign " + bundle, e);
        } catch (IOException e) {
            err.println("error: cannot sign " + bundle + ": " + Problems.describe(e));
            return ExitCodes.FAILURE;
        }
    }
}
