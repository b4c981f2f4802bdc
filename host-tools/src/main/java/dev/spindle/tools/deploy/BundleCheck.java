package dev.spindle.tools.deploy;

import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.bundle.Compatibility;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.Reason;
import dev.spindle.bundle.TrustStore;
import dev.spindle.bundle.VerifiedBundle;
import dev.spindle.bundle.ZipLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a bundle on this host before any board is touched.
 * <ul>
 * <li>Without trusted keys: everything a board checks except whose key signed it (zip safety,
 *     manifest, every entry against the manifest), and that it is signed at all (boards refuse
 *     unsigned bundles unless in development mode; {@code allowUnsigned} lets one through for
 *     development boards).</li>
 * <li>With trusted keys: exactly the board's check (a key outside them is refused).</li>
 * </ul>
 */
final class BundleCheck {
    /** The result: the bundle, and its manifest for the board-type and agent-version checks. */
    record Checked(BundleInfo info, Manifest manifest, String signatureNote) {
    }

    private BundleCheck() {
    }

    /**
     * @throws BundleRejectedException when refused (its reason and detail say why)
     * @throws IOException when the file cannot be read (also: not a regular file)
     */
    static Checked check(Path bundle, List<Path> trust, boolean allowUnsigned) throws BundleRejectedException,
            IOException {
        Path p = bundle.toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString(), null,
                    Files.exists(p) ? "not a regular file" : "no such file");
        }
        if (!Files.isReadable(p)) {
            throw new java.nio.file.AccessDeniedException(p.toString());
        }
        TrustStore store = trust.isEmpty() ? TrustStore.empty() : TrustStore.load(trust);
        VerifiedBundle vb;
        try {
            vb = BundleVerifier.production(store).verify(p, Compatibility.ANY);
        } catch (BundleRejectedException e) {
            boolean structureOnly = (e.reason() == Reason.UNTRUSTED_KEY && trust.isEmpty())
                    || (e.reason() == Reason.UNSIGNED && allowUnsigned);
            if (!structureOnly) {
                throw e;
            }
            vb = new BundleVerifier(TrustStore.empty(), true, ZipLimits.DEFAULT).verify(p, Compatibility.ANY);
        }
        Manifest m = vb.manifest();
        return new Checked(new BundleInfo(p, m.name(), m.version().toString(), vb.sha256(), Files.size(p)), m,
                vb.signatureNote());
    }
}
