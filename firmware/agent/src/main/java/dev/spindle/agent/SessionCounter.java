package dev.spindle.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The session counter: grows at every connect attempt and survives restarts, so monitors can
 * tell a new birth from an old will.
 *
 * <p>Algorithm (a reserved block, "hi/lo"): {@code {data.dir}/session} holds a ceiling, the
 * highest session this board may have used. At start the counter continues from the ceiling;
 * before a session above the ceiling is handed out, the ceiling is raised by {@value #BLOCK} and
 * written ({@link DataFiles}: temp, fsync, rename). So the file is written once per start (and
 * once per {@value #BLOCK} reconnects), not at every connect, and every session used before a
 * restart is below the ones after it, even when the disk failed in between. When the ceiling
 * cannot be written (disk full, read-only) the session is still handed out, from memory, and
 * {@link DataFiles} reports the problem; the old file stays valid. Restarting while the disk
 * still fails may reuse session numbers of the failed run (nothing could be saved).
 */
final class SessionCounter {
    /** Sessions reserved per write. */
    static final long BLOCK = 1000;

    private final Path file;
    private final DataFiles files;
    private long value; // guarded by this: the last session handed out
    private long ceiling; // guarded by this: the value on disk

    SessionCounter(DataFiles files) {
        this.files = files;
        this.file = files.dir().resolve("session");
        long saved;
        try {
            saved = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            // a damaged file: start again from 0 (monitors then see a smaller session until it grows past the old one)
            saved = 0;
        }
        value = saved;
        ceiling = saved;
    }

    /** @return the next session number; its ceiling is on disk unless the data directory fails (then reported) */
    synchronized long next() {
        value++;
        if (value > ceiling) {
            long raised = value + BLOCK - 1;
            try {
                files.write(file, (raised + "\n").getBytes(StandardCharsets.UTF_8));
                ceiling = raised;
            } catch (IOException e) {
                // reported by DataFiles; the next session tries again
            }
        }
        return value;
    }

    synchronized long current() {
        return value;
    }
}
