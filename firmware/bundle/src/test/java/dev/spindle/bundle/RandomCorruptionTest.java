package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever is done to the bytes of a signed bundle, extraction either refuses it with a
 * typed reason and writes nothing, or accepts it and produces exactly the signed content (a
 * change to a field that carries no meaning, e.g. an entry's DOS time stamp). It never throws
 * anything else and never writes outside the target. A plain seeded loop rather than a property
 * library: no extra dependency, and the printed seed replays a failure exactly
 * ({@code -Dspindle.corruption.seed=N}, {@code -Dspindle.corruption.trials=N}).
 */
class RandomCorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void randomCorruptionsAreRefusedOrHarmless() throws Exception {
        long seed = Long.getLong("spindle.corruption.seed", System.nanoTime());
        int trials = Integer.getInteger("spindle.corruption.trials", 400);
        System.out.println("RandomCorruptionTest seed=" + seed + " trials=" + trials);
        Random rnd = new Random(seed);
        KeyPair key = Ed25519Keys.generate();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path good = TestBundles.signed(src, key);
        byte[] original = Files.readAllBytes(good);
        Map<String, byte[]> expected = TestBundles.entries(good);
        BundleVerifier verifier = BundleVerifier.production(TrustStore.of(key.getPublic()));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
        Map<String, Integer> kinds = new TreeMap<>();
        int accepted = 0;
        int unchanged = 0;
        for (int t = 0; t < trials; t++) {
            String[] kind = new String[1];
            byte[] b = corrupt(original, expected, rnd, kind);
            if (Arrays.equals(b, original)) {
                unchanged++;
                continue;
            }
            kinds.merge(kind[0], 1, Integer::sum);
            Path bundle = Files.write(work.resolve("b.zip"), b);
            Path parent = Files.createDirectories(work.resolve("slots"));
            Path dest = parent.resolve("slot");
            try {
                verifier.extract(bundle, TestBundles.RPI4_AGENT_030, dest);
                accepted++;
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    if (e.getKey().equals(Manifest.SIGNATURE_ENTRY)) {
                        continue; // not signed content; it verified with the trusted key
                    }
                    assertArrayEquals(e.getValue(), Files.readAllBytes(dest.resolve(e.getKey())),
                            "seed " + seed + " trial " + t + ": accepted but " + e.getKey() + " differs");
                }
                assertEquals(expected.size() + 2 /* app, lib dirs */, countFiles(dest),
                        "seed " + seed + " trial " + t + ": extra files");
                BundleVerifier.deleteTree(dest);
            } catch (BundleRejectedException e) {
                refused.merge(e.reason(), 1, Integer::sum);
                assertEquals(List.of("", "slots"), TestBundles.snapshot(work).stream()
                        .filter(p -> !p.equals("b.zip")).toList(),
                        "seed " + seed + " trial " + t + ": something was written for a refused bundle");
            }
            assertEquals(List.of("", "b.zip", "slots"), TestBundles.snapshot(work),
                    "seed " + seed + " trial " + t);
        }
        System.out.println("RandomCorruptionTest corrupted=" + (trials - unchanged) + " refused=" + refused
                + " acceptedHarmless=" + accepted + " unchanged=" + unchanged + " mutations=" + kinds);
        int total = refused.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= trials / 2, "most corruptions must be refused: " + refused);
    }

    private static long countFiles(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            return s.count() - 1;
        }
    }

    private static byte[] corrupt(byte[] in, Map<String, byte[]> entries, Random rnd, String[] kind) {
        byte[] b = in.clone();
        switch (rnd.nextInt(7)) {
            case 6 -> {
                // A bit flipped inside one entry's content, in an otherwise well-formed zip (CRCs
                // recomputed): only the manifest hashes and the signature can catch these.
                kind[0] = "entryContent";
                List<String> names = List.copyOf(entries.keySet());
                String victim = names.get(rnd.nextInt(names.size()));
                RawZip z = new RawZip();
                entries.forEach((n, c) -> {
                    byte[] copy = c.clone();
                    if (n.equals(victim) && copy.length > 0) {
                        copy[rnd.nextInt(copy.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    z.add(n, copy);
                });
                b = z.toBytes();
            }
            case 0 -> {
                kind[0] = "flipBit";
                int i = rnd.nextInt(b.length);
                b[i] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> {
                kind[0] = "flipBits";
                for (int k = 0; k < 2 + rnd.nextInt(6); k++) {
                    int i = rnd.nextInt(b.length);
                    b[i] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> {
                kind[0] = "randomByte";
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            case 3 -> {
                kind[0] = "truncate";
                b = Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 4 -> {
                kind[0] = "insert";
                int at = rnd.nextInt(b.length + 1);
                byte[] extra = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(extra);
                byte[] o = new byte[b.length + extra.length];
                System.arraycopy(b, 0, o, 0, at);
                System.arraycopy(extra, 0, o, at, extra.length);
                System.arraycopy(b, at, o, at + extra.length, b.length - at);
                b = o;
            }
            default -> {
                kind[0] = "overwriteRun";
                int at = rnd.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(32));
                byte[] run = new byte[len];
                rnd.nextBytes(run);
                System.arraycopy(run, 0, b, at, len);
            }
        }
        return b;
    }
}
