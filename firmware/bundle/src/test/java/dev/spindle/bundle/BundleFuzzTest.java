package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * jqwik property over 1,200 corrupted bundles: truncated, bit-flipped, zip-slip names, zip bombs,
 * bad or foreign signatures, unsigned extra entries. Each is extracted into a fresh slot under a
 * temp dir by the production verifier; it must be refused with a {@link Reason} (a bit flip may
 * instead hit a byte without meaning, then the slot must hold exactly the signed content), and
 * nothing may be written anywhere else. Counts per kind and reason are printed at the end.
 */
class BundleFuzzTest {
    static Path root;
    static byte[] original;
    static Map<String, byte[]> entries;
    static BundleVerifier verifier;
    static KeyPair key;
    static final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** A corruption: its kind and the bytes it produced. */
    record Corrupted(String kind, byte[] bytes, boolean mayBeHarmless) {
        @Override
        public String toString() {
            return kind + " (" + bytes.length + " bytes)";
        }
    }

    @BeforeContainer
    static void bundle() throws Exception {
        root = Files.createTempDirectory("spindle-bundle-fuzz");
        key = Ed25519Keys.generate();
        Path good = TestBundles.signed(Files.createDirectories(root.resolve("src")), key);
        original = Files.readAllBytes(good);
        entries = TestBundles.entries(good);
        // small limits, so that a "bomb" of a few MiB is over them without making the test slow
        verifier = new BundleVerifier(TrustStore.of(key.getPublic()), false, ZipLimits.DEFAULT.withMaxBytes(1 << 20, 1 << 20));
    }

    @AfterContainer
    static void report() throws IOException {
        System.out.println("bundle fuzz: " + new TreeMap<>(counts));
        BundleVerifier.deleteTree(root);
    }

    @Property(tries = 1200)
    void corruptedBundlesAreRefusedWithAReason(@ForAll("corruptions") Corrupted c) throws Exception {
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
    Arbitrary<Corrupted> corruptions() {
        int n = original.length;
        Arbitrary<Corrupted> truncated = Arbitraries.integers().between(0, n - 1)
                .map(len -> new Corrupted("truncated", Arrays.copyOf(original, len), false));
        Arbitrary<Corrupted> flipped = Combinators.combine(Arbitraries.integers().between(0, n - 1),
                Arbitraries.integers().between(0, 7)).as((at, bit) -> {
                    byte[] b = original.clone();
                    b[at] ^= (byte) (1 << bit);
                    return new Corrupted("bit_flip", b, true);
                });
        Arbitrary<Corrupted> zipSlip = Combinators.combine(Arbitraries.of("../evil.jar", "../../etc/passwd", "/tmp/abs.jar",
                "app/../../x.jar", "C:\\evil.jar", "app\\..\\..\\x", "lib/./../../y", "app/\u0000x.jar", "./app/a.jar",
                "app//b.jar", "..", "app/..", "\u202e.jar"), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as((name, data) -> {
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    m.put(name, data);
                    return new Corrupted("zip_slip", raw(m), false);
                });
        Arbitrary<Corrupted> bomb = Arbitraries.integers().between(2, 4).map(mib -> {
            Map<String, byte[]> m = new LinkedHashMap<>(entries);
            m.put("lib/bomb.jar", new byte[mib << 20]);
            return new Corrupted("bomb", raw(m), false);
        });
        Arbitrary<Corrupted> badSignature = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(200).map(sig -> {
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    m.put(Manifest.SIGNATURE_ENTRY, sig);
                    return new Corrupted("bad_signature", raw(m), false);
                }),
                Arbitraries.just(0).map(x -> {
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    m.remove(Manifest.SIGNATURE_ENTRY);
                    return new Corrupted("unsigned", raw(m), false);
                }),
                Arbitraries.strings().ofMaxLength(20).map(s -> {
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    byte[] manifest = m.get(Manifest.ENTRY).clone();
                    String text = new String(manifest, StandardCharsets.UTF_8).replaceFirst("demo", "demo" + s + "x");
                    m.put(Manifest.ENTRY, text.getBytes(StandardCharsets.UTF_8));
                    return new Corrupted("tampered_manifest", raw(m), false);
                }));
        Arbitrary<Corrupted> extra = Arbitraries.strings().withChars("abcdef/").ofMinLength(1).ofMaxLength(20).map(name -> {
            Map<String, byte[]> m = new LinkedHashMap<>(entries);
            m.put("lib/extra-" + name.replace('/', '_') + ".jar", new byte[] {1, 2, 3});
            return new Corrupted("unsigned_entry", raw(m), false);
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(25, truncated), net.jqwik.api.Tuple.of(30, flipped),
                net.jqwik.api.Tuple.of(15, zipSlip), net.jqwik.api.Tuple.of(5, bomb), net.jqwik.api.Tuple.of(15, badSignature),
                net.jqwik.api.Tuple.of(10, extra));
    }

    private static byte[] raw(Map<String, byte[]> m) {
        RawZip z = new RawZip();
        m.forEach(z::add);
        return z.toBytes();
    }
}
