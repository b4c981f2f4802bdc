package dev.spindle.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The session counter in {@code {data.dir}/session}: grows at every connect attempt and survives
 * restarts, so monitors can tell a new birth from an old will. Written atomically (temp file,
 * fsync, rename): a power cut leaves the old or the new value, never a torn one.
 */
final class SessionCounter {
    private final Path file;
    private long value; // guarded by this

    SessionCounter(Path dataDir) {
        this.file = dataDir.resolve("session");
        try {
            value = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            // a damaged file: start again from 0 (monitors then see a smaller session until it grows past the old one)
            value = 0;
        }
    }

    /** @return the next session number, already on disk */
    synchronized long next() {
        value++;
        write(value);
        return value;
    }

    synchronized long current() {
        return value;
    }

    private void write(long v) {
        Path tmp = file.resolveSibling("session.tmp");
        try {
            Files.writeString(tmp, Long.toString(v) + "\n", StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session counter " + file
                    + ": check that the data directory is writable", e);
        }
    }
}
