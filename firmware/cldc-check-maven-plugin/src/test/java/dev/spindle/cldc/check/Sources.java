package dev.spindle.cldc.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Compiles small Java sources at test time, the way a CLDC module is compiled (--release 8). */
final class Sources {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private String release = "8";
    private final List<Path> classpath = new ArrayList<>();

    /** Adds a compilation unit; {@code className} is its top-level class's binary name. */
    Sources add(String className, String code) {
        sources.put(className, code);
        return this;
    }

    Sources release(String release) {
        this.release = release;
        return this;
    }

    Sources classpath(Path entry) {
        classpath.add(entry);
        return this;
    }

    /** Compiles into a fresh directory under {@code parent} and returns it. */
    Path compileInto(Path parent) throws IOException {
        Path out = Files.createTempDirectory(parent, "classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            String path = e.getKey().replace('.', '/') + ".java";
            units.add(new SimpleJavaFileObject(URI.create("string:///" + path), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return e.getValue();
                }
            });
        }
        List<String> options = new ArrayList<>(Arrays.asList("--release", release, "-g", "-nowarn",
                "-Xlint:none", "-d", out.toString()));
        if (!classpath.isEmpty()) {
            StringBuilder cp = new StringBuilder();
            for (Path p : classpath) {
                cp.append(cp.length() == 0 ? "" : java.io.File.pathSeparator).append(p);
            }
            options.add("-classpath");
            options.add(cp.toString());
        }
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null, options, null, units).call();
        assertTrue(ok, "test sources do not compile:\n" + diagnostics);
        return out;
    }

    static Path signatureFile() {
        String path = System.getProperty("spindle.cldc.signature");
        assertTrue(path != null && !path.isEmpty() && !path.startsWith("${"),
                "system property spindle.cldc.signature (set by the pom) must name the signature file");
        Path file = Paths.get(path);
        assertTrue(Files.isRegularFile(file), "no signature file " + file);
        return file;
    }
}
