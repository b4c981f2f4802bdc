package dev.spindle.tools.deploy;

import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.BundleSigner;
import dev.spindle.bundle.Ed25519Keys;
import dev.spindle.bundle.SemVer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Makes real bundles (signed or not) with the bundle library, as spindle bundle and sign do. */
final class TestBundle {
    private TestBundle() {
    }

    static Path make(Path dir, String version, boolean signed, String... boardTypes) throws Exception {
        Files.createDirectories(dir);
        Path jar = dir.resolve("app-" + version + ".jar");
        byte[] payload = new byte[3000];
        new Random(version.hashCode()).nextBytes(payload);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("x/Y.class"));
            j.write(payload);
        }
        Path out = dir.resolve("blink-" + version + (signed ? "" : "-unsigned") + ".zip");
        BundleBuilder.build(new BundleBuilder.Spec("blink", SemVer.parse(version), "x.Y",
                List.of(boardTypes.length == 0 ? new String[] {"sim"} : boardTypes), SemVer.parse("0.1.0")),
                jar, List.of(), out);
        if (signed) {
            BundleSigner.sign(out, Ed25519Keys.generate().getPrivate(), out);
        }
        return out;
    }
}
