package dev.spindle.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The bounded on-disk queue of what must reach the broker: events (every one, in order) and the
 * last telemetry (only the newest). Everything goes through it, connected or not (write-ahead):
 * the sender publishes the oldest entry, and deletes it only once the broker acknowledged it
 * (QoS 1). So a broker restart, or a restart of the agent, loses nothing; an entry may be sent
 * twice (consumers drop repeats by {@code (session, seq)}).
 *
 * <p>Layout in {@code {data.dir}/outbox/}: {@code e-{20-digit number}.msg} per event,
 * {@code telemetry.msg} for the last telemetry; each file is the topic, a newline, the payload,
 * written to a temp file and renamed (no torn entries after a power cut). Events beyond
 * {@code maxEvents} push out the oldest, counted in {@link #takeDropped()}.
 */
final class Outbox {
    /** One queued message. */
    record Entry(Path file, String topic, byte[] payload) {
    }

    private static final String TELEMETRY = "telemetry.msg";

    private final Path dir;
    private final int maxEvents;
    private final Deque<Path> events = new ArrayDeque<>(); // guarded by this, oldest first
    private long nextNumber; // guarded by this
    private boolean telemetryPending; // guarded by this
    private long dropped; // guarded by this

    Outbox(Path dataDir, int maxEvents) {
        this.dir = dataDir.resolve("outbox");
        this.maxEvents = maxEvents;
        try {
            Files.createDirectories(dir);
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "e-*.msg")) {
                ds.forEach(found::add);
            }
            Collections.sort(found);
            events.addAll(found);
            nextNumber = found.isEmpty() ? 1 : number(found.get(found.size() - 1)) + 1;
            telemetryPending = Files.exists(dir.resolve(TELEMETRY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the outbox " + dir + ": check that the data directory is writable", e);
        }
    }

    private static long number(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(2, n.length() - 4));
    }

    /** Queues an event after the ones already queued. */
    synchronized void addEvent(String topic, byte[] payload) {
        Path file = dir.resolve(String.format("e-%020d.msg", nextNumber++));
        write(file, topic, payload);
        events.addLast(file);
        while (events.size() > maxEvents) {
            delete(events.removeFirst());
            dropped++;
        }
        changed();
    }

    /** Replaces the queued telemetry with this one. */
    synchronized void putTelemetry(String topic, byte[] payload) {
        write(dir.resolve(TELEMETRY), topic, payload);
        telemetryPending = true;
        changed();
    }

    /** @return the next entry to send (the oldest event, else the telemetry), or null when empty */
    synchronized Entry peek() {
        while (!events.isEmpty() || telemetryPending) {
            Path file = events.isEmpty() ? dir.resolve(TELEMETRY) : events.peekFirst();
            try {
                byte[] all = Files.readAllBytes(file);
                int nl = indexOf(all, (byte) '\n');
                String topic = new String(all, 0, Math.max(nl, 0), StandardCharsets.UTF_8);
                byte[] payload = nl < 0 ? new byte[0] : java.util.Arrays.copyOfRange(all, nl + 1, all.length);
                return new Entry(file, topic, payload);
            } catch (IOException e) {
                // unreadable (deleted by hand, disk error): skip it rather than block the queue forever
                if (events.isEmpty()) {
                    telemetryPending = false;
                } else {
                    events.removeFirst();
                    dropped++;
                }
            }
        }
        return null;
    }

    /** Removes {@code e} once the broker acknowledged it; a newer telemetry written meanwhile stays. */
    synchronized void remove(Entry e) {
        if (e.file().getFileName().toString().equals(TELEMETRY)) {
            try {
                byte[] now = Files.readAllBytes(e.file());
                int nl = indexOf(now, (byte) '\n');
                if (ByteBuffer.wrap(now, nl + 1, now.length - nl - 1).equals(ByteBuffer.wrap(e.payload()))) {
                    delete(e.file());
                    telemetryPending = false;
                }
            } catch (IOException gone) {
                telemetryPending = false;
            }
        } else if (e.file().equals(events.peekFirst())) {
            delete(events.removeFirst());
        }
    }

    /** Waits until something is queued or {@code ms} passed. */
    synchronized void awaitWork(long ms) throws InterruptedException {
        if (events.isEmpty() && !telemetryPending) {
            wait(ms);
        }
    }

    /** Wakes a sender in {@link #awaitWork} (after a reconnect, say). */
    synchronized void wake() {
        notifyAll();
    }

    synchronized int eventCount() {
        return events.size();
    }

    synchronized boolean isEmpty() {
        return events.isEmpty() && !telemetryPending;
    }

    /** @return events dropped since the last call (queue full or unreadable), and resets the count */
    synchronized long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }

    private void changed() {

        notifyAll();
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void write(Path file, String topic, byte[] payload) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] head = (topic + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        try {
            Files.write(tmp, all);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " to the outbox: is the disk full?", e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + " from the outbox", e);
        }
    }
}
