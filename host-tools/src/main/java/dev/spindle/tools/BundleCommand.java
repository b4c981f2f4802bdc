package dev.spindle.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle bundle}: builds an unsigned bundle (manifest with hashes, app jar, libs) from
 * the Maven Assembly Plugin's zip or from jar files. Sign it with {@code spindle sign}.
 */
@Command(name = "bundle",
        header = "Build an unsigned bundle from an app jar and its libraries.",
        description = {"Writes manifest.json (size and SHA-256 of every entry), the app jar under app/",
            "and its libraries under lib/. Input: the Maven Assembly Plugin's zip or jars.",
            "Manifest fields come from --spec FILE (properties name, version, mainClass,",
            "boardTypes, minAgentVersion) and the options, which win. The version defaults to",
            "the app jar's Maven version. Next: spindle sign BUNDLE --key KEY.key"})
public final class BundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** Where the jars come from. */
    static final class Input {
        @Option(names = "--from", paramLabel = "ASSEMBLY.zip",
                description = "zip made by the Maven Assembly Plugin: one jar under app/, libraries under lib/")
        Path assembly;

        @ArgGroup(exclusive = false)
        Jars jars;
    }

    /** The app jar and its libraries as files. */
    static final class Jars {
        @Option(names = "--jar", required = true, paramLabel = "APP.jar", description = "the app jar")
        Path app;

        @Option(names = "--lib", paramLabel = "LIB.jar", description = "a library jar (repeatable)")
        List<Path> libs = new ArrayList<>();
    }

    @Option(names = "--spec", paramLabel = "FILE", description = "properties file with the manifest fields")
    Path specFile;

    @Option(names = "--name", description = "app name (a-z 0-9 . _ -)")
    String name;

    @Option(names = "--version", paramLabel = "VERSION",
            description = "app version (semantic version; default: from the app jar's pom.properties)")
    String version;

    @Option(names = "--main-class", paramLabel = "CLASS", description = "class whose main() the agent starts")
    String mainClass;

    @Option(names = "--board-type", split = ",", paramLabel = "TYPE",
            description = "compatible board type (repeatable or comma-separated), e.g. rpi-4b,sim")
    List<String> boardTypes;

    @Option(names = "--min-agent-version", paramLabel = "VERSION",
            description = "lowest agent version that may install it")
    String minAgentVersion;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the bundle to write")
    Path out;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Properties p = new Properties();
        if (specFile != null) {
            try (Reader r = Files.newBufferedReader(specFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                err.println("error: cannot read --spec " + specFile + ": " + Problems.describe(e));
                return ExitCodes.FAILURE;
            }
        }
        String n = pick(name, p, "name");
        String main = pick(mainClass, p, "mainClass");
        String v = pick(version, p, "version");
        String minAgent = pick(minAgentVersion, p, "minAgentVersion");
        List<String> boards = boardTypes != null ? boardTypes
                : p.getProperty("boardTypes") == null ? null
                : Arrays.stream(p.getProperty("boardTypes").split(",")).map(String::trim).toList();
        List<String> missing = new ArrayList<>();
        if (n == null) {
            missing.add("--name (spec: name)");
        }
        if (main == null) {
            missing.add("--main-class (spec: mainClass)");
        }
        if (boards == null) {
            missing.add("--board-type (spec: boardTypes)");
        }
        if (minAgent == null) {
            missing.add("--min-agent-version (spec: minAgentVersion)");
        }
        if (!missing.isEmpty()) {
            err.println("error: missing " + String.join(", ", missing));
            return ExitCodes.USAGE;
        }
        BundleBuilder.Spec s;
        try {
            s = new BundleBuilder.Spec(n, v == null ? null : SemVer.parse(v), main, boards, SemVer.parse(minAgent));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            Manifest m = input.assembly != null ? BundleBuilder.fromAssembly(s, input.assembly, out)
                    : BundleBuilder.build(s, input.jars.app, input.jars.libs, out);
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode j = Json.object();
                j.put("ok", true).put("bundle", out.toString()).put("name", m.name())
                        .put("version", m.version().toString()).put("app", m.app());
                m.libs().forEach(j.putArray("libs")::add);
                Json.print(o, j);
            } else {
                o.println("wrote " + out + ": " + m.name() + " " + m.version() + ", " + m.entries().size()
                        + " entries (unsigned; next: spindle sign " + out + " --key KEY.key)");
                o.flush();
            }
            return ExitCodes.OK;
        } catch (BundleRejectedException e) {
            return VerifyCommand.refused(spec, json, input.assembly, "refusing input " + input.assembly, e);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("error: cannot build " + out + ": " + Problems.describe(e));
            return ExitCodes.FAILURE;
        }
    }

    private static String pick(String option, Properties p, String key) {
        if (option != null) {
            return option;
        }
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
