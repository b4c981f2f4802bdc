package dev.spindle.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every write of the agent to its data directory ({@code data.dir}) goes through here: written to
 * {@code NAME.tmp}, forced to the disk (fsync), renamed over {@code NAME} (atomic on one file
 * system) and the directory forced, so a power cut, a full disk or a file system turned read-only
 * leaves the old file or the new one, never a torn one. A failed write removes its temp file and
 * throws; the old file stays as it was.
 *
 * <p>It also tells when the data directory stops and starts working again: the first failure
 * after a success (or at start) and the first success after a failure are {@link Change}s that
 * the agent takes with {@link #takeChanges()} and turns into log lines and {@code storage_failed}
 * / {@code storage_recovered} events (which then travel in memory, as the disk cannot hold them).
 *
 * <p>Thread-safe: {@link #failing} and {@link #changes} are guarded by this object's monitor;
 * the writes themselves run outside it (callers serialize writes to one file).
 */
public final class DataFiles {
    /** Why a write failed, by its stable wire name. */
    public enum Problem {
        DISK_FULL("disk_full", "free space on the data directory's file system (df -h; journalctl --vacuum-size=50M)"),
        READ_ONLY("read_only", "the file system is read-only (often after SD card errors): check dmesg, run fsck, replace the card"),
        PERMISSION_DENIED("permission_denied", "the agent's user cannot write there: chown -R spindle:spindle the data directory"),
        IO_ERROR("io_error", "check the storage (dmesg) and the data.dir setting");

        private final String wireName;
        private final String fix;

        Problem(String wireName, String fix) {
            this.wireName = wireName;
            this.fix = fix;
        }

        public String wireName() {
            return wireName;
        }

        /** @return what to do about it */
        public String fix() {
            return fix;
        }
    }

    /**
     * A change of the data directory's health.
     *
     * @param problem null for a recovery
     * @param file    the file whose write failed (or first succeeded again)
     * @param error   the system's message (null for a recovery)
     */
    public record Change(Problem problem, Path file, String error) {
        public boolean recovered() {
            return problem == null;
        }

        /** @return the line for the log and the event's message */
        public String message() {
            if (problem == null) {
                return "data directory writable again (" + file + ")";
            }
            return "cannot write " + file + ": " + error + " (" + problem.wireName() + "); " + problem.fix()
                    + ". The agent keeps running on memory: state is not saved until this is fixed.";
        }
    }

    private final Path dir;
    private boolean failing; // guarded by this
    private final List<Change> changes = new ArrayList<>(); // guarded by this

    /** @param dir the data directory (for messages) */
    public DataFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Replaces {@code file} with {@code data} atomically (temp, fsync, rename, fsync of the directory).
     *
     * @throws IOException the system's error ({@link #classify} names it); {@code file} is unchanged
     */
    public void write(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(file.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a read-only file system: the temp file was never made
            }
            failed(file, e);
            throw e;
        }
        succeeded(file);
    }

    /** Records a failure of another operation on the data directory (creating a directory, deleting a file). */
    public void failed(Path file, IOException e) {
        synchronized (this) {
            if (!failing) {
                failing = true;
                changes.add(new Change(classify(e), file, describe(e)));
            }
        }
    }

    private synchronized void succeeded(Path file) {
        if (failing) {
            failing = false;
            changes.add(new Change(null, file, null));
        }
    }

    /** @return whether the last write failed */
    public synchronized boolean failing() {
        return failing;
    }

    /** @return the changes since the last call, oldest first */
    public synchronized List<Change> takeChanges() {
        List<Change> c = new ArrayList<>(changes);
        changes.clear();
        return c;
    }

    private static void forceDirectory(Path d) {
        if (d == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened for fsync; the rename is done either way
        }
    }

    /** @return the kind of failure, from the system's message (ENOSPC, EROFS, EACCES) */
    public static Problem classify(IOException e) {
        if (e instanceof AccessDeniedException) {
            return Problem.PERMISSION_DENIED;
        }
        String m = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
        m = m.toLowerCase(Locale.ROOT);
        if (m.contains("no space left") || m.contains("disk quota")) {
            return Problem.DISK_FULL;
        }
        if (m.contains("read-only file system")) {
            return Problem.READ_ONLY;
        }
        if (m.contains("permission denied") || m.contains("operation not permitted")) {
            return Problem.PERMISSION_DENIED;
        }
        return Problem.IO_ERROR;
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
