package dev.spindle.agent;

import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.BundleSigner;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.bundle.Ed25519Keys;
import dev.spindle.bundle.SemVer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Real signed bundles of {@link SlotTestApp} for the deploy tests. */
public final class SlotBundles {
    final Path dir;
    final KeyPair key;
    final Path trust;

    /** @return the directory holding the signing key's .pub (for deploy.trust) */
    public Path trust() {
        return trust;
    }

    /** A fresh signing key in {@code dir}, its public half in {@code dir/trust/test.pub}. */
    public SlotBundles(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.key = Ed25519Keys.generate();
        this.trust = Files.createDirectories(dir.resolve("trust"));
        Ed25519Keys.writePublic(trust.resolve("test.pub"), key.getPublic());
    }

    /** A signed bundle {@code name-version-mode.zip}. */
    public Path signed(String name, String version, String mode) throws Exception {
        Path u = unsigned(name, version, mode);
        Path s = dir.resolve(name + "-" + version + "-" + mode + ".zip");
        BundleSigner.sign(u, key.getPrivate(), s);
        Files.delete(u);
        return s;
    }

    /** Signs any bundle with this key (e.g. one built with extra libraries). */
    public Path sign(Path unsigned, Path out) throws Exception {
        BundleSigner.sign(unsigned, key.getPrivate(), out);
        return out;
    }

    /** An unsigned bundle. */
    public Path unsigned(String name, String version, String mode) throws IOException {
        Path jar = appJar(name, version, mode);
        Path out = dir.resolve("unsigned-" + name + "-" + version + "-" + mode + ".zip");
        BundleBuilder.build(new BundleBuilder.Spec(name, SemVer.parse(version), SlotTestApp.class.getName(),
                List.of("sim"), SemVer.parse("0.1.0-SNAPSHOT")), jar, List.of(), out);
        Files.delete(jar);
        return out;
    }

    /** The app jar of {@link SlotTestApp} with its {@code slot-app.properties}, {@code app-name-version-mode.jar}. */
    public Path appJar(String name, String version, String mode) throws IOException {
        Path jar = dir.resolve("app-" + name + "-" + version + "-" + mode + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("slot-app.properties"));
            j.write(("version=" + version + "\nmode=" + mode + "\n").getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("dev/spindle/agent/SlotTestApp.class")); // one class: its thread is a lambda
            try (InputStream in = SlotTestApp.class.getResourceAsStream("SlotTestApp.class")) {
                in.transferTo(j);
            }
        }
        return jar;
    }

    public static String sha256(Path f) throws IOException {
        return BundleVerifier.fileSha256(f);
    }
}
