package dev.spindle.agent.deploy;

import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.bundle.Compatibility;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The two firmware slots on disk, {@code {data.dir}/slots/a} and {@code {data.dir}/slots/b}: each
 * holds one extracted bundle ({@code manifest.json}, {@code manifest.sig}, {@code app/…},
 * {@code lib/…}). A slot is written only by {@link BundleVerifier#extract} (a temporary directory
 * beside it, renamed atomically), so it is either complete or absent; {@link #check} still
 * re-reads it before it runs, against the hashes in its manifest. Stateless apart from the paths.
 */
final class SlotStore {
    private final Path root;

    SlotStore(Path dataDir) {
        this.root = dataDir.resolve("slots");
    }

    Path dir(String slot) {
        return root.resolve(slot);
    }

    void createRoot() throws IOException {
        Files.createDirectories(root);
    }

    /** Removes a slot's directory and any unfinished extraction of it. */
    void clear(String slot) throws IOException {
        deleteTree(dir(slot));
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "." + slot + ".extract-*")) {
                for (Path p : ds) {
                    deleteTree(p);
                }
            }
        }
        AtomicFile.fsyncDirectory(root);
    }

    /** Verifies the bundle and extracts it into the (cleared) slot. */
    VerifiedBundle extract(BundleVerifier verifier, Path bundle, Compatibility target, String slot)
            throws BundleRejectedException, IOException {
        return verifier.extract(bundle, target, dir(slot));
    }

    /**
     * Checks that a slot is complete and unchanged: its manifest parses and every file it lists has
     * the listed size and SHA-256.
     *
     * @return the manifest
     * @throws IOException saying what is wrong
     */
    Manifest check(String slot) throws IOException {
        Path d = dir(slot);
        Path mf = d.resolve(Manifest.ENTRY);
        if (!Files.isRegularFile(mf, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("slot " + slot + " has no " + Manifest.ENTRY);
        }
        Manifest m;
        try {
            m = Manifest.parse(Files.readAllBytes(mf));
        } catch (BundleRejectedException e) {
            throw new IOException("slot " + slot + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, Manifest.EntryHash> e : m.entries().entrySet()) {
            Path f = d.resolve(e.getKey());
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) != e.getValue().size()) {
                throw new IOException("slot " + slot + ": " + e.getKey() + " is missing or has the wrong size");
            }
            if (!sha256(f).equals(e.getValue().sha256())) {
                throw new IOException("slot " + slot + ": " + e.getKey() + " differs from its manifest (SHA-256)");
            }
        }
        return m;
    }

    /** @return the class path of the slot's app: the app jar, then the libraries in manifest order */
    List<URL> classPath(String slot, Manifest m) {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(dir(slot).resolve(m.app()).toUri().toURL());
            for (String l : m.libs()) {
                urls.add(dir(slot).resolve(l).toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return urls;
    }

    /** @return the newest modification time of the slot's manifest (0 if absent): recovery's tie-breaker */
    long installedTime(String slot) {
        try {
            return Files.getLastModifiedTime(dir(slot).resolve(Manifest.ENTRY)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
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
}
