package dev.spindle.tools.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The deploy audit log, {@code {state-dir}/audit.log}: append-only JSON lines saying who deployed
 * what, where, when, and how it ended (docs/deploy.md, "Audit log"). Each record is one line
 * written with a single write to a file opened for append, under an exclusive file lock (several
 * {@code spindle} processes may append at once) and fsynced before {@link #append} returns. The
 * tools never rewrite or truncate it.
 *
 * <p>Thread-safe (appends synchronize on this).
 */
public final class AuditLog {
    private final Path file;
    private final String user;
    private final String host;

    public AuditLog(Path stateDir) {
        this(stateDir.resolve("audit.log"), System.getProperty("user.name", "unknown"), hostName());
    }

    AuditLog(Path file, String user, String host) {
        this.file = file;
        this.user = user;
        this.host = host;
    }

    public Path file() {
        return file;
    }

    public String user() {
        return user;
    }

    public String host() {
        return host;
    }

    /** The host name, from the resolver, else {@code HOSTNAME}, else {@code unknown}. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "unknown" : h;
        }
    }

    /**
     * A new record with the common fields: {@code ts} (ISO-8601 UTC), {@code event}, {@code user},
     * {@code host}, {@code rollout}.
     */
    public ObjectNode record(String event, String rolloutId) {
        ObjectNode o = Json.object();
        o.put("ts", Instant.now().toString());
        o.put("event", event);
        o.put("user", user);
        o.put("host", host);
        o.put("rollout", rolloutId);
        return o;
    }

    /** Appends one line and fsyncs it. */
    public synchronized void append(ObjectNode record) throws IOException {
        final byte[] line;
        try {
            line = (Json.MAPPER.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write an audit record: " + e.getMessage(), e);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // java.io for the write and the sync (an interrupt cannot cut them, so a retry never
        // writes a line twice); only the lock goes through the channel, and a lock that an
        // interrupt broke wrote nothing
        UninterruptibleIo.run(() -> {
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true);
                    FileLock lock = out.getChannel().lock()) {
                out.write(line);
                out.getFD().sync();
            }
        });
    }
}
