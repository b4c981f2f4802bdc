package dev.spindle.bench.fleet;

import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleSigner;
import dev.spindle.bundle.Ed25519Keys;
import dev.spindle.bundle.SemVer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Real signed bundles for the rollout phase: {@link FleetApp} as the app jar plus a library of
 * random (incompressible) bytes that brings the bundle to the wanted size, for board type
 * {@code none} (what {@code spindle sim} boards report), signed with a key made here whose
 * {@code .pub} the simulated boards trust ({@link #trust()}).
 */
final class RolloutBundle {
    /** The board type of simulated boards (SimFleet sets board.type=none). */
    static final String BOARD_TYPE = "none";
    /** Any agent of this build can run it (a -SNAPSHOT agent is older than its release). */
    private static final SemVer MIN_AGENT = SemVer.parse("0.0.1");

    private final Path dir;
    private final KeyPair key;
    private final Path trust;

    RolloutBundle(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.key = Ed25519Keys.generate();
        this.trust = dir.resolve("bench" + Ed25519Keys.PUBLIC_SUFFIX);
        Ed25519Keys.writePublic(trust, key.getPublic());
    }

    /** The public key file the boards trust (deploy.trust). */
    Path trust() {
        return trust;
    }

    /**
     * @param version  the bundle's version (a new one per rollout: a board refuses nothing, but
     *                 the rollout skips boards that already run the version)
     * @param size     about how large the bundle should be, bytes (at least a few KiB)
     * @return the signed bundle, {@code fleet-app-VERSION.zip}
     */
    Path signed(String version, int size, long seed) throws IOException, BundleRejectedException {
        Path app = dir.resolve("fleet-app-" + version + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(app))) {
            j.putNextEntry(new JarEntry(FleetApp.class.getName().replace('.', '/') + ".class"));
            try (InputStream in = FleetApp.class.getResourceAsStream(FleetApp.class.getSimpleName() + ".class")) {
                in.transferTo(j);
            }
        }
        Path pad = dir.resolve("fleet-pad-" + version + ".jar");
        byte[] bytes = new byte[Math.max(0, size - 4096)];
        new Random(seed).nextBytes(bytes);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(pad))) {
            j.putNextEntry(new JarEntry("pad.bin"));
            j.write(bytes);
        }
        Path unsigned = dir.resolve("unsigned-" + version + ".zip");
        BundleBuilder.build(new BundleBuilder.Spec("fleet-app", SemVer.parse(version), FleetApp.class.getName(),
                List.of(BOARD_TYPE), MIN_AGENT), app, List.of(pad), unsigned);
        Path out = dir.resolve("fleet-app-" + version + ".zip");
        BundleSigner.sign(unsigned, key.getPrivate(), out);
        Files.delete(unsigned);
        Files.delete(app);
        Files.delete(pad);
        return out;
    }
}
