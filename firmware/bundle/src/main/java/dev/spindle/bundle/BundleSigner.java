package dev.spindle.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Signs a bundle: checks that its entries still match its manifest (a bundle changed after it was
 * built is never signed), then writes it again with {@code manifest.sig} as the last entry,
 * replacing any earlier signature. The output is written atomically.
 */
public final class BundleSigner {
    private BundleSigner() {
    }

    /**
     * @param bundle the bundle to sign
     * @param key the signer's Ed25519 private key
     * @param out where to write the signed bundle (may be {@code bundle} itself)
     * @return the signature added
     * @throws BundleRejectedException if the bundle is damaged, unsafe or its entries do not match
     *     its manifest
     * @throws IOException if reading or writing fails
     */
    public static BundleSignature sign(Path bundle, PrivateKey key, Path out)
            throws BundleRejectedException, IOException {
        BundleVerifier check = new BundleVerifier(TrustStore.empty(), true, ZipLimits.DEFAULT);
        try (SafeZip zip = SafeZip.open(bundle, ZipLimits.DEFAULT)) {
            check.verify(zip, Compatibility.ANY);
            byte[] manifest = zip.read(Manifest.ENTRY, BundleVerifier.MAX_MANIFEST_BYTES);
            BundleSignature sig = BundleSignature.sign(manifest, key);
            List<Map.Entry<String, BundleBuilder.Source>> entries = new ArrayList<>();
            entries.add(Map.entry(Manifest.ENTRY, o -> o.write(manifest)));
            for (SafeZip.Entry e : zip.entries().values()) {
                String n = e.name();
                if (!n.equals(Manifest.ENTRY) && !n.equals(Manifest.SIGNATURE_ENTRY) && !e.directory()) {
                    entries.add(Map.entry(n, o -> zip.copy(n, o)));
                }
            }
            byte[] sigBytes = sig.toJson();
            entries.add(Map.entry(Manifest.SIGNATURE_ENTRY, o -> o.write(sigBytes)));
            BundleBuilder.writeZip(out, entries);
            return sig;
        }
    }
}
