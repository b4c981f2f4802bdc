package dev.spindle.protocol.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One transfer's files in the staging directory:
 * <ul>
 * <li>{@code {id}.open}: the open request's parameters (JSON: size, chunk_size, name, meta), written
 *     atomically when the transfer is first opened;</li>
 * <li>{@code {id}.part}: the file being received, allocated at its full size, chunks written at
 *     their offsets;</li>
 * <li>{@code {id}.bitmap}: the chunks known to be on disk ({@link #sync()}), written atomically.</li>
 * </ul>
 * The invariant: {@code {id}.bitmap} never marks a chunk whose bytes are not on disk, because
 * {@link #sync()} forces the part file's data before it replaces the bitmap. A crash can only lose
 * chunks received since the last sync. A bitmap that is unreadable, truncated or does not fit the
 * open parameters counts as empty.
 *
 * <p>Not thread-safe: used under the receiver's lock.
 */
final class StagedTransfer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StagedTransfer.class.getName());
    private static final int BITMAP_MAGIC = 0x5358424d; // "SXBM"
    private static final int BITMAP_VERSION = 1;

    final String id;
    final long size;
    final int chunkSize;
    final String name;
    final ObjectNode meta;
    private final Path dir;
    private final ChunkSet held;
    private FileChannel part;
    private int unsynced;
    private long lastSyncNanos = System.nanoTime();
    private Consumer<String> steps = step -> {
    };

    private StagedTransfer(Path dir, String id, long size, int chunkSize, String name, ObjectNode meta, ChunkSet held,
            FileChannel part) {
        this.dir = dir;
        this.id = id;
        this.size = size;
        this.chunkSize = chunkSize;
        this.name = name;
        this.meta = meta;
        this.held = held;
        this.part = part;
    }

    static int chunkCount(long size, int chunkSize) {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    static Path openFile(Path dir, String id) {
        return dir.resolve(id + ".open");
    }

    static Path partFile(Path dir, String id) {
        return dir.resolve(id + ".part");
    }

    static Path bitmapFile(Path dir, String id) {
        return dir.resolve(id + ".bitmap");
    }

    static Path bundleFile(Path dir, String id) {
        return dir.resolve(id + ".bundle");
    }

    static Path doneFile(Path dir, String id) {
        return dir.resolve(id + ".done");
    }

    /**
     * Re-opens the staged files of {@code id} when they exist and fit the request (same size and
     * chunk size); otherwise returns null (the caller deletes leftovers and {@link #create}s).
     */
    static StagedTransfer reopen(Path dir, String id, long size, int chunkSize) throws IOException {
        Path open = openFile(dir, id);
        Path part = partFile(dir, id);
        if (!Files.isRegularFile(open) || !Files.isRegularFile(part)) {
            return null;
        }
        JsonNode rec;
        try {
            rec = Json.MAPPER.readTree(Files.readAllBytes(open));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "staged transfer " + id + ": unreadable " + open + " (" + e.getMessage()
                    + "); starting it over");
            return null;
        }
        if (rec == null || rec.path("size").asLong(-1) != size || rec.path("chunk_size").asInt(-1) != chunkSize
                || Files.size(part) != size) {
            return null;
        }
        int count = chunkCount(size, chunkSize);
        ChunkSet held = readBitmap(bitmapFile(dir, id), size, chunkSize, count);
        JsonNode m = rec.path("meta");
        ObjectNode meta = m.isObject() ? (ObjectNode) m : Json.object();
        return new StagedTransfer(dir, id, size, chunkSize, rec.path("name").asText(""), meta, held,
                FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Creates the files of a new transfer: the open record, the part file at full size, an empty bitmap. */
    static StagedTransfer create(Path dir, String id, long size, int chunkSize, String name, ObjectNode meta)
            throws IOException {
        ObjectNode rec = Json.object();
        rec.put("v", 1);
        rec.put("size", size);
        rec.put("chunk_size", chunkSize);
        rec.put("name", name);
        rec.set("meta", meta);
        Files.deleteIfExists(bitmapFile(dir, id));
        FileChannel ch = FileChannel.open(partFile(dir, id), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            // allocate: writing the last byte makes the file its full size (sparse where supported)
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            ch.force(true);
            AtomicFiles.write(openFile(dir, id), Json.bytes(rec));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new StagedTransfer(dir, id, size, chunkSize, name, meta, new ChunkSet(chunkCount(size, chunkSize)), ch);
    }

    static ChunkSet readBitmap(Path file, long size, int chunkSize, int count) {
        if (!Files.isRegularFile(file)) {
            return new ChunkSet(count);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            int bitBytes = ChunkSet.byteLength(count);
            if (b.remaining() != 24 + bitBytes + 4) {
                throw new IOException("length " + b.remaining() + ", expected " + (24 + bitBytes + 4));
            }
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, 24 + bitBytes);
            if (b.getInt(24 + bitBytes) != (int) crc.getValue()) {
                throw new IOException("checksum does not match");
            }
            if (b.getInt() != BITMAP_MAGIC || b.getInt() != BITMAP_VERSION || b.getLong() != size
                    || b.getInt() != chunkSize || b.getInt() != count) {
                throw new IOException("header does not fit this transfer");
            }
            byte[] bits = new byte[bitBytes];
            b.get(bits);
            return ChunkSet.fromBytes(count, bits);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "chunk bitmap " + file + " is unusable (" + e.getMessage()
                    + "); counting no chunk as held, the sender sends them again");
            return new ChunkSet(count);
        }
    }

    private byte[] bitmapBytes() {
        byte[] bits = held.toBytes();
        ByteBuffer b = ByteBuffer.allocate(24 + bits.length + 4);
        b.putInt(BITMAP_MAGIC).putInt(BITMAP_VERSION).putLong(size).putInt(chunkSize).putInt(held.count()).put(bits);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 24 + bits.length);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Tells {@code hook} the steps of {@link #sync()} and {@link #promote()} (TransferReceiver.STEP_…). */
    void onStep(Consumer<String> hook) {
        this.steps = hook;
    }

    ChunkSet held() {
        return held;
    }

    int chunks() {
        return held.count();
    }

    /** @return the length chunk {@code index} must have */
    int expectedLength(int index) {
        long off = (long) index * chunkSize;
        return (int) Math.min(chunkSize, size - off);
    }

    /**
     * Writes a chunk at its offset (not yet forced to disk). Already held chunks are not written again.
     *
     * @return true when the chunk was new
     */
    boolean write(int index, byte[] payload, int offset, int length) throws IOException {
        if (held.has(index)) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(payload, offset, length);
        long pos = (long) index * chunkSize;
        while (b.hasRemaining()) {
            pos += part.write(b, pos);
        }
        held.add(index);
        unsynced++;
        return true;
    }

    int unsynced() {
        return unsynced;
    }

    long nanosSinceSync() {
        return System.nanoTime() - lastSyncNanos;
    }

    /** Forces the written chunks to disk, then records them in the bitmap (in that order). */
    void sync() throws IOException {
        if (unsynced == 0) {
            return;
        }
        part.force(false);
        steps.accept(TransferReceiver.STEP_DATA_FORCED);
        AtomicFiles.write(bitmapFile(dir, id), bitmapBytes());
        steps.accept(TransferReceiver.STEP_BITMAP_WRITTEN);
        unsynced = 0;
        lastSyncNanos = System.nanoTime();
    }

    /** @return the SHA-256 of the part file, lowercase hex */
    String sha256() throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = part.read(buf, pos);
            if (n < 0) {
                break;
            }
            buf.flip();
            md.update(buf);
            pos += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Turns the complete part file into {@code {id}.bundle} and removes the transfer's other files.
     * The bitmap goes first (and durably), so a crash half way never leaves a bitmap without the
     * part it describes; a restart deletes a {@code .bundle} left behind (the sender's next open
     * starts the transfer over).
     */
    Path promote() throws IOException {
        close();
        Path bundle = bundleFile(dir, id);
        Files.deleteIfExists(bitmapFile(dir, id));
        AtomicFiles.syncDirectory(dir);
        Files.move(partFile(dir, id), bundle, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        steps.accept(TransferReceiver.STEP_PROMOTED);
        Files.deleteIfExists(openFile(dir, id));
        AtomicFiles.syncDirectory(dir);
        return bundle;
    }

    /** Deletes every file of transfer {@code id} (after a checksum mismatch, or when superseded). */
    static void deleteFiles(Path dir, String id) {
        for (Path p : new Path[] {partFile(dir, id), bitmapFile(dir, id), openFile(dir, id), bundleFile(dir, id),
                bitmapFile(dir, id).resolveSibling(id + ".bitmap.tmp"), openFile(dir, id).resolveSibling(id + ".open.tmp")}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete " + p + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (part != null) {
            try {
                sync();
            } finally {
                part.close();
                part = null;
            }
        }
    }
}
