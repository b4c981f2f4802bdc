package dev.spindle.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * written through {@link DataFiles} (temp, fsync, rename: no torn entries after a power cut).
 * Events beyond {@code maxEvents} push out the oldest, counted in {@link #takeDropped()}.
 *
 * <p>When the data directory cannot be written (disk full, read-only file system) an entry is
 * kept in memory instead, in its place in the queue, and sent like the others; {@link DataFiles}
 * reports the failure. Such entries are lost if the agent stops before they are sent.
 */
final class Outbox {
    /** One queued message; {@code file} is null for an entry kept in memory. */
    record Entry(Path file, String topic, byte[] payload) {
    }

    private static final String TELEMETRY = "telemetry.msg";

    private final Path dir;
    private final DataFiles files;
    private final int maxEvents;
    private final Deque<Object> events = new ArrayDeque<>(); // guarded by this, oldest first: a Path, or an Entry in memory
    private long nextNumber; // guarded by this
    private boolean telemetryPending; // guarded by this
    private Entry memoryTelemetry; // guarded by this: the last telemetry when it could not be written
    private long dropped; // guarded by this

    Outbox(DataFiles files, int maxEvents) {
        this.files = files;
        this.dir = files.dir().resolve("outbox");
        this.maxEvents = maxEvents;
        List<Path> found = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "e-*.msg")) {
                ds.forEach(found::add);
            }
            telemetryPending = Files.exists(dir.resolve(TELEMETRY));
        } catch (IOException e) {
            files.failed(dir, e); // entries stay in memory until the directory can be written
        }
        Collections.sort(found);
        events.addAll(found);
        nextNumber = found.isEmpty() ? 1 : number(found.get(found.size() - 1)) + 1;
    }

    private static long number(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(2, n.length() - 4));
    }

    /** Queues an event after the ones already queued. */
    synchronized void addEvent(String topic, byte[] payload) {
        Path file = dir.resolve(String.format("e-%020d.msg", nextNumber++));
        events.addLast(write(file, topic, payload) ? file : new Entry(null, topic, payload));
        while (events.size() > maxEvents) {
            Object gone = events.removeFirst();
            if (gone instanceof Path p) {
                delete(p);
            }
            dropped++;
        }
        changed();
    }

    /** Replaces the queued telemetry with this one. */
    synchronized void putTelemetry(String topic, byte[] payload) {
        if (write(dir.resolve(TELEMETRY), topic, payload)) {
            memoryTelemetry = null;
        } else {
            memoryTelemetry = new Entry(null, topic, payload);
        }
        telemetryPending = true;
        changed();
    }

    /** @return the next entry to send (the oldest event, else the telemetry), or null when empty */
    synchronized Entry peek() {
        while (!events.isEmpty() || telemetryPending) {
            Object next = events.isEmpty() ? memoryTelemetry : events.peekFirst();
            if (next instanceof Entry mem) {
                return mem;
            }
            Path file = events.isEmpty() ? dir.resolve(TELEMETRY) : (Path) next;
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
        if (e.file() == null) {
            if (events.peekFirst() == e) {
                events.removeFirst();
            } else if (memoryTelemetry == e) {
                memoryTelemetry = null;
                telemetryPending = false;
            }
        } else if (e.file().getFileName().toString().equals(TELEMETRY)) {
            try {
                byte[] now = Files.readAllBytes(e.file());
                int nl = indexOf(now, (byte) '\n');
                if (memoryTelemetry == null
                        && ByteBuffer.wrap(now, nl + 1, now.length - nl - 1).equals(ByteBuffer.wrap(e.payload()))) {
                    delete(e.file());
                    telemetryPending = false;
                }
            } catch (IOException gone) {
                telemetryPending = memoryTelemetry != null;
            }
        } else if (e.file().equals(events.peekFirst())) {
            delete((Path) events.removeFirst());
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

    /** @return true when written; false when the data directory failed (DataFiles reports it) */
    private boolean write(Path file, String topic, byte[] payload) {
        byte[] head = (topic + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        try {
            files.write(file, all);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a read-only file system: the entry was sent; it is sent again after a restart (consumers drop repeats)
            files.failed(p, e);
        }
    }
}
