package dev.spindle.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Verifies bundles and extracts verified bundles. Thread-safe (immutable).
 *
 * <p>Order of checks, each refusing with its {@link Reason}:
 * <ol>
 * <li>the zip, completely, by {@link SafeZip#open} ({@code corrupt}, {@code unsafe_zip},
 *     {@code tampered}) — nothing is written before all of this passes;</li>
 * <li>{@code manifest.json} present; the only other entries allowed are {@code manifest.sig} and
 *     the manifest's entries ({@code corrupt});</li>
 * <li>the signature over the manifest's exact bytes: none is {@code unsigned}; a key id that is
 *     not trusted is {@code untrusted_key}; a trusted key that does not verify, or an unreadable
 *     signature file, is {@code bad_signature}. Development mode accepts a bundle without a
 *     signature or signed by an unknown key, and says so in {@link VerifiedBundle#signatureNote()};
 *     it never accepts a bad signature from a trusted key, nor anything else below;</li>
 * <li>the manifest parsed strictly ({@code corrupt}, or {@code agent_too_old} for a newer
 *     format);</li>
 * <li>every entry's size and SHA-256 equal to the manifest's, no entry missing or extra
 *     ({@code tampered});</li>
 * <li>the board type in {@code boardTypes} ({@code wrong_board}); the agent at least
 *     {@code minAgentVersion} ({@code agent_too_old}).</li>
 * </ol>
 */
public final class BundleVerifier {
    /** Largest accepted manifest.json. */
    public static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Largest accepted manifest.sig. */
    public static final int MAX_SIGNATURE_BYTES = 4096;

    private final TrustStore trust;
    private final boolean developmentMode;
    private final ZipLimits limits;

    /**
     * @param trust the trusted public keys
     * @param developmentMode whether bundles without a trusted signature are accepted; off on
     *     production boards, and it must be shown in the board's state when on
     * @param limits the zip limits
     */
    public BundleVerifier(TrustStore trust, boolean developmentMode, ZipLimits limits) {
        this.trust = trust;
        this.developmentMode = developmentMode;
        this.limits = limits;
    }

    /** @return a production verifier (development mode off) with the default limits */
    public static BundleVerifier production(TrustStore trust) {
        return new BundleVerifier(trust, false, ZipLimits.DEFAULT);
    }

    /** @return whether development mode is on */
    public boolean developmentMode() {
        return developmentMode;
    }

    /**
     * Verifies a bundle without writing anything.
     *
     * @param bundle the bundle file
     * @param target the board type and agent version to check against
     * @return the verified bundle
     * @throws BundleRejectedException with the reason it is refused
     * @throws IOException if the file cannot be read
     */
    public VerifiedBundle verify(Path bundle, Compatibility target) throws BundleRejectedException, IOException {
        try (SafeZip zip = SafeZip.open(bundle, limits)) {
            return verify(zip, target);
        }
    }

    /**
     * Verifies a bundle, then extracts it into {@code destination}, which must not exist yet: the
     * entries are written into a new temporary directory beside it (in the same parent), each
     * file synced, then the directory is renamed to {@code destination} atomically and the
     * parent synced. Either the complete verified bundle appears at {@code destination} or
     * nothing does; on failure the temporary directory is removed. Nothing is written outside
     * the parent of {@code destination}, and nothing at all unless verification passed.
     *
     * @param bundle the bundle file
     * @param target the board type and agent version to check against
     * @param destination the directory to create
     * @return the verified bundle
     * @throws BundleRejectedException with the reason it is refused (nothing is left behind)
     * @throws IOException if {@code destination} exists, its parent is missing, or writing fails
     */
    public VerifiedBundle extract(Path bundle, Compatibility target, Path destination)
            throws BundleRejectedException, IOException {
        Path dest = destination.toAbsolutePath().normalize();
        Path parent = dest.getParent();
        if (parent == null || !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot extract into " + dest + ": its parent directory does not exist");
        }
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(dest.toString(), null,
                    "extraction needs a new directory; remove it or choose another");
        }
        try (SafeZip zip = SafeZip.open(bundle, limits)) {
            VerifiedBundle vb = verify(zip, target);
            Path tmp = Files.createTempDirectory(parent, "." + dest.getFileName() + ".extract-");
            boolean done = false;
            try {
                List<Path> dirs = new ArrayList<>();
                dirs.add(tmp);
                for (SafeZip.Entry e : zip.entries().values()) {
                    if (e.directory()) {
                        continue;
                    }
                    Path f = tmp.resolve(e.name()).normalize();
                    if (!f.startsWith(tmp) || f.equals(tmp)) {
                        throw new BundleRejectedException(Reason.UNSAFE_ZIP, "entry " + e.name()
                                + " resolves outside the extraction directory");
                    }
                    mkdirs(tmp, f.getParent(), dirs);
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                            OutputStream out = new java.io.BufferedOutputStream(
                                    java.nio.channels.Channels.newOutputStream(ch), 64 * 1024)) {
                        zip.copy(e.name(), out);
                        out.flush();
                        ch.force(true);
                    }
                }
                for (int i = dirs.size() - 1; i >= 0; i--) {
                    fsyncDirectory(dirs.get(i));
                }
                try {
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename " + tmp + " to " + dest + " atomically", e);
                }
                fsyncDirectory(parent);
                done = true;
                return vb;
            } finally {
                if (!done) {
                    deleteTree(tmp);
                }
            }
        }
    }

    private static void mkdirs(Path root, Path dir, List<Path> created) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        mkdirs(root, dir.getParent(), created);
        Files.createDirectory(dir);
        created.add(dir);
    }

    /** Syncs a directory's entries to disk (Linux: fsync on a read-only directory handle). */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    /** Deletes a directory tree without following links. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    VerifiedBundle verify(SafeZip zip, Compatibility target) throws BundleRejectedException, IOException {
        Map<String, SafeZip.Entry> entries = zip.entries();
        if (!entries.containsKey(Manifest.ENTRY)) {
            throw new BundleRejectedException(Reason.CORRUPT, "the zip has no " + Manifest.ENTRY
                    + ", so it is not a Spindle bundle");
        }
        byte[] manifestBytes = zip.read(Manifest.ENTRY, MAX_MANIFEST_BYTES);
        String signer = null;
        String note;
        SafeZip.Entry sigEntry = entries.get(Manifest.SIGNATURE_ENTRY);
        if (sigEntry == null) {
            if (!developmentMode) {
                throw new BundleRejectedException(Reason.UNSIGNED, "the bundle has no signature ("
                        + Manifest.SIGNATURE_ENTRY + ") and development mode is off");
            }
            note = "unsigned, accepted because development mode is on";
        } else {
            BundleSignature sig = BundleSignature.parse(zip.read(Manifest.SIGNATURE_ENTRY, MAX_SIGNATURE_BYTES));
            PublicKey key = trust.key(sig.keyId());
            if (key == null) {
                if (!developmentMode) {
                    throw new BundleRejectedException(Reason.UNTRUSTED_KEY, "the bundle is signed by key "
                            + sig.keyId() + ", which is not among the " + trust.size() + " trusted keys");
                }
                note = "signed by untrusted key " + sig.keyId() + ", accepted because development mode is on";
            } else if (!sig.verifies(manifestBytes, key)) {
                throw new BundleRejectedException(Reason.BAD_SIGNATURE, "the signature of "
                        + Manifest.ENTRY + " does not verify with trusted key " + sig.keyId()
                        + " (" + trust.source(sig.keyId()) + ")");
            } else {
                signer = sig.keyId();
                note = "signed by trusted key " + signer;
            }
        }
        Manifest m = Manifest.parse(manifestBytes);
        for (SafeZip.Entry e : entries.values()) {
            if (e.name().equals(Manifest.ENTRY) || e.name().equals(Manifest.SIGNATURE_ENTRY)) {
                continue;
            }
            Manifest.EntryHash want = m.entries().get(e.name());
            if (want == null) {
                throw new BundleRejectedException(Reason.TAMPERED, "entry " + e.name()
                        + " is not listed in the manifest");
            }
            if (want.size() != e.size() || !want.sha256().equals(e.sha256())) {
                throw new BundleRejectedException(Reason.TAMPERED, "entry " + e.name()
                        + " does not match the manifest (size " + e.size() + " vs " + want.size()
                        + ", SHA-256 " + e.sha256() + " vs " + want.sha256() + ")");
            }
        }
        for (String p : m.entries().keySet()) {
            if (!entries.containsKey(p)) {
                throw new BundleRejectedException(Reason.TAMPERED, "entry " + p
                        + " is listed in the manifest but missing from the zip");
            }
        }
        if (target.boardType() != null && !m.boardTypes().contains(target.boardType())) {
            throw new BundleRejectedException(Reason.WRONG_BOARD, "bundle " + m.name() + " " + m.version()
                    + " runs on " + String.join(", ", m.boardTypes()) + ", not on board type "
                    + target.boardType());
        }
        if (target.agentVersion() != null && !target.agentVersion().atLeast(m.minAgentVersion())) {
            throw new BundleRejectedException(Reason.AGENT_TOO_OLD, "bundle " + m.name() + " " + m.version()
                    + " needs agent " + m.minAgentVersion() + " or later; this agent is "
                    + target.agentVersion());
        }
        return new VerifiedBundle(m, signer, note, fileSha256(zip.file()));
    }

    /**
     * @param file a file
     * @return its SHA-256 in lower-case hex
     * @throws IOException if it cannot be read
     */
    public static String fileSha256(Path file) throws IOException {
        MessageDigest sha = SafeZip.sha256();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                sha.update(buf, 0, n);
            }
        }
        return SafeZip.hex(sha.digest());
    }
}
