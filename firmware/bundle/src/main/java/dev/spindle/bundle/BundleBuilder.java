package dev.spindle.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Builds unsigned bundles: {@code manifest.json} first, then {@code app/<jar>} and
 * {@code lib/<jar>…}. Output is reproducible (fixed entry times, entries in a fixed order) and
 * written atomically (a temporary file beside the output, synced, then renamed). Sign the result
 * with {@link BundleSigner}.
 */
public final class BundleBuilder {
    /** The time stamp of every entry (2020-01-01T00:00:00Z), so that builds are reproducible. */
    static final long ENTRY_TIME = 1577836800000L;

    private BundleBuilder() {
    }

    /**
     * What the manifest says about the app.
     *
     * @param name the app's name
     * @param version its version, or null to take it from the app jar's Maven pom.properties
     * @param mainClass the class to start
     * @param boardTypes compatible board types
     * @param minAgentVersion the lowest agent version that may install it
     */
    public record Spec(String name, SemVer version, String mainClass, List<String> boardTypes,
            SemVer minAgentVersion) {
    }

    /** Writes one entry's bytes. */
    @FunctionalInterface
    public interface Source {
        /**
         * @param out where to write the entry's bytes (not to be closed)
         * @throws IOException if reading the source fails
         * @throws BundleRejectedException if the source is an entry of a refused zip
         */
        void writeTo(OutputStream out) throws IOException, BundleRejectedException;
    }

    /**
     * Builds a bundle from jar files.
     *
     * @param spec the manifest fields
     * @param appJar the app jar
     * @param libs its libraries
     * @param out the bundle file to write (replaced if it exists)
     * @return the manifest written
     * @throws IOException if a file cannot be read or written
     */
    public static Manifest build(Spec spec, Path appJar, List<Path> libs, Path out) throws IOException {
        Map<String, Source> sources = new LinkedHashMap<>();
        sources.put("app/" + appJar.getFileName(), o -> Files.copy(appJar, o));
        for (Path l : libs) {
            if (sources.put("lib/" + l.getFileName(), o -> Files.copy(l, o)) != null) {
                throw new IOException("two libraries are named " + l.getFileName());
            }
        }
        try {
            return build(spec, sources, out);
        } catch (BundleRejectedException e) {
            throw new IllegalStateException("cannot happen for plain files", e);
        }
    }

    /**
     * Builds a bundle from the zip made by the Maven Assembly Plugin (see
     * {@code firmware/examples/src/assembly/bundle.xml}): exactly one jar under {@code app/}, any
     * jars under {@code lib/}; directory entries are ignored, anything else is an error. The zip
     * is read with {@link SafeZip}'s checks.
     *
     * @param spec the manifest fields
     * @param assembly the assembly zip
     * @param out the bundle file to write
     * @return the manifest written
     * @throws IOException if a file cannot be read or written, or the zip has another layout
     * @throws BundleRejectedException if the assembly zip itself is unsafe or damaged
     */
    public static Manifest fromAssembly(Spec spec, Path assembly, Path out)
            throws IOException, BundleRejectedException {
        try (SafeZip zip = SafeZip.open(assembly, ZipLimits.DEFAULT)) {
            Map<String, Source> app = new LinkedHashMap<>();
            Map<String, Source> libs = new LinkedHashMap<>();
            for (SafeZip.Entry e : zip.entries().values()) {
                if (e.directory()) {
                    continue;
                }
                String n = e.name();
                Source s = o -> zip.copy(n, o);
                if (n.matches("app/[^/]+\\.jar")) {
                    app.put(n, s);
                } else if (n.matches("lib/[^/]+\\.jar")) {
                    libs.put(n, s);
                } else {
                    throw new IOException(assembly + " has entry " + n + "; an assembly for a bundle holds"
                            + " the app jar under app/ and library jars under lib/ only");
                }
            }
            if (app.size() != 1) {
                throw new IOException(assembly + " has " + app.size() + " jars under app/; it needs"
                        + " exactly one (the app jar)");
            }
            Map<String, Source> all = new LinkedHashMap<>(app);
            all.putAll(libs);
            return build(spec, all, out);
        }
    }

    /**
     * Builds a bundle from named sources; the first is the app jar, the others its libraries.
     *
     * @param spec the manifest fields
     * @param sources entry name to content, app first
     * @param out the bundle file to write
     * @return the manifest written
     * @throws IOException if reading or writing fails
     * @throws BundleRejectedException if a source is an entry of a refused zip
     */
    public static Manifest build(Spec spec, Map<String, Source> sources, Path out)
            throws IOException, BundleRejectedException {
        Map<String, Manifest.EntryHash> hashes = new LinkedHashMap<>();
        SemVer version = spec.version();
        String app = null;
        List<String> libs = new ArrayList<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            MessageDigest sha = SafeZip.sha256();
            ByteArrayOutputStream firstBytes = app == null ? new ByteArrayOutputStream() : null;
            long[] size = {0};
            OutputStream counter = new OutputStream() {
                @Override
                public void write(int b) {
                    size[0]++;
                    if (firstBytes != null) {
                        firstBytes.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    size[0] += len;
                    if (firstBytes != null) {
                        firstBytes.write(b, off, len);
                    }
                }
            };
            try (DigestOutputStream d = new DigestOutputStream(counter, sha)) {
                e.getValue().writeTo(d);
            }
            hashes.put(e.getKey(), new Manifest.EntryHash(size[0], SafeZip.hex(sha.digest())));
            if (app == null) {
                app = e.getKey();
                if (version == null) {
                    version = versionFromJar(firstBytes.toByteArray(), e.getKey());
                }
            } else {
                libs.add(e.getKey());
            }
        }
        Manifest m;
        try {
            m = new Manifest(spec.name(), version, spec.mainClass(), spec.boardTypes(),
                    spec.minAgentVersion(), app, libs, hashes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot make the manifest: " + e.getMessage(), e);
        }
        List<Map.Entry<String, Source>> entries = new ArrayList<>();
        byte[] json = m.toJson();
        entries.add(Map.entry(Manifest.ENTRY, o -> o.write(json)));
        entries.addAll(sources.entrySet());
        writeZip(out, entries);
        return m;
    }

    private static SemVer versionFromJar(byte[] jar, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null) {
                        return SemVer.parse(v.trim());
                    }
                }
            }
        }
        throw new IOException("the app jar " + name + " has no META-INF/maven/…/pom.properties with a"
                + " version; give the bundle version explicitly (--version)");
    }

    /**
     * Writes a zip atomically: entries in the given order, deflated, fixed times.
     *
     * @param out the file to write (replaced)
     * @param entries name and content of each entry
     * @throws IOException if writing fails
     * @throws BundleRejectedException if a source is an entry of a refused zip
     */
    static void writeZip(Path out, List<Map.Entry<String, Source>> entries)
            throws IOException, BundleRejectedException {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        boolean done = false;
        try {
            try {
                // createTempFile makes it 0600; a bundle is not secret.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            try (OutputStream fo = Files.newOutputStream(tmp);
                    ZipOutputStream zo = new ZipOutputStream(new java.io.BufferedOutputStream(fo, 64 * 1024))) {
                for (Map.Entry<String, Source> e : entries) {
                    ZipEntry ze = new ZipEntry(e.getKey());
                    ze.setTime(ENTRY_TIME);
                    zo.putNextEntry(ze);
                    e.getValue().writeTo(new java.io.FilterOutputStream(zo) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                        }

                        @Override
                        public void close() {
                            // the entry is closed below
                        }
                    });
                    zo.closeEntry();
                }
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            BundleVerifier.fsyncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
