package dev.spindle.protocol.mqtt;

import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends command requests to boards and waits for their replies (host side). Replies come on
 * {@code spindle/v1/{fleet}/_reply/{clientId}}; a request not answered within the resend interval
 * is sent again with the same id (the board answers a repeated id from its reply cache, so a
 * command never runs twice).
 *
 * <p>Thread-safe. Replies are taken on Paho's receiving thread ({@link Link#subscribeInline}), so
 * {@link #call} works from any thread but that one: never call it from an inline handler, which
 * would wait for itself.
 */
public final class Rpc {
    private final Link link;
    private final String fleet;
    private final String replyTopic;
    private final String idPrefix;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private volatile long resendEveryMs = 2000;

    /** Subscribes to the reply topic (now if connected, and at every connect). */
    public Rpc(Link link, String fleet) throws LinkException {
        this.link = link;
        this.fleet = fleet;
        this.replyTopic = Topics.replyTopic(fleet, link.clientId());
        this.idPrefix = link.clientId() + "-";
        // inline: onReply only completes a future; saves a thread hand-off per call
        link.subscribeInline(replyTopic, Wire.QOS_RELIABLE, this::onReply);
    }

    public String replyTopic() {
        return replyTopic;
    }

    public void setResendEveryMs(long ms) {
        resendEveryMs = ms;
    }

    /**
     * A fresh request id, unique for this client: a counter and 64 random bits. The random part
     * matters under a per-board ACL (docs/security.md): boards may publish to every reply topic of
     * the fleet, so a compromised board could answer requests meant for other boards if it could
     * guess their ids; it sees only the requests sent to itself.
     */
    public String newId() {
        return idPrefix + nextId.getAndIncrement() + "-" + String.format("%016x", RANDOM.nextLong());
    }

    /** {@link #call(String, String, String, Map, long)} with a fresh id. */
    public Reply call(String board, String command, Map<String, ?> args, long timeoutMs)
            throws ProtocolException, InterruptedException {
        return call(board, command, newId(), args, timeoutMs);
    }

    /**
     * Sends {@code command} to {@code board} and waits for its reply.
     *
     * @return the reply, {@code ok} or not
     * @throws ProtocolException with {@link ErrorCode#TIMEOUT} when no reply came within {@code timeoutMs}
     */
    public Reply call(String board, String command, String id, Map<String, ?> args, long timeoutMs)
            throws ProtocolException, InterruptedException {
        byte[] payload = Request.build(id, replyTopic, args).toString().getBytes(StandardCharsets.UTF_8);
        return callRaw(Topics.cmd(fleet, board, command), id, payload, timeoutMs);
    }

    /** Sends a prepared payload (tests use it for malformed requests) and waits for the reply with {@code id}. */
    public Reply callRaw(String topic, String id, byte[] payload, long timeoutMs)
            throws ProtocolException, InterruptedException {
        CompletableFuture<Reply> f = pending.computeIfAbsent(id, k -> new CompletableFuture<>());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String lastError = null;
        try {
            while (true) {
                try {
                    // no wait for the PUBACK: the reply says it arrived, and an unanswered request is sent again
                    link.publishNoWait(topic, payload, Wire.QOS_RELIABLE, false);
                    lastError = null;
                } catch (LinkException e) {
                    lastError = e.getMessage();
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    return f.get(Math.min(left, resendEveryMs), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        break;
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            throw new ProtocolException(ErrorCode.TIMEOUT, "no reply on " + topic + " within " + timeoutMs
                    + " ms: is the board online (spindle boards) and the broker reachable?"
                    + (lastError == null ? "" : " Last send error: " + lastError));
        } finally {
            pending.remove(id, f);
        }
    }

    private void onReply(Inbound m) {
        Reply r;
        try {
            r = Reply.parse(m.payload());
        } catch (ProtocolException e) {
            return; // not a reply of ours; nothing to answer
        }
        if (r.id() != null) {
            CompletableFuture<Reply> f = pending.get(r.id());
            if (f != null) {
                f.complete(r);
            }
        }
    }
}
