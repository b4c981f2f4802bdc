package dev.spindle.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Real bundles for tests, made in a temp dir. */
final class TestBundles {
    static final BundleBuilder.Spec SPEC = new BundleBuilder.Spec("demo", null,
            "dev.spindle.examples.Demo", List.of("rpi-4b", "sim"), SemVer.parse("0.2.0"));
    static final Compatibility RPI4_AGENT_030 = new Compatibility("rpi-4b", SemVer.parse("0.3.0"));

    private TestBundles() {
    }

    /** A jar with a pom.properties (version 1.2.3) and {@code size} random bytes. */
    static Path jar(Path dir, String name, int size, long seed) throws IOException {
        Path f = dir.resolve(name);
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(f))) {
            j.putNextEntry(new JarEntry("META-INF/maven/dev.spindle/demo/pom.properties"));
            j.write("groupId=dev.spindle\nartifactId=demo\nversion=1.2.3\n".getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("dev/spindle/examples/Demo.class"));
            j.write(payload);
        }
        return f;
    }

    /** An unsigned bundle with an app jar and one lib, in {@code dir}. */
    static Path unsigned(Path dir, BundleBuilder.Spec spec) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        Path app = jar(jars, "demo-1.2.3.jar", 3000, 1);
        Path lib = jar(jars, "spindle-threading-0.1.0.jar", 1500, 2);
        Path out = dir.resolve("unsigned-" + spec.name() + "-" + spec.boardTypes().get(0) + ".zip");
        BundleBuilder.build(spec, app, List.of(lib), out);
        return out;
    }

    static Path signed(Path dir, KeyPair key) throws IOException, BundleRejectedException {
        return signed(dir, key, SPEC);
    }

    static Path signed(Path dir, KeyPair key, BundleBuilder.Spec spec)
            throws IOException, BundleRejectedException {
        Path u = unsigned(dir, spec);
        Path s = dir.resolve("signed-" + u.getFileName());
        BundleSigner.sign(u, key.getPrivate(), s);
        return s;
    }

    /** All entries of a zip, read with java.util.zip, in order. */
    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                m.put(e.getName(), readAll(in));
            }
        }
        return m;
    }

    /** Writes entries as a fresh, well-formed zip (CRCs recomputed). */
    static Path rezip(Path out, Map<String, byte[]> entries) throws IOException {
        RawZip z = new RawZip();
        entries.forEach(z::add);
        Files.write(out, z.toBytes());
        return out;
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        in.transferTo(o);
        return o.toByteArray();
    }

    /** Every path under root (relative, sorted), to prove that nothing was written. */
    static List<String> snapshot(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> out.add(root.relativize(p).toString()));
        }
        out.sort(null);
        return out;
    }
}
