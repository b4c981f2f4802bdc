package dev.spindle.protocol.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The host side of a bundle transfer (docs/protocol.md, "Transfer"): sends one file to one
 * board through a {@link Link}, with a sliding window of chunks, and returns when the board has
 * verified the file and taken it. One send at a time per instance (use one per board to send to
 * several at once; they may share a link). Never call {@link #send} from a link handler.
 *
 * <h2>Algorithm (the calling thread)</h2>
 * <pre>
 * open:     publish open, again every openResendMs, until the board answers state (its bitmap),
 *           complete (it had the file) or error; while the link or the board is down: pause
 * send:     resend queue first, then the lowest chunks neither held nor in flight, until
 *           window chunks are in flight; wait for acks (an ack names the chunks it took, and
 *           `next`, below which all are held); a chunk unacknowledged for ackTimeoutMs goes
 *           to the resend queue; no ack at all for 2 x ackTimeoutMs, a reconnect of the link
 *           (connect count changed), a restart of the board (new session in its state topic)
 *           or an unknown_transfer error: open again and continue from the board's bitmap
 * complete: all chunks acked: wait for complete / error, asking with open every ackTimeoutMs
 *           (if the board lost chunks in a crash its bitmap says so and sending continues)
 * </pre>
 * Every wait is bounded (open, stall, offline, complete timeouts): a board that never answers
 * ends in {@link TransferException} with {@link TransferError#TIMEOUT}. {@link #cancel()} ends a
 * send with {@link TransferError#CANCELLED}; the board keeps its chunks for a later resume.
 *
 * <h2>Locking</h2>
 * Acks, board answers and the board's state arrive on Paho's thread (inline handlers that only
 * update fields and notify). {@code lock} guards every field of {@link Session} and
 * {@code cancelled}; chunks are read and published by the calling thread outside the lock.
 */
public final class TransferSender {
    private static final System.Logger LOG = System.getLogger(TransferSender.class.getName());
    private static final long TICK_MS = 100;

    private final Link link;
    private final String fleet;
    private final SenderOptions options;
    /** Free window slots at which an ack wakes the sending thread (a quarter of the window, at least 1). */
    private final int refillAt;

    private final Object lock = new Object();
    private Session session; // guarded by lock
    private boolean cancelled; // guarded by lock

    public TransferSender(Link link, String fleet, SenderOptions options) {
        this.link = link;
        this.fleet = Topics.checkId("fleet", fleet);
        this.options = options;
        this.refillAt = Math.max(1, options.window() / 4);
    }

    /** Ends the running {@link #send} (from any thread) with {@link TransferError#CANCELLED}. */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            lock.notifyAll();
        }
    }

    /** The SHA-256 of a file as 64 lowercase hex digits: its transfer id. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** What one send knows; every field guarded by {@code lock}. */
    private static final class Session {
        final String id;
        final long size;
        final int chunkSize;
        final int chunks;
        ChunkSet acked;
        final long[] sentAt; // nanos of the last send of an in-flight chunk, 0 when not in flight
        int inFlight;
        final ArrayDeque<Integer> sendOrder = new ArrayDeque<>(); // in-flight chunks, oldest send first
        final ArrayDeque<Integer> resend = new ArrayDeque<>();
        int cursor; // chunks below it were sent at least once since the last open
        long lastAckNanos;
        int answers; // state answers received
        ChunkSet answered; // the bitmap of the last state answer
        boolean verifying;
        boolean complete;
        boolean already;
        TransferError error;
        String errorMessage;
        Boolean boardOnline; // from the board's state topic; null: never heard
        Long boardSession;
        boolean boardRestarted;

        Session(String id, long size, int chunkSize) {
            this.id = id;
            this.size = size;
            this.chunkSize = chunkSize;
            this.chunks = StagedTransfer.chunkCount(size, chunkSize);
            this.acked = new ChunkSet(chunks);
            this.sentAt = new long[chunks];
        }

        void take(int i) {
            if (i < 0 || i >= chunks) {
                return;
            }
            if (sentAt[i] != 0) {
                sentAt[i] = 0;
                inFlight--;
            }
            if (acked.add(i)) {
                lastAckNanos = System.nanoTime();
            }
        }

        long bytesAcked() {
            long b = (long) acked.held() * chunkSize;
            if (acked.has(chunks - 1)) {
                b -= (long) chunks * chunkSize - size;
            }
            return b;
        }
    }

    /**
     * Sends {@code file} to {@code board} and waits until the board has checked and taken it.
     *
     * @param meta     copied into the open request's {@code meta} (the board's deploy code gets it); may be null
     * @param listener progress; {@link TransferListener#NONE} for none
     * @throws TransferException the board refused or failed (its code and message), a timeout, or cancel
     * @throws IOException       the file cannot be read
     */
    public TransferResult send(String board, Path file, Map<String, ?> meta, TransferListener listener)
            throws TransferException, IOException, InterruptedException {
        Topics.checkId("board", board);
        long size = Files.size(file);
        if (size == 0) {
            throw new TransferException(TransferError.BAD_REQUEST, file + " is empty: nothing to send");
        }
        String id = sha256(file);
        Session s = new Session(id, size, options.chunkSize());
        synchronized (lock) {
            if (session != null) {
                throw new IllegalStateException("this TransferSender is already sending; use one per board");
            }
            session = s;
            cancelled = false;
        }
        String ackTopic = TransferTopics.topic(fleet, board, id, TransferTopics.ACK);
        String stateTopic = Topics.state(fleet, board);
        Run run = new Run(board, file, s, meta, listener);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            link.subscribeInline(ackTopic, Wire.QOS_RELIABLE, m -> onAnswer(s, m));
            link.subscribeInline(stateTopic, Wire.QOS_RELIABLE, m -> onBoardState(s, m));
            return run.go(ch);
        } catch (LinkException e) {
            throw new TransferException(TransferError.TIMEOUT, "cannot subscribe to the board's answers: " + e.getMessage(), e);
        } finally {
            link.unsubscribe(ackTopic);
            link.unsubscribe(stateTopic);
            synchronized (lock) {
                session = null;
            }
        }
    }

    /** One send's loop; all its fields are confined to the calling thread. */
    private final class Run {
        final String board;
        final Path file;
        final Session s;
        final Map<String, ?> meta;
        final TransferListener listener;
        final String openTopic;
        final String chunkTopic;
        final long startNanos = System.nanoTime();
        long sent;
        long resent;
        int opens;
        int heldAtStart = -1;
        long ackedBySelfBase; // bytes the board held at the first open
        int openedAtConnect;
        long lastProgressNanos;

        Run(String board, Path file, Session s, Map<String, ?> meta, TransferListener listener) {
            this.board = board;
            this.file = file;
            this.s = s;
            this.meta = meta;
            this.listener = listener;
            this.openTopic = TransferTopics.topic(fleet, board, s.id, TransferTopics.OPEN);
            this.chunkTopic = TransferTopics.topic(fleet, board, s.id, TransferTopics.CHUNK);
        }

        TransferResult go(FileChannel ch) throws TransferException, InterruptedException, IOException {
            while (true) {
                if (open()) {
                    return result(sent == 0); // else this send's own complete was lost and the board said "already"
                }
                if (sendChunks(ch) && awaitComplete()) {
                    return result(false);
                }
            }
        }

        TransferResult result(boolean already) {
            return new TransferResult(s.id, board, s.size, s.chunks, Math.max(heldAtStart, 0), sent, resent, opens,
                    System.nanoTime() - startNanos, already);
        }

        /** @return true when the board already had the whole file (complete, already) */
        boolean open() throws TransferException, InterruptedException {
            byte[] request = TransferMessages.open(s.id, s.size, s.chunkSize, file.getFileName().toString(), meta,
                    options.fresh() && opens == 0);
            int seen;
            synchronized (lock) {
                seen = s.answers;
                s.error = null;
                s.boardRestarted = false;
            }
            long since = System.nanoTime();
            long lastSend = 0;
            while (true) {
                synchronized (lock) {
                    checkCancelled();
                    if (s.complete) {
                        return true;
                    }
                    if (s.error != null) {
                        throw boardError();
                    }
                    if (s.answers > seen) {
                        s.acked = s.answered.copy();
                        java.util.Arrays.fill(s.sentAt, 0);
                        s.inFlight = 0;
                        s.sendOrder.clear();
                        s.resend.clear();
                        s.cursor = 0;
                        s.lastAckNanos = System.nanoTime();
                        s.boardRestarted = false;
                        break;
                    }
                }
                if (awaitOnline()) {
                    since = System.nanoTime();
                    lastSend = 0;
                }
                long now = System.nanoTime();
                if (lastSend == 0 || now - lastSend >= ms(options.openResendMs())) {
                    try {
                        link.publishNoWait(openTopic, request, Wire.QOS_RELIABLE, false);
                    } catch (LinkException e) {
                        LOG.log(Level.DEBUG, "open not sent: " + e.getMessage());
                    }
                    lastSend = now;
                }
                if (now - since >= ms(options.openTimeoutMs())) {
                    throw new TransferException(TransferError.TIMEOUT, "board " + board + " did not answer the transfer request within "
                            + options.openTimeoutMs() / 1000 + " s: is it online (spindle boards) and does its agent take deploys?");
                }
                waitTick(ms(TICK_MS));
            }
            opens++;
            openedAtConnect = link.connectCount();
            TransferProgress p = progress();
            if (heldAtStart < 0) {
                heldAtStart = p.chunksAcked();
                ackedBySelfBase = p.bytesAcked();
            }
            listener.opened(p, p.chunksAcked() > 0);
            return false;
        }

        /** @return true when every chunk is acknowledged; false when the board must be asked again (open) */
        boolean sendChunks(FileChannel ch) throws TransferException, InterruptedException, IOException {
            int[] batch = new int[options.window()];
            while (true) {
                int n = 0;
                long now = System.nanoTime();
                synchronized (lock) {
                    checkCancelled();
                    if (s.error != null) {
                        if (s.error == TransferError.UNKNOWN_TRANSFER) {
                            return false; // the board restarted or dropped it: open again
                        }
                        throw boardError();
                    }
                    if (s.acked.isComplete()) {
                        return true;
                    }
                    if (needsOpen()) {
                        return false;
                    }
                    if (s.inFlight > 0 && now - s.lastAckNanos >= 2 * ms(options.ackTimeoutMs())) {
                        LOG.log(Level.DEBUG, "no ack from " + board + " for " + 2 * options.ackTimeoutMs() + " ms; asking for its bitmap");
                        return false;
                    }
                    if (now - s.lastAckNanos >= ms(options.stallTimeoutMs())) {
                        throw new TransferException(TransferError.TIMEOUT, "board " + board + " acknowledged no chunk for "
                                + options.stallTimeoutMs() / 1000 + " s (" + s.acked.held() + " of " + s.chunks
                                + " held); is it online and its disk working? Send again to resume");
                    }
                    expire(now);
                    while (s.inFlight < options.window()) {
                        int i = nextToSend();
                        if (i < 0) {
                            break;
                        }
                        s.sentAt[i] = now;
                        s.inFlight++;
                        s.sendOrder.add(i);
                        batch[n++] = i;
                    }
                    if (n == 0) {
                        long wait = TICK_MS;
                        Integer head = s.sendOrder.peek();
                        if (head != null && s.sentAt[head] != 0) {
                            wait = Math.max(1, Math.min(wait, TimeUnit.NANOSECONDS.toMillis(
                                    s.sentAt[head] + ms(options.ackTimeoutMs()) - now)));
                        }
                        lock.wait(wait);
                    }
                }
                for (int k = 0; k < n; k++) {
                    if (!publishChunk(ch, batch[k])) {
                        synchronized (lock) {
                            for (int j = k; j < n; j++) {
                                int i = batch[j];
                                if (s.sentAt[i] != 0) {
                                    s.sentAt[i] = 0;
                                    s.inFlight--;
                                    s.resend.addFirst(i);
                                }
                            }
                        }
                        waitTick(ms(10)); // Paho full or the link went down: the next round sorts it out
                        break;
                    }
                }
                maybeProgress();
            }
        }

        /** Under lock: true after a reconnect of the link, while it is down, or when the board went away or restarted. */
        private boolean needsOpen() {
            return link.connectCount() != openedAtConnect || !link.isConnected() || Boolean.FALSE.equals(s.boardOnline)
                    || s.boardRestarted;
        }

        /** Under lock: chunks in flight longer than the ack timeout go to the resend queue. */
        private void expire(long now) {
            long limit = ms(options.ackTimeoutMs());
            while (!s.sendOrder.isEmpty()) {
                int i = s.sendOrder.peek();
                if (s.sentAt[i] == 0) {
                    s.sendOrder.poll(); // acknowledged
                } else if (now - s.sentAt[i] >= limit) {
                    s.sendOrder.poll();
                    s.sentAt[i] = 0;
                    s.inFlight--;
                    s.resend.add(i);
                } else {
                    break;
                }
            }
        }

        /** Under lock: the next chunk to publish, or -1. */
        private int nextToSend() {
            while (!s.resend.isEmpty()) {
                int i = s.resend.poll();
                if (!s.acked.has(i) && s.sentAt[i] == 0) {
                    resent++;
                    return i;
                }
            }
            while (s.cursor < s.chunks) {
                int i = s.acked.nextMissing(s.cursor);
                if (i >= s.chunks) {
                    s.cursor = s.chunks;
                    return -1;
                }
                s.cursor = i + 1;
                if (s.sentAt[i] == 0) {
                    return i;
                }
            }
            return -1;
        }

        private boolean publishChunk(FileChannel ch, int i) throws IOException {
            long off = (long) i * s.chunkSize;
            int len = (int) Math.min(s.chunkSize, s.size - off);
            byte[] p = ChunkHeader.payload(i, len);
            ByteBuffer b = ByteBuffer.wrap(p, ChunkHeader.LENGTH, len);
            while (b.hasRemaining()) {
                if (ch.read(b, off + b.position() - ChunkHeader.LENGTH) < 0) {
                    throw new IOException(file + " became shorter while it was being sent");
                }
            }
            try {
                link.publishNoWait(chunkTopic, p, Wire.QOS_RELIABLE, false);
                sent++;
                return true;
            } catch (LinkException e) {
                LOG.log(Level.DEBUG, "chunk " + i + " not sent: " + e.getMessage());
                return false;
            }
        }

        /** @return true when the board took the file; false when chunks are missing again (send more) */
        boolean awaitComplete() throws TransferException, InterruptedException {
            listener.verifying(progress());
            long since = System.nanoTime();
            long lastAsk = since;
            while (true) {
                synchronized (lock) {
                    checkCancelled();
                    if (s.complete) {
                        return true;
                    }
                    if (s.error != null) {
                        if (s.error == TransferError.UNKNOWN_TRANSFER) {
                            return false;
                        }
                        throw boardError();
                    }
                    if (needsOpen()) {
                        return false;
                    }
                }
                long now = System.nanoTime();
                if (now - since >= ms(options.completeTimeoutMs())) {
                    throw new TransferException(TransferError.TIMEOUT, "board " + board + " has every chunk but did not confirm the bundle within "
                            + options.completeTimeoutMs() / 1000 + " s (it checks the SHA-256 and hands it to its deploy code); see its events");
                }
                if (now - lastAsk >= ms(options.ackTimeoutMs())) {
                    return false; // open again: answers complete, verifying, or the chunks it lost
                }
                waitTick(ms(TICK_MS));
            }
        }

        /**
         * Waits while the link is down or the board offline, bounded by the offline timeout.
         *
         * @return true when it waited
         */
        private boolean awaitOnline() throws TransferException, InterruptedException {
            long since = System.nanoTime();
            boolean told = false;
            while (true) {
                String why;
                synchronized (lock) {
                    checkCancelled();
                    why = !link.isConnected() ? "not connected to the broker " + link.serverUri() + " (the link retries)"
                            : Boolean.FALSE.equals(s.boardOnline) ? "board " + board + " is offline" : null;
                }
                if (why == null) {
                    return told;
                }
                if (!told) {
                    listener.paused(why);
                    told = true;
                }
                if (System.nanoTime() - since >= ms(options.offlineTimeoutMs())) {
                    throw new TransferException(TransferError.TIMEOUT, "gave up after " + options.offlineTimeoutMs() / 1000
                            + " s: " + why + "; send again later to resume where it stopped");
                }
                waitTick(ms(TICK_MS));
            }
        }

        private void waitTick(long nanos) throws InterruptedException {
            synchronized (lock) {
                TimeUnit.NANOSECONDS.timedWait(lock, nanos);
            }
        }

        /** Under lock. */
        private void checkCancelled() throws TransferException {
            if (cancelled) {
                try {
                    link.publishNoWait(TransferTopics.topic(fleet, board, s.id, TransferTopics.CANCEL),
                            TransferMessages.cancel(s.id), Wire.QOS_RELIABLE, false);
                } catch (LinkException e) {
                    LOG.log(Level.DEBUG, "cancel not sent: " + e.getMessage());
                }
                throw new TransferException(TransferError.CANCELLED, "transfer of " + file.getFileName() + " to " + board
                        + " cancelled; the board keeps " + s.acked.held() + " of " + s.chunks + " chunks for a resume");
            }
        }

        /** Under lock. */
        private TransferException boardError() {
            return new TransferException(s.error, "board " + board + " refused or failed the transfer (" + s.error + "): "
                    + s.errorMessage);
        }

        private void maybeProgress() {
            long now = System.nanoTime();
            if (now - lastProgressNanos >= ms(options.progressEveryMs())) {
                lastProgressNanos = now;
                listener.progress(progress());
            }
        }

        TransferProgress progress() {
            synchronized (lock) {
                long elapsed = System.nanoTime() - startNanos;
                long bytes = s.bytesAcked();
                double rate = elapsed == 0 ? 0 : Math.max(0, bytes - ackedBySelfBase) * 1e9 / elapsed;
                return new TransferProgress(s.id, board, s.size, bytes, s.chunks, s.acked.held(), sent, resent,
                        opens, rate, TimeUnit.NANOSECONDS.toMillis(elapsed));
            }
        }
    }

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    // ---- handlers on Paho's thread: parse, update, notify; never block or publish ----------

    private void onAnswer(Session s, Inbound m) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(m.payload());
        } catch (IOException e) {
            return;
        }
        if (n == null || !s.id.equals(n.path("transfer").asText())) {
            return;
        }
        synchronized (lock) {
            switch (n.path("type").asText()) {
                case TransferMessages.TYPE_ACK -> {
                    for (JsonNode g : n.path("got")) {
                        s.take(g.asInt(-1));
                    }
                    int next = Math.min(n.path("next").asInt(0), s.chunks);
                    for (int i = s.acked.firstMissing(); i < next; i = s.acked.nextMissing(i + 1)) {
                        s.take(i);
                    }
                    if (s.inFlight > options.window() - refillAt && !s.acked.isComplete()) {
                        return; // the sender refills when a quarter of the window is free: fewer wake-ups
                    }
                }
                case TransferMessages.TYPE_STATE -> {
                    if (n.path("size").asLong() != s.size || n.path("chunk_size").asInt() != s.chunkSize) {
                        s.error = TransferError.BAD_REQUEST;
                        s.errorMessage = "the board answered for size " + n.path("size") + " / chunk size "
                                + n.path("chunk_size") + ", not " + s.size + " / " + s.chunkSize;
                    } else {
                        try {
                            s.answered = ChunkSet.fromBase64(s.chunks, n.path("have").asText(""));
                            s.verifying = n.path("verifying").asBoolean(false);
                            s.answers++;
                        } catch (IllegalArgumentException e) {
                            s.error = TransferError.BAD_REQUEST;
                            s.errorMessage = "the board's chunk bitmap is unreadable: " + e.getMessage();
                        }
                    }
                }
                case TransferMessages.TYPE_COMPLETE -> {
                    s.complete = true;
                    s.already = n.path("already").asBoolean(false);
                }
                case TransferMessages.TYPE_ERROR -> {
                    s.error = TransferError.fromWire(n.path("error").path("code").asText());
                    s.errorMessage = n.path("error").path("message").asText("");
                }
                default -> {
                    return;
                }
            }
            lock.notifyAll();
        }
    }

    private void onBoardState(Session s, Inbound m) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(m.payload());
        } catch (IOException e) {
            return;
        }
        if (n == null || !n.path("online").isBoolean()) {
            return;
        }
        synchronized (lock) {
            boolean online = n.path("online").asBoolean();
            JsonNode sess = n.path("session");
            if (online && sess.canConvertToLong()) {
                long v = sess.asLong();
                if (s.boardSession != null && s.boardSession != v) {
                    s.boardRestarted = true;
                }
                s.boardSession = v;
            }
            s.boardOnline = online;
            lock.notifyAll();
        }
    }
}
