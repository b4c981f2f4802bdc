package dev.spindle.tools.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The rollout files: {@code {dir}/rollouts/{id}.json}, one per rollout. Every write replaces the
 * whole file atomically: the JSON goes to a new temporary file in the same directory, which is
 * fsynced, renamed over the old file, and the directory fsynced; a crash at any moment leaves
 * either the old or the new file, never a mix. Ids sort by creation time
 * ({@code 20261123-211500-3fa2}: UTC date and time, 4 random hex digits).
 *
 * <p>Thread-safe for different ids; writes of one rollout come from one
 * {@link RolloutEngine}, which serializes them.
 */
public final class RolloutStore {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    /** @param stateDir the state directory ({@code ~/.spindle} by default); rollouts go in its {@code rollouts/} */
    public RolloutStore(Path stateDir) {
        this.dir = stateDir.resolve("rollouts");
    }

    public Path dir() {
        return dir;
    }

    public Path file(String id) {
        return dir.resolve(id + ".json");
    }

    /** @return a new rollout id for a rollout created at {@code nowMs} */
    public static String newId(long nowMs) {
        return ID_TIME.format(Instant.ofEpochMilli(nowMs)) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    /** Writes the rollout atomically (temp file, fsync, rename, fsync of the directory). */
    public void save(RolloutRecord r) throws IOException {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write rollout " + r.id + " as JSON: " + e.getMessage(), e);
        }
        write(r.id, bytes);
    }

    void write(String id, byte[] bytes) throws IOException {
        UninterruptibleIo.run(() -> replace(id, bytes));
    }

    private void replace(String id, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path target = file(id);
        Path tmp = dir.resolve("." + id + ".json." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
    }

    private static void fsyncDirectory(Path d) throws IOException {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    /**
     * @throws NoSuchFileException when there is no such rollout
     * @throws IOException when the file is unreadable, not a rollout, or of a newer format
     */
    public RolloutRecord load(String id) throws IOException {
        if (!id.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IOException("'" + id + "' is not a rollout id (spindle deploy --list shows them)");
        }
        Path f = file(id);
        RolloutRecord r;
        try {
            r = Json.MAPPER.readValue(Files.readAllBytes(f), RolloutRecord.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(f.toString(), null, "no rollout " + id + " in " + dir);
        } catch (JsonProcessingException e) {
            throw new IOException(f + " is not a readable rollout file: " + e.getOriginalMessage(), e);
        }
        if (r.format > RolloutRecord.FORMAT) {
            throw new IOException(f + " has format " + r.format + ", newer than this spindle reads ("
                    + RolloutRecord.FORMAT + "): use a newer spindle to resume it");
        }
        if (r.id == null || r.plan == null || r.bundle == null || r.boards == null || r.plan.waveEnds == null) {
            throw new IOException(f + " is not a complete rollout file (id, plan, bundle or boards missing)");
        }
        return r;
    }

    /** @return the ids of all stored rollouts, oldest first */
    public List<String> ids() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - ".json".length())).forEach(ids::add);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /** @return the newest rollout that did not complete (running, interrupted or stopped), if any */
    public Optional<RolloutRecord> latestUnfinished() throws IOException {
        List<String> ids = ids();
        for (int i = ids.size() - 1; i >= 0; i--) {
            RolloutRecord r = load(ids.get(i));
            if (!RolloutRecord.COMPLETED.equals(r.status)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
