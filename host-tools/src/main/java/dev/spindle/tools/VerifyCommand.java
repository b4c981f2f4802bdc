package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.bundle.Compatibility;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import dev.spindle.bundle.TrustStore;
import dev.spindle.bundle.VerifiedBundle;
import dev.spindle.bundle.ZipLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindle verify}: the checks a board makes before installing, without writing anything. */
@Command(name = "verify",
        header = "Check a bundle as a board would, without installing it.",
        description = {"Checks zip safety, the signature by a trusted key, entry hashes and, when given,",
            "the board type and agent version. Writes nothing.",
            "Exit 0 when it would be accepted, 5 with the reason when refused."})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the bundle zip")
    Path bundle;

    @Option(names = "--trust", paramLabel = "DIR|PUB",
            description = "trusted public keys: a .pub file or a directory of them (repeatable)")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--board-type", paramLabel = "TYPE", description = "check the bundle runs on this board type")
    String boardType;

    @Option(names = "--agent-version", paramLabel = "VERSION",
            description = "check the bundle installs on an agent of this version")
    String agentVersion;

    @Option(names = "--dev", description = "development mode: accept a bundle without a trusted signature")
    boolean dev;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (trust.isEmpty() && !dev) {
            err.println("error: give the trusted public keys with --trust DIR|PUB (or --dev to accept"
                    + " bundles without a trusted signature)");
            return ExitCodes.USAGE;
        }
        SemVer agent;
        try {
            agent = agentVersion == null ? null : SemVer.parse(agentVersion);
        } catch (IllegalArgumentException e) {
            err.println("error: --agent-version: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        TrustStore store;
        try {
            store = trust.isEmpty() ? TrustStore.empty() : TrustStore.load(trust);
        } catch (IOException e) {
            err.println("error: " + Problems.describe(e));
            return ExitCodes.FAILURE;
        }
        BundleVerifier verifier = new BundleVerifier(store, dev, ZipLimits.DEFAULT);
        try {
            VerifiedBundle vb = verifier.verify(bundle, new Compatibility(boardType, agent));
            Manifest m = vb.manifest();
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = Json.object();
                n.put("ok", true).put("bundle", bundle.toString()).put("sha256", vb.sha256())
                        .put("name", m.name()).put("version", m.version().toString())
                        .put("mainClass", m.mainClass()).put("minAgentVersion", m.minAgentVersion().toString());
                m.boardTypes().forEach(n.putArray("boardTypes")::add);
                n.put("signedBy", vb.signerKeyId()).put("signature", vb.signatureNote());
                n.put("boardTypeChecked", boardType).put("agentVersionChecked", agentVersion);
                Json.print(o, n);
            } else {
                o.println("OK " + bundle + ": " + m.name() + " " + m.version() + " (" + m.mainClass() + ")");
                o.println("  " + vb.signatureNote());
                o.println("  board types: " + String.join(", ", m.boardTypes())
                        + (boardType == null ? " (board type not checked)" : " (includes " + boardType + ")"));
                o.println("  minimum agent: " + m.minAgentVersion()
                        + (agent == null ? " (agent version not checked)" : " (agent " + agent + " is enough)"));
                o.println("  sha256: " + vb.sha256());
                o.flush();
            }
            return ExitCodes.OK;
        } catch (BundleRejectedException e) {
            return refused(spec, json, bundle, "REFUSED " + bundle, e);
        } catch (IOException e) {
            err.println("error: cannot read " + bundle + ": " + Problems.describe(e));
            return ExitCodes.FAILURE;
        }
    }

    /** Reports a refusal (JSON on stdout, or a line on stderr) and returns {@link ExitCodes#REFUSED}. */
    static int refused(CommandSpec spec, boolean json, Path bundle, String what, BundleRejectedException e) {
        if (json) {
            ObjectNode n = Json.object();
            n.put("ok", false).put("bundle", bundle.toString()).put("reason", e.reason().wireName())
                    .put("detail", e.detail()).put("advice", e.reason().advice());
            Json.print(spec.commandLine().getOut(), n);
        } else {
            spec.commandLine().getErr().println(what + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.REFUSED;
    }
}
