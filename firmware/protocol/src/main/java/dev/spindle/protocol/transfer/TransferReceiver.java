package dev.spindle.protocol.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The board side of bundle transfers (docs/protocol.md, "Transfer"): answers {@code open}
 * requests with the chunks it holds, writes chunks into {@code {staging}/{id}.part}, acks them,
 * and when all are there checks the SHA-256 and hands the file to a {@link CompletedTransfer}.
 *
 * <h2>Algorithm</h2>
 * <ul>
 * <li>{@code open} and {@code chunk} messages are handled on the link's worker thread (they may
 *     publish). One transfer is active at a time. An open of the active id resumes it; an open of
 *     another id is refused with {@code busy} while the active one saw traffic within
 *     {@link ReceiverOptions#idleSupersedeMs()}, otherwise it supersedes it (the old files are
 *     deleted). After a restart nothing is active: the first open re-opens its staged files
 *     ({@link StagedTransfer#reopen}) and deletes any other transfer's.</li>
 * <li>A chunk is written at its offset, then acked; every {@link ReceiverOptions#syncEveryChunks()}
 *     chunks (or {@link ReceiverOptions#syncEveryMs()}), on cancel, close and completion the data
 *     is forced to disk and only then the bitmap replaced, so a crash only loses recent chunks.
 *     Acks are batched: one when {@link ReceiverOptions#ackEvery()} chunks wait or no more messages
 *     are queued on the link.</li>
 * <li>When the last chunk arrives the transfer becomes "finishing": a finisher thread computes the
 *     SHA-256 (off the link's worker, which also serves commands), renames the part to
 *     {@code {id}.bundle}, calls the {@link CompletedTransfer}, writes {@code {id}.done} and
 *     publishes {@code complete}. A mismatch deletes everything and publishes {@code error}.</li>
 * <li>Bad input (malformed JSON or header, wrong sizes, unknown transfer, invalid id) is answered
 *     with an {@code error} on the ack topic when the topic names a valid id (at most once a second
 *     per transfer for chunk errors), and logged; nothing is thrown out of a handler.</li>
 * </ul>
 *
 * <h2>Locking</h2>
 * {@code lock} guards {@code active}, {@code finishing}, {@code lastActivityNanos},
 * {@code closed}, {@code pendingAcks}/{@code pendingAckCount} and {@code lastErrorNanos}; the
 * staged files of the active transfer are only touched under it, except by the finisher, which
 * owns the transfer while {@code finishing} is set (the handlers then only answer from memory).
 */
public final class TransferReceiver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransferReceiver.class.getName());
    private static final long ERROR_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_CHUNKS = 1 << 22;

    /** Told about transfers on the board (for the agent's events); runs on link or finisher threads, must be quick. */
    public interface Events {
        /** A transfer was opened ({@code held > 0}: resumed). */
        default void opened(String id, String name, long size, int held, int chunks) {
        }

        /** A transfer or a message of it failed; the sender was told the same. */
        default void failed(String id, TransferError code, String message) {
        }

        /** The file was verified and handed over. */
        default void completed(String id, String name, long size) {
        }

        /**
         * The receiver just passed step {@code step} (one of the {@code STEP_} constants), on the thread
         * that did it. A hook for crash tests (the agent halts here when told to); must be quick.
         */
        default void reached(String step) {
        }
    }

    /** Step: a new chunk's bytes were written to the part file (not yet forced to disk). */
    public static final String STEP_CHUNK_WRITTEN = "transfer.chunk_written";
    /** Step: the part file's data was forced to disk; the bitmap that records it is not written yet. */
    public static final String STEP_DATA_FORCED = "transfer.data_forced";
    /** Step: the bitmap was replaced (atomically) after the data it records was forced. */
    public static final String STEP_BITMAP_WRITTEN = "transfer.bitmap_written";
    /** Step: every chunk is here and the whole file's SHA-256 matched; nothing was renamed or handed over yet. */
    public static final String STEP_VERIFIED = "transfer.verified";
    /** Step: cleaning up: the bitmap is deleted and the part renamed to {@code {id}.bundle}; the open record not yet deleted. */
    public static final String STEP_PROMOTED = "transfer.promoted";
    /** Step: the {@link CompletedTransfer} took the bundle; the {@code {id}.done} record is not written yet. */
    public static final String STEP_HANDED_OVER = "transfer.handed_over";
    /** Step: the {@code {id}.done} record was written; {@code complete} not yet published. */
    public static final String STEP_DONE_RECORDED = "transfer.done_recorded";

    private final Link link;
    private final String fleet;
    private final String board;
    private final Path staging;
    private final ReceiverOptions options;
    private final CompletedTransfer onComplete;
    private volatile Events events = new Events() {
    };

    private final Object lock = new Object();
    private StagedTransfer active; // guarded by lock
    private boolean finishing; // guarded by lock: the finisher owns `active`
    private long lastActivityNanos; // guarded by lock
    private boolean closed; // guarded by lock
    private final int[] pendingAcks; // guarded by lock
    private int pendingAckCount; // guarded by lock
    private final Map<String, Long> lastErrorNanos = new HashMap<>(); // guarded by lock
    private Thread finisher; // guarded by lock

    /**
     * @param staging a directory inside the board's data directory (created by {@link #start()});
     *                this receiver owns every file in it
     */
    public TransferReceiver(Link link, String fleet, String board, Path staging, ReceiverOptions options,
            CompletedTransfer onComplete) {
        this.link = link;
        this.fleet = Topics.checkId("fleet", fleet);
        this.board = Topics.checkId("board", board);
        this.staging = staging;
        this.options = options;
        this.onComplete = onComplete;
        this.pendingAcks = new int[options.ackEvery()];
    }

    /** Sets the event listener; call before {@link #start()}. */
    public TransferReceiver events(Events e) {
        this.events = e;
        return this;
    }

    public Path stagingDir() {
        return staging;
    }

    /**
     * Creates the staging directory, removes leftovers of interrupted writes, and subscribes
     * (now when connected, and at every connect).
     *
     * @throws IOException   when the staging directory cannot be made
     * @throws LinkException when connected and the broker refused the subscriptions
     */
    public void start() throws IOException, LinkException {
        Files.createDirectories(staging);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging, "*.{tmp,bundle}")) {
            for (Path p : ds) {
                Files.deleteIfExists(p); // half-written state, or a handover cut short: sent again
            }
        }
        link.subscribe(TransferTopics.filter(fleet, board, TransferTopics.OPEN), Wire.QOS_RELIABLE, this::onOpen);
        link.subscribe(TransferTopics.filter(fleet, board, TransferTopics.CHUNK), Wire.QOS_RELIABLE, this::onChunk);
        link.subscribe(TransferTopics.filter(fleet, board, TransferTopics.CANCEL), Wire.QOS_RELIABLE, this::onCancel);
    }

    /** @return the id of the transfer being received, or null */
    public String activeTransfer() {
        synchronized (lock) {
            return active == null ? null : active.id;
        }
    }

    /** Unsubscribes and syncs the active transfer to disk (it resumes after the next open). */
    @Override
    public void close() {
        link.unsubscribe(TransferTopics.filter(fleet, board, TransferTopics.OPEN));
        link.unsubscribe(TransferTopics.filter(fleet, board, TransferTopics.CHUNK));
        link.unsubscribe(TransferTopics.filter(fleet, board, TransferTopics.CANCEL));
        Thread f;
        synchronized (lock) {
            closed = true;
            f = finisher;
            if (active != null && !finishing) {
                closeQuietly(active);
                active = null;
            }
        }
        if (f != null) {
            try {
                f.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- open ------------------------------------------------------------------------------

    private void onOpen(Inbound m) {
        String id = TransferTopics.idOf(m.topic());
        if (!TransferTopics.isValidId(id)) {
            LOG.log(Level.WARNING, "transfer open on " + m.topic() + " ignored: the id must be 64 lowercase hex digits");
            return;
        }
        try {
            open(id, m.payload());
        } catch (TransferException e) {
            fail(id, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "transfer " + id + ": open failed: " + e, e);
            fail(id, TransferError.IO_ERROR, "the board failed to open the transfer: " + e);
        }
    }

    private void open(String id, byte[] payload) throws TransferException {
        if (payload.length > Wire.MAX_REQUEST_BYTES) {
            throw new TransferException(TransferError.BAD_REQUEST, "open request of " + payload.length
                    + " bytes is over " + Wire.MAX_REQUEST_BYTES + "; send less meta data");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new TransferException(TransferError.BAD_REQUEST, "open request is not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new TransferException(TransferError.BAD_REQUEST, "open request must be a JSON object");
        }
        checkSame(n, "transfer", id);
        checkSame(n, "sha256", id);
        long size = integral(n, "size", 1, Long.MAX_VALUE);
        if (size > options.maxBundleBytes()) {
            throw new TransferException(TransferError.TOO_LARGE, "bundle of " + size + " bytes is larger than this board accepts ("
                    + options.maxBundleBytes() + " bytes); make the bundle smaller or raise the board's limit");
        }
        int chunkSize = (int) integral(n, "chunk_size", options.minChunkBytes(), options.maxChunkBytes());
        if (StagedTransfer.chunkCount(size, chunkSize) > MAX_CHUNKS) {
            throw new TransferException(TransferError.BAD_REQUEST, "size / chunk_size gives more than " + MAX_CHUNKS
                    + " chunks; use larger chunks");
        }
        JsonNode nameNode = n.path("name");
        if (!nameNode.isMissingNode() && (!nameNode.isTextual() || nameNode.asText().length() > 255)) {
            throw new TransferException(TransferError.BAD_REQUEST, "field 'name' must be a string of at most 255 characters");
        }
        String name = nameNode.asText("");
        JsonNode metaNode = n.path("meta");
        if (!metaNode.isMissingNode() && !metaNode.isObject()) {
            throw new TransferException(TransferError.BAD_REQUEST, "field 'meta' must be a JSON object");
        }
        ObjectNode meta = metaNode.isObject() ? (ObjectNode) metaNode : Json.object();
        boolean fresh = n.path("fresh").asBoolean(false);

        StagedTransfer t;
        boolean finishNow;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (active != null && !active.id.equals(id)) {
                long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
                if (finishing || idleMs < options.idleSupersedeMs()) {
                    throw new TransferException(TransferError.BUSY, "board " + board + " is receiving transfer "
                            + active.id.substring(0, 12) + "… (last activity " + idleMs / 1000 + " s ago); try again when it is done"
                            + " or after it has been idle for " + options.idleSupersedeMs() / 1000 + " s, or cancel it");
                }
                LOG.log(Level.INFO, "transfer " + id + " supersedes idle transfer " + active.id);
                closeQuietly(active);
                StagedTransfer.deleteFiles(staging, active.id);
                active = null;
            }
            if (finishing) { // the same id: all chunks are here, the finisher is at work
                publish(id, TransferMessages.state(active, true));
                return;
            }
            Path done = StagedTransfer.doneFile(staging, id);
            if (fresh) {
                if (active != null) {
                    closeQuietly(active);
                    active = null;
                }
                StagedTransfer.deleteFiles(staging, id);
                deleteQuietly(done);
            } else if (active == null && Files.exists(done)) {
                publish(id, TransferMessages.complete(id, size, true));
                return;
            }
            if (active == null) {
                active = load(id, size, chunkSize, name, meta);
                active.onStep(this::reached);
                events.opened(id, name, size, active.held().held(), active.chunks());
            }
            t = active;
            lastActivityNanos = System.nanoTime();
            publish(id, TransferMessages.state(t, false));
            finishNow = t.held().isComplete();
            if (finishNow) {
                startFinisher(t);
            }
        }
    }

    /** Re-opens the staged files of {@code id} or creates them; deletes other transfers' files. Under lock. */
    private StagedTransfer load(String id, long size, int chunkSize, String name, ObjectNode meta) throws TransferException {
        try {
            deleteOthers(id);
            StagedTransfer t = StagedTransfer.reopen(staging, id, size, chunkSize);
            if (t != null) {
                LOG.log(Level.INFO, "transfer " + id + " resumed: " + t.held().held() + " of " + t.chunks() + " chunks held");
                return t;
            }
            StagedTransfer.deleteFiles(staging, id);
            long free = Files.getFileStore(staging).getUsableSpace();
            if (free < size + options.minFreeBytes()) {
                throw new TransferException(TransferError.NO_SPACE, "not enough disk space on board " + board + ": the bundle needs "
                        + mib(size) + " plus a reserve of " + mib(options.minFreeBytes()) + ", " + mib(free) + " free in "
                        + staging + "; free space on the board (old bundles, logs) and send again");
            }
            return StagedTransfer.create(staging, id, size, chunkSize, name, meta);
        } catch (IOException e) {
            StagedTransfer.deleteFiles(staging, id);
            throw new TransferException(TransferError.IO_ERROR, "board " + board + " cannot write its staging directory "
                    + staging + ": " + e + "; check the disk and its permissions");
        }
    }

    private void deleteOthers(String id) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (!f.startsWith(id + ".") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void checkSame(JsonNode n, String field, String id) throws TransferException {
        JsonNode f = n.path(field);
        if (!f.isMissingNode() && !id.equals(f.asText())) {
            throw new TransferException(TransferError.BAD_REQUEST, "field '" + field + "' is '" + f.asText()
                    + "' but the topic names transfer " + id + "; the transfer id is the bundle's SHA-256");
        }
    }

    private static long integral(JsonNode n, String field, long min, long max) throws TransferException {
        JsonNode f = n.path(field);
        if (!f.canConvertToLong() || !f.isIntegralNumber() || f.asLong() < min || f.asLong() > max) {
            throw new TransferException(TransferError.BAD_REQUEST, "field '" + field + "' must be an integer in "
                    + min + ".." + max + ", got " + (f.isMissingNode() ? "nothing" : f.toString()));
        }
        return f.asLong();
    }

    // ---- chunks ----------------------------------------------------------------------------

    private void onChunk(Inbound m) {
        String id = TransferTopics.idOf(m.topic());
        if (!TransferTopics.isValidId(id)) {
            LOG.log(Level.WARNING, "chunk on " + m.topic() + " ignored: the transfer id must be 64 lowercase hex digits");
            return;
        }
        byte[] p = m.payload();
        int index;
        try {
            index = ChunkHeader.index(p);
        } catch (IllegalArgumentException e) {
            failLimited(id, TransferError.BAD_REQUEST, e.getMessage());
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            StagedTransfer t = active;
            if (t == null || !t.id.equals(id)) {
                failLimited(id, TransferError.UNKNOWN_TRANSFER, "board " + board + " has no open transfer " + id
                        + "; send 'open' first (a sender does that by itself when it resumes)");
                return;
            }
            lastActivityNanos = System.nanoTime();
            if (finishing) {
                queueAck(t, index, true);
                return;
            }
            if (index >= t.chunks()) {
                failLimited(id, TransferError.BAD_REQUEST, "chunk index " + index + " is out of range: the transfer has "
                        + t.chunks() + " chunks");
                return;
            }
            int len = p.length - ChunkHeader.LENGTH;
            if (len != t.expectedLength(index)) {
                failLimited(id, TransferError.BAD_REQUEST, "chunk " + index + " has " + len + " bytes, expected "
                        + t.expectedLength(index) + " (chunk_size " + t.chunkSize + ", size " + t.size + ")");
                return;
            }
            try {
                if (t.write(index, p, ChunkHeader.LENGTH, len)) {
                    reached(STEP_CHUNK_WRITTEN);
                }
                boolean complete = t.held().isComplete();
                if (complete || t.unsynced() >= options.syncEveryChunks()
                        || t.nanosSinceSync() >= TimeUnit.MILLISECONDS.toNanos(options.syncEveryMs())) {
                    t.sync();
                }
                queueAck(t, index, complete);
                if (complete) {
                    startFinisher(t);
                }
            } catch (IOException e) {
                failLimited(id, TransferError.IO_ERROR, "board " + board + " cannot write chunk " + index + ": " + e
                        + "; check its disk (full?)");
            }
        }
    }

    /** Under lock: adds an ack and sends the batch when it is full, forced, or nothing else is queued. */
    private void queueAck(StagedTransfer t, int index, boolean now) {
        pendingAcks[pendingAckCount++] = index;
        if (now || pendingAckCount == pendingAcks.length || link.pendingMessages() == 0) {
            byte[] ack = TransferMessages.ack(t, pendingAcks, pendingAckCount);
            pendingAckCount = 0;
            publish(t.id, ack);
        }
    }

    private void onCancel(Inbound m) {
        String id = TransferTopics.idOf(m.topic());
        synchronized (lock) {
            if (active != null && active.id.equals(id) && !finishing) {
                LOG.log(Level.INFO, "transfer " + id + " cancelled by the sender; its data is kept for a resume");
                closeQuietly(active);
                active = null;
                pendingAckCount = 0;
            }
        }
    }

    // ---- finishing -------------------------------------------------------------------------

    /** Under lock. */
    private void startFinisher(StagedTransfer t) {
        finishing = true;
        pendingAckCount = 0;
        finisher = new Thread(() -> finish(t), "xfer-finish-" + t.id.substring(0, 8));
        finisher.setDaemon(true);
        finisher.start();
    }

    private void finish(StagedTransfer t) {
        String id = t.id;
        Path bundle = null;
        try {
            String actual = t.sha256();
            if (!actual.equals(id)) {
                closeQuietly(t);
                StagedTransfer.deleteFiles(staging, id);
                done(t);
                fail(id, TransferError.CHECKSUM_MISMATCH, "all " + t.chunks() + " chunks arrived but the file's SHA-256 is "
                        + actual + ", not the transfer id: the data was discarded; send the bundle again (it starts over)");
                return;
            }
            reached(STEP_VERIFIED);
            bundle = t.promote();
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.putAll(Json.MAPPER.convertValue(t.meta, Map.class));
            meta.putIfAbsent("name", t.name);
            try {
                onComplete.completed(bundle, id, Collections.unmodifiableMap(meta));
            } catch (Exception | LinkageError e) {
                LOG.log(Level.WARNING, "transfer " + id + ": the bundle was not taken: " + e, e);
                Files.deleteIfExists(bundle);
                done(t);
                fail(id, TransferError.HANDOVER_FAILED, "the bundle arrived intact but board " + board + " did not take it: "
                        + (e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage()));
                return;
            }
            reached(STEP_HANDED_OVER);
            Files.deleteIfExists(bundle);
            ObjectNode rec = Json.object();
            rec.put("v", 1);
            rec.put("size", t.size);
            rec.put("name", t.name);
            rec.put("ts", System.currentTimeMillis());
            AtomicFiles.write(StagedTransfer.doneFile(staging, id), Json.bytes(rec));
            reached(STEP_DONE_RECORDED);
            done(t);
            publish(id, TransferMessages.complete(id, t.size, false));
            events.completed(id, t.name, t.size);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "transfer " + id + ": finishing failed: " + e, e);
            closeQuietly(t);
            StagedTransfer.deleteFiles(staging, id);
            done(t);
            fail(id, TransferError.IO_ERROR, "board " + board + " could not check or store the received bundle: " + e
                    + "; check its disk, then send again");
        }
    }

    private void done(StagedTransfer t) {
        synchronized (lock) {
            if (active == t) {
                active = null;
            }
            finishing = false;
            finisher = null;
        }
    }

    // ---- replies ---------------------------------------------------------------------------

    private void reached(String step) {
        try {
            events.reached(step);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "transfer event listener failed: " + e, e);
        }
    }

    private void fail(String id, TransferError code, String message) {
        LOG.log(Level.WARNING, "transfer " + id + ": " + code + ": " + message);
        publish(id, TransferMessages.error(id, code, message));
        try {
            events.failed(id, code, message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "transfer event listener failed: " + e, e);
        }
    }

    /** Answers at most one error a second per transfer (a stream of bad chunks gets one answer). */
    private void failLimited(String id, TransferError code, String message) {
        long now = System.nanoTime();
        synchronized (lock) {
            Long last = lastErrorNanos.get(id);
            if (last != null && now - last < ERROR_EVERY_NANOS) {
                return;
            }
            if (lastErrorNanos.size() > 64) {
                lastErrorNanos.clear();
            }
            lastErrorNanos.put(id, now);
        }
        fail(id, code, message);
    }

    private void publish(String id, byte[] payload) {
        try {
            link.publishNoWait(TransferTopics.topic(fleet, board, id, TransferTopics.ACK), payload, Wire.QOS_RELIABLE, false);
        } catch (LinkException e) {
            // the sender times out and asks again
            LOG.log(Level.DEBUG, "transfer " + id + ": answer not sent: " + e.getMessage());
        }
    }

    private static void closeQuietly(StagedTransfer t) {
        try {
            t.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "transfer " + t.id + ": closing its files failed: " + e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + p + ": " + e);
        }
    }
}
