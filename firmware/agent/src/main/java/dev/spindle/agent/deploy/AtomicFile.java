package dev.spindle.agent.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Replaces a file atomically: a power cut at any moment leaves either the old or the new content,
 * complete. Steps: write a temporary file in the same directory (same file system), fsync it,
 * rename it over the target with {@code ATOMIC_MOVE} (POSIX {@code rename(2)}), fsync the directory
 * so the rename itself is durable.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        CrashPoint.at(CrashPoint.STATE_WRITTEN_BEFORE_RENAME);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically; put data.dir on a"
                    + " local POSIX file system (ext4, f2fs, ...)", e);
        }
        fsyncDirectory(dir);
    }

    /** Syncs a directory's entries (Linux: fsync on a read-only handle); a no-op where unsupported (Windows). */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
