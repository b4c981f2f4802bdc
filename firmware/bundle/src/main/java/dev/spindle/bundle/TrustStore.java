package dev.spindle.bundle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public keys a verifier trusts, by key id. Loaded from {@code .pub} files (see
 * {@link Ed25519Keys}): a directory's {@code *.pub} files, or single files. Immutable.
 */
public final class TrustStore {
    private final Map<String, PublicKey> byId;
    private final Map<String, String> sourceById;

    private TrustStore(Map<String, PublicKey> byId, Map<String, String> sourceById) {
        this.byId = Collections.unmodifiableMap(byId);
        this.sourceById = Collections.unmodifiableMap(sourceById);
    }

    /** @return a store that trusts nobody (only useful with development mode) */
    public static TrustStore empty() {
        return new TrustStore(new TreeMap<>(), new TreeMap<>());
    }

    /**
     * @param keys public keys to trust
     * @return a store trusting exactly these keys
     */
    public static TrustStore of(PublicKey... keys) {
        Map<String, PublicKey> m = new TreeMap<>();
        Map<String, String> s = new TreeMap<>();
        for (PublicKey k : keys) {
            m.put(Ed25519Keys.keyId(k), k);
            s.put(Ed25519Keys.keyId(k), "(in memory)");
        }
        return new TrustStore(m, s);
    }

    /**
     * Loads trusted keys from paths: each is a {@code .pub} file or a directory whose
     * {@code *.pub} files are all loaded (not recursively).
     *
     * @param paths files or directories
     * @return the store
     * @throws IOException if a path is missing, a directory holds no {@code .pub} file, or a
     *     file is not an Ed25519 public key (the message names the file)
     */
    public static TrustStore load(List<Path> paths) throws IOException {
        Map<String, PublicKey> m = new TreeMap<>();
        Map<String, String> s = new TreeMap<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                int n = 0;
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*" + Ed25519Keys.PUBLIC_SUFFIX)) {
                    for (Path f : ds) {
                        if (Files.isRegularFile(f)) {
                            add(m, s, f);
                            n++;
                        }
                    }
                }
                if (n == 0) {
                    throw new IOException("the trust directory " + p + " holds no .pub file; copy the"
                            + " public key (NAME.pub from `spindle keygen`) of each signer there");
                }
            } else if (Files.isRegularFile(p)) {
                add(m, s, p);
            } else {
                throw new IOException("trusted key " + p + " does not exist; give a .pub file or a"
                        + " directory of them");
            }
        }
        return new TrustStore(m, s);
    }

    private static void add(Map<String, PublicKey> m, Map<String, String> s, Path f) throws IOException {
        PublicKey k = Ed25519Keys.readPublic(f);
        m.put(Ed25519Keys.keyId(k), k);
        s.put(Ed25519Keys.keyId(k), f.toString());
    }

    /** @return the trusted key with this id, or null */
    public PublicKey key(String keyId) {
        return byId.get(keyId);
    }

    /** @return where the key with this id was loaded from, or null */
    public String source(String keyId) {
        return sourceById.get(keyId);
    }

    /** @return the number of trusted keys */
    public int size() {
        return byId.size();
    }

    @Override
    public String toString() {
        return "TrustStore" + byId.keySet();
    }
}
