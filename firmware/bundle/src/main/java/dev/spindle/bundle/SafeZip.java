package dev.spindle.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A strict, read-only zip reader for bundles. {@link #open} checks the whole file before
 * returning: structure, entry names, links, duplicates and limits, and inflates every entry once
 * (measuring sizes while inflating, checking CRC-32 and computing SHA-256) without writing
 * anything. {@link #copy} inflates one entry again for extraction and checks it again.
 *
 * <p>Algorithm and what is refused (all {@link Reason#UNSAFE_ZIP} unless noted):
 * <ol>
 * <li>The end-of-central-directory record must be the last 22 bytes (no zip comment); no zip64,
 *     one disk only; the central directory must end where that record starts. Anything
 *     unparseable is {@link Reason#CORRUPT}.</li>
 * <li>Each central directory record: no encryption, method stored or deflate, no zip64 fields;
 *     names are checked by {@link #checkName}; a Unix mode (external attributes, or the ASi
 *     extra field 0x756e) other than regular file or directory (a symlink, device, fifo) is
 *     refused; duplicate names, also differing only in case, and a file that is also used as a
 *     directory are refused; at most {@link ZipLimits#maxEntries()} records.</li>
 * <li>Each local header must repeat the central record's name, flags and method (and sizes and
 *     CRC unless a data descriptor follows), and the entries must tile the file from byte 0 to
 *     the central directory exactly: no gaps, no overlap, no hidden or prepended data. This rules
 *     out overlapping-entry bombs and entries that other readers would see differently.</li>
 * <li>Each entry is inflated with limits measured on the output as it grows: more than its
 *     declared size, more than the per-entry or total limit, or a ratio above the limit refuses
 *     it at once. Fewer bytes than declared, a CRC mismatch or bad deflate data is
 *     {@link Reason#TAMPERED}.</li>
 * </ol>
 * Not thread-safe; close it to release the file.
 */
public final class SafeZip implements AutoCloseable {
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int EOCD_SIG = 0x06054b50;
    private static final int DESCRIPTOR_SIG = 0x08074b50;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    /** Flags we accept: deflate options (bits 1-2), data descriptor (3), UTF-8 names (11). */
    private static final int ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800;
    private static final int FLAG_DESCRIPTOR = 0x0008;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int EXTRA_ZIP64 = 0x0001;
    private static final int EXTRA_ASI_UNIX = 0x756e;
    private static final int BUFFER = 64 * 1024;

    /**
     * One checked entry.
     *
     * @param name the entry name (checked by {@link #checkName})
     * @param directory whether it is a directory entry (name ends with {@code /})
     * @param size the inflated size, as measured
     * @param sha256 the SHA-256 of the inflated bytes, lower-case hex (empty for directories)
     * @param method 0 stored, 8 deflate
     * @param dataStart where its compressed data starts in the file
     * @param compressedSize the compressed size from the central directory
     * @param crc the CRC-32 from the central directory
     */
    public record Entry(String name, boolean directory, long size, String sha256, int method,
            long dataStart, long compressedSize, long crc) {
    }

    private final Path file;
    private final FileChannel channel;
    private final ZipLimits limits;
    private final Map<String, Entry> entries; // in central directory order; immutable

    private SafeZip(Path file, FileChannel channel, ZipLimits limits, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.limits = limits;
        this.entries = entries;
    }

    /**
     * Opens and checks a zip file completely (see the class comment).
     *
     * @param file the zip
     * @param limits the limits to apply
     * @return the checked zip; close it
     * @throws BundleRejectedException if it is refused
     * @throws IOException if the file cannot be read
     */
    public static SafeZip open(Path file, ZipLimits limits) throws BundleRejectedException, IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            Map<String, Entry> entries = check(ch, limits);
            return new SafeZip(file, ch, limits, entries);
        } catch (BundleRejectedException | IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return the entries in central directory order, by name */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** @return the file this zip was opened from */
    public Path file() {
        return file;
    }

    /**
     * Inflates one entry into memory; for small entries such as the manifest.
     *
     * @param name the entry
     * @param maxBytes refuse it as {@link Reason#UNSAFE_ZIP} when larger
     * @return its bytes
     * @throws BundleRejectedException if it is missing, too large or does not match its checks
     * @throws IOException if the file cannot be read
     */
    public byte[] read(String name, int maxBytes) throws BundleRejectedException, IOException {
        Entry e = entries.get(name);
        if (e == null || e.directory()) {
            throw new BundleRejectedException(Reason.CORRUPT, "the zip has no entry " + name);
        }
        if (e.size() > maxBytes) {
            throw new BundleRejectedException(Reason.UNSAFE_ZIP,
                    name + " is " + e.size() + " bytes, more than the " + maxBytes + " allowed");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) e.size());
        copy(name, out);
        return out.toByteArray();
    }

    /**
     * Inflates one entry again into {@code out}, checking size, CRC-32 and that its SHA-256 is
     * the one measured by {@link #open} (so a file changed between the two reads is refused).
     *
     * @param name the entry
     * @param out where the inflated bytes go (not closed)
     * @throws BundleRejectedException if the entry no longer matches
     * @throws IOException if reading or writing fails
     */
    public void copy(String name, OutputStream out) throws BundleRejectedException, IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new BundleRejectedException(Reason.CORRUPT, "the zip has no entry " + name);
        }
        Measured m = inflate(channel, limits, e.name(), e.method(), e.dataStart(), e.compressedSize(),
                e.size(), e.crc(), 0, out);
        if (!m.sha256.equals(e.sha256())) {
            throw new BundleRejectedException(Reason.TAMPERED,
                    "entry " + name + " changed while it was being read");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Checks one entry name: relative, forward slashes only, no empty, {@code .} or {@code ..}
     * segments, only the characters {@code A-Z a-z 0-9 . _ - +} and {@code /} between segments
     * (a trailing {@code /} marks a directory), at most {@code maxBytes} long.
     *
     * @param name the name
     * @param maxBytes the length limit
     * @return null if it is safe, else what is wrong with it
     */
    public static String checkName(String name, int maxBytes) {
        if (name.isEmpty()) {
            return "an entry has an empty name";
        }
        if (name.length() > maxBytes) {
            return "entry name is longer than " + maxBytes + " characters: " + printable(name);
        }
        if (name.startsWith("/")) {
            return "absolute path " + printable(name);
        }
        if (name.indexOf('\\') >= 0) {
            return "backslash in entry name " + printable(name);
        }
        if (name.indexOf(':') >= 0) {
            return "drive letter or colon in entry name " + printable(name);
        }
        String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String seg : body.split("/", -1)) {
            if (seg.equals("..")) {
                return "parent directory (..) in entry name " + printable(name);
            }
            if (seg.isEmpty() || seg.equals(".")) {
                return "empty or '.' path segment in entry name " + printable(name);
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == '+' || c == '/';
            if (!ok) {
                return "character " + String.format("U+%04X", (int) c) + " not allowed in entry name "
                        + printable(name) + " (allowed: A-Z a-z 0-9 . _ - + /)";
            }
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append(s.length() > 120 ? "...'" : "'").toString();
    }

    // ---- checking -------------------------------------------------------------------------

    private record Central(String name, byte[] rawName, int flags, int method, long crc, long csize,
            long usize, long localOffset) {
    }

    private record Measured(long size, String sha256) {
    }

    private static Map<String, Entry> check(FileChannel ch, ZipLimits limits)
            throws BundleRejectedException, IOException {
        long fileSize = ch.size();
        if (fileSize > limits.maxFileBytes()) {
            throw unsafe("the file is " + fileSize + " bytes, more than the " + limits.maxFileBytes()
                    + " allowed");
        }
        if (fileSize < EOCD_SIZE) {
            throw corrupt("the file is " + fileSize + " bytes, too short to be a zip (truncated?)");
        }
        ByteBuffer eocd = readAt(ch, fileSize - EOCD_SIZE, EOCD_SIZE);
        if (eocd.getInt(0) != EOCD_SIG) {
            throw corrupt("no zip end record in the last 22 bytes (truncated, not a zip, or a zip"
                    + " comment, which bundles do not have)");
        }
        int disk = u16(eocd, 4);
        int cdDisk = u16(eocd, 6);
        int onDisk = u16(eocd, 8);
        int total = u16(eocd, 10);
        long cdSize = u32(eocd, 12);
        long cdOffset = u32(eocd, 16);
        int commentLen = u16(eocd, 20);
        if (commentLen != 0) {
            throw corrupt("the zip end record announces a comment past the end of the file");
        }
        if (total == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw unsafe("zip64 archives are not accepted");
        }
        if (disk != 0 || cdDisk != 0 || onDisk != total) {
            throw unsafe("multi-disk (split) zips are not accepted");
        }
        if (total > limits.maxEntries()) {
            throw unsafe("the zip has " + total + " entries, more than the " + limits.maxEntries()
                    + " allowed");
        }
        if (cdOffset + cdSize != fileSize - EOCD_SIZE) {
            throw corrupt("the central directory does not end where the zip end record starts"
                    + " (truncated or extra bytes)");
        }
        if (cdSize > 64L * 1024 * 1024 || cdSize > fileSize) {
            throw corrupt("the central directory size " + cdSize + " is impossible");
        }
        ByteBuffer cd = readAt(ch, cdOffset, (int) cdSize);
        List<Central> centrals = new ArrayList<>();
        Set<String> folded = new HashSet<>();
        int pos = 0;
        while (pos < cdSize) {
            if (centrals.size() >= limits.maxEntries()) {
                throw unsafe("the zip has more than the " + limits.maxEntries() + " entries allowed");
            }
            if (cdSize - pos < CENTRAL_SIZE || cd.getInt(pos) != CENTRAL_SIG) {
                throw corrupt("central directory record " + centrals.size() + " is damaged");
            }
            int madeBy = u16(cd, pos + 4);
            int flags = u16(cd, pos + 8);
            int method = u16(cd, pos + 10);
            long crc = u32(cd, pos + 16);
            long csize = u32(cd, pos + 20);
            long usize = u32(cd, pos + 24);
            int nameLen = u16(cd, pos + 28);
            int extraLen = u16(cd, pos + 30);
            int commentLen2 = u16(cd, pos + 32);
            int diskStart = u16(cd, pos + 34);
            long external = u32(cd, pos + 38);
            long localOffset = u32(cd, pos + 42);
            int next = pos + CENTRAL_SIZE + nameLen + extraLen + commentLen2;
            if (next > cdSize) {
                throw corrupt("central directory record " + centrals.size() + " runs past its end");
            }
            byte[] rawName = new byte[nameLen];
            cd.get(pos + CENTRAL_SIZE, rawName);
            String name = decodeName(rawName);
            String bad = checkName(name, limits.maxNameBytes());
            if (bad != null) {
                throw unsafe(bad);
            }
            if ((flags & 0x0001) != 0 || (flags & 0x0040) != 0) {
                throw unsafe("entry " + name + " is encrypted");
            }
            if ((flags & ~ALLOWED_FLAGS) != 0) {
                throw unsafe("entry " + name + " uses unsupported zip flags 0x"
                        + Integer.toHexString(flags));
            }
            if (method != STORED && method != DEFLATED) {
                throw unsafe("entry " + name + " uses compression method " + method
                        + " (only stored and deflate are accepted)");
            }
            if (csize == 0xFFFFFFFFL || usize == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL
                    || diskStart != 0) {
                throw unsafe("entry " + name + " uses zip64 or multi-disk fields");
            }
            int mode = (int) (external >>> 16);
            if ((madeBy >>> 8) == 3 && mode != 0) {
                checkMode(name, mode);
            }
            checkExtra(name, cd, pos + CENTRAL_SIZE + nameLen, extraLen);
            boolean dir = name.endsWith("/");
            if (dir && usize != 0) {
                throw unsafe("directory entry " + name + " has content");
            }
            if (!folded.add(name.toLowerCase(Locale.ROOT))) {
                throw unsafe("duplicate entry " + name + " (names are compared ignoring case)");
            }
            centrals.add(new Central(name, rawName, flags, method, crc, csize, usize, localOffset));
            pos = next;
        }
        if (centrals.size() != total) {
            throw corrupt("the zip end record counts " + total + " entries but the central directory"
                    + " has " + centrals.size());
        }
        // A file may not also be a directory of another entry ("lib" and "lib/x.jar").
        for (Central c : centrals) {
            String n = c.name.endsWith("/") ? c.name.substring(0, c.name.length() - 1) : c.name;
            if (c.name.endsWith("/") && folded.contains(n.toLowerCase(Locale.ROOT))) {
                throw unsafe("entry " + n + " is both a file and a directory");
            }
            int slash = n.lastIndexOf('/');
            while (slash > 0) {
                String parent = n.substring(0, slash).toLowerCase(Locale.ROOT);
                if (folded.contains(parent)) {
                    throw unsafe("entry " + parent + " is a file and also the directory of " + c.name);
                }
                slash = parent.lastIndexOf('/');
            }
        }
        // Local headers: consistent with the central directory and tiling the file exactly.
        List<Central> byOffset = new ArrayList<>(centrals);
        byOffset.sort(Comparator.comparingLong(Central::localOffset));
        Map<String, long[]> data = new LinkedHashMap<>();
        long expected = 0;
        for (Central c : byOffset) {
            if (c.localOffset != expected) {
                throw unsafe(c.localOffset < expected
                        ? "entry " + c.name + " overlaps another entry"
                        : "the zip has " + (c.localOffset - expected) + " bytes before entry " + c.name
                                + " that belong to no entry (hidden or prepended data)");
            }
            if (c.localOffset + LOCAL_SIZE > cdOffset) {
                throw corrupt("the local header of " + c.name + " runs into the central directory");
            }
            ByteBuffer lh = readAt(ch, c.localOffset, LOCAL_SIZE);
            if (lh.getInt(0) != LOCAL_SIG) {
                throw corrupt("the local header of " + c.name + " is damaged");
            }
            int lflags = u16(lh, 6);
            int lmethod = u16(lh, 8);
            long lcrc = u32(lh, 14);
            long lcsize = u32(lh, 18);
            long lusize = u32(lh, 22);
            int lnameLen = u16(lh, 26);
            int lextraLen = u16(lh, 28);
            long dataStart = c.localOffset + LOCAL_SIZE + lnameLen + lextraLen;
            if (dataStart > cdOffset) {
                throw corrupt("the local header of " + c.name + " runs into the central directory");
            }
            ByteBuffer lvar = readAt(ch, c.localOffset + LOCAL_SIZE, lnameLen + lextraLen);
            byte[] lname = new byte[lnameLen];
            lvar.get(0, lname);
            if (!java.util.Arrays.equals(lname, c.rawName)) {
                throw unsafe("the local header of " + c.name + " names another file, "
                        + printable(new String(lname, StandardCharsets.ISO_8859_1)));
            }
            checkExtra(c.name, lvar, lnameLen, lextraLen);
            if (lflags != c.flags || lmethod != c.method) {
                throw unsafe("the local header of " + c.name + " disagrees with the central directory"
                        + " (flags or method)");
            }
            boolean descriptor = (c.flags & FLAG_DESCRIPTOR) != 0;
            if (!descriptor && (lcrc != c.crc || lcsize != c.csize || lusize != c.usize)) {
                throw unsafe("the local header of " + c.name + " disagrees with the central directory"
                        + " (sizes or CRC)");
            }
            if (descriptor && ((lcrc != 0 && lcrc != c.crc) || (lcsize != 0 && lcsize != c.csize)
                    || (lusize != 0 && lusize != c.usize))) {
                throw unsafe("the local header of " + c.name + " disagrees with the central directory"
                        + " (sizes or CRC)");
            }
            long end = dataStart + c.csize;
            if (end > cdOffset) {
                throw corrupt("the data of " + c.name + " runs into the central directory (truncated?)");
            }
            if (descriptor) {
                end = descriptorEnd(ch, c, end, cdOffset);
            }
            data.put(c.name, new long[] {dataStart});
            expected = end;
        }
        if (expected != cdOffset) {
            throw unsafe("the zip has " + (cdOffset - expected)
                    + " bytes before its central directory that belong to no entry");
        }
        // Inflate everything once, measuring.
        Map<String, Entry> out = new LinkedHashMap<>();
        long[] total2 = {0};
        for (Central c : centrals) {
            long dataStart = data.get(c.name)[0];
            if (c.name.endsWith("/")) {
                if (c.csize > 2) {
                    throw unsafe("directory entry " + c.name + " has content");
                }
                out.put(c.name, new Entry(c.name, true, 0, "", c.method, dataStart, c.csize, c.crc));
                continue;
            }
            long before = total2[0];
            Measured m = inflate(ch, limits, c.name, c.method, dataStart, c.csize, c.usize, c.crc,
                    before, null);
            total2[0] = before + m.size;
            out.put(c.name, new Entry(c.name, false, m.size, m.sha256, c.method, dataStart, c.csize,
                    c.crc));
        }
        return Collections.unmodifiableMap(out);
    }

    private static long descriptorEnd(FileChannel ch, Central c, long at, long cdOffset)
            throws BundleRejectedException, IOException {
        long avail = cdOffset - at;
        if (avail < 12) {
            throw corrupt("the data descriptor of " + c.name + " is missing");
        }
        ByteBuffer d = readAt(ch, at, (int) Math.min(16, avail));
        int off = 0;
        if (d.getInt(0) == DESCRIPTOR_SIG && avail >= 16) {
            off = 4;
        }
        if (u32(d, off) != c.crc || u32(d, off + 4) != c.csize || u32(d, off + 8) != c.usize) {
            throw unsafe("the data descriptor of " + c.name + " disagrees with the central directory");
        }
        return at + off + 12;
    }

    private static void checkMode(String name, int mode) throws BundleRejectedException {
        int type = mode & S_IFMT;
        if (type == S_IFLNK) {
            throw unsafe("entry " + name + " is a symbolic link");
        }
        if (type != 0 && type != S_IFREG && type != S_IFDIR) {
            throw unsafe("entry " + name + " is a special file (mode 0" + Integer.toOctalString(mode) + ")");
        }
        if (type == S_IFDIR && !name.endsWith("/")) {
            throw unsafe("entry " + name + " is marked as a directory but named as a file");
        }
    }

    private static void checkExtra(String name, ByteBuffer buf, int start, int len)
            throws BundleRejectedException {
        int p = start;
        int end = start + len;
        while (p < end) {
            if (end - p < 4) {
                throw corrupt("the extra field of " + name + " is damaged");
            }
            int id = u16(buf, p);
            int size = u16(buf, p + 2);
            if (p + 4 + size > end) {
                throw corrupt("the extra field of " + name + " is damaged");
            }
            if (id == EXTRA_ZIP64) {
                throw unsafe("entry " + name + " uses zip64 fields");
            }
            if (id == EXTRA_ASI_UNIX) {
                if (size < 6) {
                    throw corrupt("the Unix extra field of " + name + " is damaged");
                }
                int mode = u16(buf, p + 4 + 4);
                checkMode(name, mode);
                if (size > 14) {
                    throw unsafe("entry " + name + " is a link (Unix extra field names a target)");
                }
            }
            p += 4 + size;
        }
    }

    private static Measured inflate(FileChannel ch, ZipLimits limits, String name, int method,
            long dataStart, long csize, long declared, long crcExpected, long totalBefore,
            OutputStream sink) throws BundleRejectedException, IOException {
        MessageDigest sha = sha256();
        CRC32 crc = new CRC32();
        byte[] in = new byte[BUFFER];
        byte[] outBuf = new byte[BUFFER];
        long fed = 0;
        long produced = 0;
        Inflater inflater = method == DEFLATED ? new Inflater(true) : null;
        try {
            while (true) {
                int n;
                if (inflater == null) {
                    if (fed == csize) {
                        break;
                    }
                    int chunk = (int) Math.min(BUFFER, csize - fed);
                    readFully(ch, dataStart + fed, outBuf, chunk);
                    fed += chunk;
                    n = chunk;
                } else {
                    if (inflater.finished()) {
                        break;
                    }
                    if (inflater.needsInput()) {
                        if (fed == csize) {
                            throw tampered("the compressed data of " + name + " ends early");
                        }
                        int chunk = (int) Math.min(BUFFER, csize - fed);
                        readFully(ch, dataStart + fed, in, chunk);
                        fed += chunk;
                        inflater.setInput(in, 0, chunk);
                    }
                    try {
                        n = inflater.inflate(outBuf);
                    } catch (DataFormatException e) {
                        throw tampered("the compressed data of " + name + " is damaged: " + e.getMessage());
                    }
                    if (inflater.needsDictionary()) {
                        throw tampered("the compressed data of " + name + " needs a preset dictionary");
                    }
                }
                produced += n;
                if (produced > declared) {
                    throw unsafe("entry " + name + " inflates to more than the " + declared
                            + " bytes its header declares (zip bomb or lying header)");
                }
                if (produced > limits.maxEntryBytes()) {
                    throw unsafe("entry " + name + " inflates to more than the " + limits.maxEntryBytes()
                            + " bytes allowed for one entry");
                }
                if (totalBefore + produced > limits.maxTotalBytes()) {
                    throw unsafe("the entries inflate to more than the " + limits.maxTotalBytes()
                            + " bytes allowed in total");
                }
                long consumed = inflater == null ? fed : Math.max(1, inflater.getBytesRead());
                if (produced > limits.ratioFloorBytes() && produced / consumed >= limits.maxRatio()) {
                    throw unsafe("entry " + name + " inflates more than " + limits.maxRatio()
                            + " times its compressed size (zip bomb)");
                }
                if (n > 0) {
                    sha.update(outBuf, 0, n);
                    crc.update(outBuf, 0, n);
                    if (sink != null) {
                        sink.write(outBuf, 0, n);
                    }
                }
            }
            if (inflater != null && (inflater.getRemaining() != 0 || fed != csize)) {
                throw tampered("the compressed data of " + name + " has trailing bytes");
            }
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
        if (produced != declared) {
            throw tampered("entry " + name + " inflates to " + produced + " bytes, not the " + declared
                    + " declared");
        }
        if (crc.getValue() != crcExpected) {
            throw tampered("the CRC-32 of " + name + " does not match its content");
        }
        return new Measured(produced, hex(sha.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    private static String decodeName(byte[] raw) throws BundleRejectedException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw unsafe("an entry name is not valid UTF-8");
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
        byte[] b = new byte[len];
        readFully(ch, pos, b, len);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void readFully(FileChannel ch, long pos, byte[] b, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.order(ByteOrder.LITTLE_ENDIAN).getInt(at) & 0xFFFFFFFFL;
    }

    private static BundleRejectedException unsafe(String detail) {
        return new BundleRejectedException(Reason.UNSAFE_ZIP, detail);
    }

    private static BundleRejectedException corrupt(String detail) {
        return new BundleRejectedException(Reason.CORRUPT, detail);
    }

    private static BundleRejectedException tampered(String detail) {
        return new BundleRejectedException(Reason.TAMPERED, detail);
    }
}
