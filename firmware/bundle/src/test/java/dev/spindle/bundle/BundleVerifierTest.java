package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {
    private static KeyPair key;
    private static KeyPair otherKey;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() {
        key = Ed25519Keys.generate();
        otherKey = Ed25519Keys.generate();
    }

    private BundleVerifier production() {
        return BundleVerifier.production(TrustStore.of(key.getPublic()));
    }

    /**
     * Extracts with the production verifier and expects a refusal; checks that the file system
     * under the temp dir is exactly as before (nothing written, nothing left behind).
     */
    private BundleRejectedException refused(Reason expected, Path bundle) throws IOException {
        return refused(expected, production(), bundle, TestBundles.RPI4_AGENT_030);
    }

    private BundleRejectedException refused(Reason expected, BundleVerifier v, Path bundle,
            Compatibility target) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("slots"));
        List<String> before = TestBundles.snapshot(tmp);
        BundleRejectedException e = assertThrows(BundleRejectedException.class,
                () -> v.extract(bundle, target, out.resolve("b")));
        assertEquals(expected, e.reason(), e.getMessage());
        assertEquals(before, TestBundles.snapshot(tmp), "the file system changed");
        assertTrue(e.getMessage().startsWith(expected.wireName() + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith(expected.advice()), e.getMessage());
        return e;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    /** A well-formed zip with a valid signed manifest plus one extra crafted entry. */
    private RawZip signedPlus(Map<String, byte[]> base) {
        RawZip z = new RawZip();
        base.forEach(z::add);
        return z;
    }

    @Test
    void roundTripBuildSignVerifyExtract() throws Exception {
        Path b = TestBundles.signed(tmp, key);
        VerifiedBundle vb = production().verify(b, TestBundles.RPI4_AGENT_030);
        assertTrue(vb.signed());
        assertEquals(Ed25519Keys.keyId(key.getPublic()), vb.signerKeyId());
        assertEquals("demo", vb.manifest().name());
        assertEquals(SemVer.parse("1.2.3"), vb.manifest().version(), "version from pom.properties");
        assertEquals("app/demo-1.2.3.jar", vb.manifest().app());
        assertEquals(List.of("lib/spindle-threading-0.1.0.jar"), vb.manifest().libs());
        assertEquals(BundleVerifier.fileSha256(b), vb.sha256());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(b)), "a bundle is not secret");

        Path dest = Files.createDirectories(tmp.resolve("slots")).resolve("a");
        production().extract(b, TestBundles.RPI4_AGENT_030, dest);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("jars/demo-1.2.3.jar")),
                Files.readAllBytes(dest.resolve("app/demo-1.2.3.jar")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("jars/spindle-threading-0.1.0.jar")),
                Files.readAllBytes(dest.resolve("lib/spindle-threading-0.1.0.jar")));
        assertTrue(Files.exists(dest.resolve(Manifest.ENTRY)));
        assertTrue(Files.exists(dest.resolve(Manifest.SIGNATURE_ENTRY)));
        assertEquals(List.of("a"), TestBundles.snapshot(tmp.resolve("slots")).stream()
                .filter(p -> !p.isEmpty() && !p.contains("/")).toList(), "no temp dir left");
        // Extraction never replaces a directory.
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> production().extract(b, TestBundles.RPI4_AGENT_030, dest));
    }

    @Test
    void signingIsReproducibleAndReplacesAnEarlierSignature() throws Exception {
        Path b = TestBundles.signed(tmp, key);
        Path again = tmp.resolve("again.zip");
        BundleSigner.sign(b, otherKey.getPrivate(), again);
        VerifiedBundle vb = BundleVerifier.production(TrustStore.of(otherKey.getPublic()))
                .verify(again, Compatibility.ANY);
        assertEquals(Ed25519Keys.keyId(otherKey.getPublic()), vb.signerKeyId());
        assertEquals(List.of(Manifest.ENTRY, "app/demo-1.2.3.jar", "lib/spindle-threading-0.1.0.jar",
                Manifest.SIGNATURE_ENTRY), new ArrayList<>(TestBundles.entries(again).keySet()));
        Path third = tmp.resolve("third.zip");
        BundleSigner.sign(again, key.getPrivate(), third);
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(third), "Ed25519 is deterministic");
    }

    @Test
    void truncatedZipIsCorrupt() throws Exception {
        byte[] b = Files.readAllBytes(TestBundles.signed(tmp, key));
        for (int cut : new int[] {0, 10, b.length / 2, b.length - 1}) {
            refused(Reason.CORRUPT, write("cut" + cut + ".zip", java.util.Arrays.copyOf(b, cut)));
        }
    }

    @Test
    void flippedBitInEntryDataIsTampered() throws Exception {
        Path signed = TestBundles.signed(tmp, key);
        byte[] b = Files.readAllBytes(signed);
        long appData;
        try (SafeZip z = SafeZip.open(signed, ZipLimits.DEFAULT)) {
            appData = z.entries().get("app/demo-1.2.3.jar").dataStart();
        }
        b[(int) appData + 100] ^= 0x10;
        BundleRejectedException e = refused(Reason.TAMPERED, write("flip.zip", b));
        assertTrue(e.detail().contains("app/demo-1.2.3.jar"), e.detail());
    }

    @Test
    void changedEntryWithConsistentZipIsTampered() throws Exception {
        Map<String, byte[]> m = TestBundles.entries(TestBundles.signed(tmp, key));
        m.get("lib/spindle-threading-0.1.0.jar")[200] ^= 1;
        BundleRejectedException e = refused(Reason.TAMPERED, TestBundles.rezip(tmp.resolve("t.zip"), m));
        assertTrue(e.detail().contains("does not match the manifest"), e.detail());
    }

    @Test
    void extraOrMissingEntryIsTampered() throws Exception {
        Map<String, byte[]> m = TestBundles.entries(TestBundles.signed(tmp, key));
        Map<String, byte[]> extra = new LinkedHashMap<>(m);
        extra.put("lib/evil.jar", new byte[] {1, 2, 3});
        refused(Reason.TAMPERED, TestBundles.rezip(tmp.resolve("extra.zip"), extra));
        Map<String, byte[]> missing = new LinkedHashMap<>(m);
        missing.remove("lib/spindle-threading-0.1.0.jar");
        refused(Reason.TAMPERED, TestBundles.rezip(tmp.resolve("missing.zip"), missing));
    }

    @Test
    void flippedBitInSignatureIsBadSignature() throws Exception {
        Map<String, byte[]> m = TestBundles.entries(TestBundles.signed(tmp, key));
        String sig = new String(m.get(Manifest.SIGNATURE_ENTRY), StandardCharsets.UTF_8);
        BundleSignature s = BundleSignature.parse(m.get(Manifest.SIGNATURE_ENTRY));
        byte[] flipped = s.signature().clone();
        flipped[17] ^= 0x04;
        m.put(Manifest.SIGNATURE_ENTRY, sig.replace(Base64.getEncoder().encodeToString(s.signature()),
                Base64.getEncoder().encodeToString(flipped)).getBytes(StandardCharsets.UTF_8));
        refused(Reason.BAD_SIGNATURE, TestBundles.rezip(tmp.resolve("sig.zip"), m));
        m.put(Manifest.SIGNATURE_ENTRY, "{not json".getBytes(StandardCharsets.UTF_8));
        refused(Reason.BAD_SIGNATURE, TestBundles.rezip(tmp.resolve("sig2.zip"), m));
    }

    @Test
    void changedManifestIsBadSignature() throws Exception {
        Map<String, byte[]> m = TestBundles.entries(TestBundles.signed(tmp, key));
        String manifest = new String(m.get(Manifest.ENTRY), StandardCharsets.UTF_8);
        m.put(Manifest.ENTRY, manifest.replace("\"sim\"", "\"rpi-5\"").getBytes(StandardCharsets.UTF_8));
        refused(Reason.BAD_SIGNATURE, TestBundles.rezip(tmp.resolve("m.zip"), m));
    }

    @Test
    void wrongKeyIsUntrustedAndAForgedKeyIdIsBadSignature() throws Exception {
        Path byOther = TestBundles.signed(tmp, otherKey);
        BundleRejectedException e = refused(Reason.UNTRUSTED_KEY, byOther);
        assertTrue(e.detail().contains(Ed25519Keys.keyId(otherKey.getPublic())), e.detail());
        // Claim the trusted key's id for the other key's signature.
        Map<String, byte[]> m = TestBundles.entries(byOther);
        String sig = new String(m.get(Manifest.SIGNATURE_ENTRY), StandardCharsets.UTF_8);
        m.put(Manifest.SIGNATURE_ENTRY, sig.replace(Ed25519Keys.keyId(otherKey.getPublic()),
                Ed25519Keys.keyId(key.getPublic())).getBytes(StandardCharsets.UTF_8));
        refused(Reason.BAD_SIGNATURE, TestBundles.rezip(tmp.resolve("forged.zip"), m));
    }

    @Test
    void unsignedIsRefusedInProductionAndAcceptedInDevelopmentMode() throws Exception {
        Path u = TestBundles.unsigned(tmp, TestBundles.SPEC);
        refused(Reason.UNSIGNED, u);
        BundleVerifier dev = new BundleVerifier(TrustStore.empty(), true, ZipLimits.DEFAULT);
        assertTrue(dev.developmentMode());
        VerifiedBundle vb = dev.extract(u, TestBundles.RPI4_AGENT_030, tmp.resolve("dev"));
        assertFalse(vb.signed());
        assertNull(vb.signerKeyId());
        assertTrue(vb.signatureNote().contains("development mode"), vb.signatureNote());
        // Development mode does not excuse a trusted key's bad signature, nor a wrong board.
        Map<String, byte[]> m = TestBundles.entries(TestBundles.signed(tmp, key));
        m.put(Manifest.ENTRY, new String(m.get(Manifest.ENTRY), StandardCharsets.UTF_8)
                .replace("0.2.0", "0.1.0").getBytes(StandardCharsets.UTF_8));
        BundleVerifier devTrusting = new BundleVerifier(TrustStore.of(key.getPublic()), true, ZipLimits.DEFAULT);
        refused(Reason.BAD_SIGNATURE, devTrusting, TestBundles.rezip(tmp.resolve("dev-bad.zip"), m),
                TestBundles.RPI4_AGENT_030);
        refused(Reason.WRONG_BOARD, dev, u, new Compatibility("rpi-3bplus", null));
    }

    @Test
    void wrongBoardAndAgentTooOld() throws Exception {
        Path b = TestBundles.signed(tmp, key);
        BundleRejectedException e = refused(Reason.WRONG_BOARD, production(), b,
                new Compatibility("rpi-zero2w", SemVer.parse("9.0.0")));
        assertTrue(e.detail().contains("rpi-4b, sim") && e.detail().contains("rpi-zero2w"), e.detail());
        e = refused(Reason.AGENT_TOO_OLD, production(), b, new Compatibility("sim", SemVer.parse("0.2.0-rc.1")));
        assertTrue(e.detail().contains("needs agent 0.2.0 or later"), e.detail());
        production().verify(b, new Compatibility("sim", SemVer.parse("0.2.0")));
        production().verify(b, Compatibility.ANY);
    }

    @Test
    void zipSlipAbsoluteBackslashAndDriveLetterAreUnsafe() throws Exception {
        Map<String, byte[]> base = TestBundles.entries(TestBundles.signed(tmp, key));
        String[] names = {"../x", "app/../../x", "/tmp/x", "\\x", "app\\..\\..\\x", "C:/x", "c:x",
            "./x", "app//x", "x\u0000y", "dir/\u00e9", "app/x\n"};
        for (int i = 0; i < names.length; i++) {
            RawZip z = signedPlus(base);
            z.add(names[i], "pwned".getBytes(StandardCharsets.UTF_8));
            refused(Reason.UNSAFE_ZIP, write("slip" + i + ".zip", z.toBytes()));
        }
        assertFalse(Files.exists(tmp.resolve("x")));
        assertFalse(Files.exists(tmp.getParent().resolve("x")));
    }

    @Test
    void duplicateEntriesAreUnsafe() throws Exception {
        Map<String, byte[]> base = TestBundles.entries(TestBundles.signed(tmp, key));
        RawZip z = signedPlus(base);
        z.add("app/demo-1.2.3.jar", new byte[] {1});
        refused(Reason.UNSAFE_ZIP, write("dup.zip", z.toBytes()));
        z = signedPlus(base);
        z.add("APP/demo-1.2.3.JAR", new byte[] {1});
        refused(Reason.UNSAFE_ZIP, write("dupcase.zip", z.toBytes()));
        z = signedPlus(base);
        z.add("app/demo-1.2.3.jar/x", new byte[] {1});
        refused(Reason.UNSAFE_ZIP, write("fileasdir.zip", z.toBytes()));
        z = signedPlus(base);
        z.add("app/demo-1.2.3.jar/", new byte[0]);
        refused(Reason.UNSAFE_ZIP, write("fileanddir.zip", z.toBytes()));
    }

    @Test
    void symlinkEntriesAreUnsafe() throws Exception {
        Map<String, byte[]> base = TestBundles.entries(TestBundles.signed(tmp, key));
        RawZip z = signedPlus(base);
        z.symlink("lib/link.jar", "/etc/passwd");
        BundleRejectedException e = refused(Reason.UNSAFE_ZIP, write("link.zip", z.toBytes()));
        assertTrue(e.detail().contains("symbolic link"), e.detail());
        // The same link declared only in the Info-ZIP ASi Unix extra field (0x756e).
        z = signedPlus(base);
        RawZip.Entry l = z.add("lib/link2.jar", "/etc/passwd".getBytes(StandardCharsets.UTF_8));
        java.nio.ByteBuffer x = java.nio.ByteBuffer.allocate(18).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        x.putShort((short) 0x756e).putShort((short) 14).putInt(0).putShort((short) 0120777).putInt(0)
                .putShort((short) 0).putShort((short) 0);
        l.extra = x.array();
        e = refused(Reason.UNSAFE_ZIP, write("link2.zip", z.toBytes()));
        assertTrue(e.detail().contains("symbolic link"), e.detail());
        // A device node (mode in external attributes).
        z = signedPlus(base);
        RawZip.Entry dev = z.add("lib/dev", new byte[0]);
        dev.madeBy = 3 << 8;
        dev.external = 020666L << 16;
        refused(Reason.UNSAFE_ZIP, write("dev.zip", z.toBytes()));
    }

    @Test
    void zipBombsAreRefusedWhileInflating() throws Exception {
        Map<String, byte[]> base = TestBundles.entries(TestBundles.signed(tmp, key));
        // A header that lies: 100 bytes declared, 8 MiB of zeros inside.
        RawZip z = signedPlus(base);
        z.add("lib/bomb.jar", new byte[8 << 20]).declaredSize = 100L;
        BundleRejectedException e = refused(Reason.UNSAFE_ZIP, write("lying.zip", z.toBytes()));
        assertTrue(e.detail().contains("more than the 100 bytes its header declares"), e.detail());
        // An honest header, but a ratio far above the limit.
        z = signedPlus(base);
        z.add("lib/ratio.jar", new byte[4 << 20]);
        e = refused(Reason.UNSAFE_ZIP, write("ratio.zip", z.toBytes()));
        assertTrue(e.detail().contains("times its compressed size"), e.detail());
        // Total and per-entry size limits (random, incompressible data).
        byte[] random = new byte[64 * 1024];
        new java.util.Random(3).nextBytes(random);
        z = signedPlus(base);
        z.add("lib/a.jar", random);
        z.add("lib/b.jar", random);
        Path big = write("big.zip", z.toBytes());
        refused(Reason.UNSAFE_ZIP, new BundleVerifier(TrustStore.of(key.getPublic()), false,
                ZipLimits.DEFAULT.withMaxBytes(100_000, 100_000)), big, Compatibility.ANY);
        refused(Reason.UNSAFE_ZIP, new BundleVerifier(TrustStore.of(key.getPublic()), false,
                ZipLimits.DEFAULT.withMaxBytes(1 << 20, 50_000)), big, Compatibility.ANY);
    }

    @Test
    void tooManyEntriesAreUnsafe() throws Exception {
        Map<String, byte[]> base = TestBundles.entries(TestBundles.signed(tmp, key));
        RawZip z = signedPlus(base);
        for (int i = 0; i < 1030; i++) {
            z.add("lib/f" + i, new byte[0]).deflate = false;
        }
        BundleRejectedException e = refused(Reason.UNSAFE_ZIP, write("many.zip", z.toBytes()));
        assertTrue(e.detail().contains("1024"), e.detail());
        refused(Reason.UNSAFE_ZIP, new BundleVerifier(TrustStore.of(key.getPublic()), false,
                ZipLimits.DEFAULT.withMaxEntries(3)), TestBundles.signed(tmp, key), Compatibility.ANY);
    }

    @Test
    void hiddenPrependedOrOverlappingDataIsUnsafe() throws Exception {
        byte[] b = Files.readAllBytes(TestBundles.signed(tmp, key));
        // Data prepended (offsets no longer match).
        byte[] pre = new byte[b.length + 4];
        System.arraycopy(b, 0, pre, 4, b.length);
        assertThrows(BundleRejectedException.class, () -> production().verify(write("pre.zip", pre),
                Compatibility.ANY));
        // Two central records pointing at the same local entry (an overlapping-entry bomb).
        RawZip z = new RawZip();
        z.add("a", new byte[10]);
        byte[] one = z.toBytes();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(one).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int cdOff = in.getInt(one.length - 6);
        int cdLen = one.length - 22 - cdOff;
        byte[] rec2 = java.util.Arrays.copyOfRange(one, cdOff, cdOff + cdLen);
        rec2[46] = 'b';
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.write(one, 0, cdOff + cdLen);
        o.write(rec2);
        java.nio.ByteBuffer eocd = java.nio.ByteBuffer.allocate(22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 2).putShort((short) 2)
                .putInt(cdLen * 2).putInt(cdOff).putShort((short) 0);
        o.write(eocd.array());
        BundleRejectedException e = refused(Reason.UNSAFE_ZIP, write("overlap.zip", o.toByteArray()));
        assertTrue(e.detail().contains("names another file") || e.detail().contains("overlaps"), e.detail());
    }

    @Test
    void notAZipIsCorruptAndNoManifestIsCorrupt() throws Exception {
        refused(Reason.CORRUPT, write("text.zip", "hello, not a zip at all".getBytes(StandardCharsets.UTF_8)));
        RawZip z = new RawZip();
        z.add("app/a.jar", new byte[] {1, 2});
        refused(Reason.CORRUPT, write("nomanifest.zip", z.toBytes()));
    }

    @Test
    void extractionNeedsAnExistingParentAndANewDirectory() throws Exception {
        Path b = TestBundles.signed(tmp, key);
        IOException e = assertThrows(IOException.class,
                () -> production().extract(b, Compatibility.ANY, tmp.resolve("missing/slot")));
        assertTrue(e.getMessage().contains("parent directory does not exist"), e.getMessage());
    }
}
