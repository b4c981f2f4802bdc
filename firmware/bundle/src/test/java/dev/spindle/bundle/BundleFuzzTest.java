package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * jqwik property over 1,200 corrupted bundles ({@link BundleCorruptions}: truncated, bit-flipped,
 * zip-slip names, absolute paths, links, duplicate entries, zip bombs, bad, missing or foreign
 * signatures, tampered manifests, unsigned entries, wrong board, too-new agent). Each is extracted
 * into a fresh slot under a temp dir by the production verifier; it must be refused with a
 * {@link Reason} (a bit flip may instead hit a byte without meaning, then the slot must hold
 * exactly the signed content), and nothing may be written anywhere else. Counts per kind and
 * reason are printed at the end. The same corruptions go through a running agent in the agent's
 * {@code AgentBundleFuzzTest}.
 */
class BundleFuzzTest {
    static Path root;
    static BundleCorruptions corruptions;
    static byte[] original;
    static Map<String, byte[]> entries;
    static BundleVerifier verifier;
    static final Map<String, Integer> counts = new ConcurrentHashMap<>();

    @BeforeContainer
    static void bundle() throws Exception {
        root = Files.createTempDirectory("spindle-bundle-fuzz");
        KeyPair key = Ed25519Keys.generate();
        Path jars = Files.createDirectories(root.resolve("src"));
        corruptions = new BundleCorruptions(root.resolve("src").resolve("work"), TestBundles.SPEC,
                TestBundles.jar(jars, "demo-1.2.3.jar", 3000, 1), List.of(TestBundles.jar(jars, "spindle-threading-0.1.0.jar",
                        1500, 2)), key);
        original = corruptions.original();
        entries = corruptions.entries();
        // small limits, so that a "bomb" of a few MiB is over them without making the test slow
        verifier = new BundleVerifier(TrustStore.of(key.getPublic()), false, ZipLimits.DEFAULT.withMaxBytes(1 << 20, 1 << 20));
    }

    @AfterContainer
    static void report() throws IOException {
        System.out.println("bundle fuzz: " + new TreeMap<>(counts));
        BundleVerifier.deleteTree(root);
    }

    @Property(tries = 1200)
    void corruptedBundlesAreRefusedWithAReason(@ForAll("corruptions") BundleCorruptions.Corrupted c) throws Exception {
        Path work = Files.createTempDirectory(root, "case");
        Path bundle = Files.write(work.resolve("b.zip"), c.bytes());
        Path slots = Files.createDirectories(work.resolve("slots"));
        Path dest = slots.resolve("slot");
        try {
            verifier.extract(bundle, TestBundles.RPI4_AGENT_030, dest);
            if (!c.mayBeHarmless() || Arrays.equals(c.bytes(), original)) {
                counts.merge(c.kind() + ":unchanged", 1, Integer::sum);
                assertEquals(true, Arrays.equals(c.bytes(), original), c + " was accepted");
            }
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (!e.getKey().equals(Manifest.SIGNATURE_ENTRY)) {
                    assertArrayEquals(e.getValue(), Files.readAllBytes(dest.resolve(e.getKey())), c + ": " + e.getKey());
                }
            }
            counts.merge(c.kind() + ":harmless", 1, Integer::sum);
            BundleVerifier.deleteTree(dest);
        } catch (BundleRejectedException e) {
            assertNotNull(e.reason());
            counts.merge(c.kind() + ":" + e.reason().name().toLowerCase(), 1, Integer::sum);
        }
        assertEquals(List.of("", "b.zip", "slots"), TestBundles.snapshot(work), c + ": written outside the slot or left behind");
        assertEquals(List.of("", "case" ), TestBundles.snapshot(root).stream().filter(p -> !p.startsWith("src"))
                .map(p -> p.startsWith("case") ? "case" : p).distinct().toList(), c + ": written outside its dir");
        BundleVerifier.deleteTree(work);
    }

    @Provide
    Arbitrary<BundleCorruptions.Corrupted> corruptions() {
        return corruptions.arbitrary();
    }
}
