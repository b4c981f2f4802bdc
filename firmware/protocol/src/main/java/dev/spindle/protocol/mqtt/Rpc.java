package dev.spindle.protocol.mqtt;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends command requests to boards and waits for their replies (host side). Replies come on
 * {@code spindle/v1/{fleet}/_reply/{clientId}}; a request not answered within the resend interval
 * is sent again with the same id (the board answers a repeated id from its reply cache, so a
 * command never runs twice).
 *
 * <p>Thread-safe. Replies are taken on Paho's receiving thread ({@link Link#subscribeInline}), so
 * {@link #call} works from any thread but that one: never call it from an inline handler, which
 * would wait for itself.
 *
 * <h2>The path of a call, and what it costs (docs/benchmarks.md, "MQTT")</h2>
 * The caller writes the request bytes (without a JSON tree when there are no arguments), hands
 * them to Paho without waiting for the PUBACK ({@link Link#publishNoWait}) and parks on a future
 * registered under the id. Paho's receiving thread parses the reply, looks the id up and completes
 * the future, which unparks the caller: two thread hand-offs on the caller's side, as a raw Paho
 * caller has them (publish to Paho's sender thread, reply from Paho's callback thread to the
 * caller). {@code pending} (a concurrent map) holds one future per waiting id: calls with the same
 * id share it, the first reply completes it, later copies of it are ignored.
 */
public final class Rpc {
    private final Link link;
    private final String fleet;
    private final String replyTopic;
    private final RequestIds ids;
    /** {@code {"v":1,"id":"} and {@code ","reply":"<topic>"}}: a request without arguments is these around the id */
    private final byte[] requestHead;
    private final byte[] requestTail;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private volatile long resendEveryMs = 2000;

    /** Subscribes to the reply topic (now if connected, and at every connect). */
    public Rpc(Link link, String fleet) throws LinkException {
        this.link = link;
        this.fleet = fleet;
        this.replyTopic = Topics.replyTopic(fleet, link.clientId());
        this.ids = new RequestIds(link.clientId() + "-");
        this.requestHead = ("{\"v\":" + Wire.VERSION + ",\"id\":\"").getBytes(StandardCharsets.UTF_8);
        this.requestTail = ("\",\"reply\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(replyTopic))
                + "\"}").getBytes(StandardCharsets.UTF_8);
        // inline: onReply only completes a future; saves a thread hand-off per call
        link.subscribeInline(replyTopic, Wire.QOS_RELIABLE, this::onReply);
    }

    public String replyTopic() {
        return replyTopic;
    }

    public void setResendEveryMs(long ms) {
        resendEveryMs = ms;
    }

    /** A fresh request id, unique for this client: a counter and 64 random bits ({@link RequestIds}). */
    public String newId() {
        return ids.next();
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
        return callRaw(Topics.cmd(fleet, board, command), id, requestBytes(id, args), timeoutMs);
    }

    /**
     * The request as sent: the bytes of {@link Request#build}{@code (id, replyTopic(), args)}; without
     * arguments written directly (the same bytes, no JSON tree: this is on every call's path).
     */
    byte[] requestBytes(String id, Map<String, ?> args) {
        if (args != null && !args.isEmpty()) {
            return Request.build(id, replyTopic, args).toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(id);
        byte[] b = Arrays.copyOf(requestHead, requestHead.length + quoted.length + requestTail.length);
        System.arraycopy(quoted, 0, b, requestHead.length, quoted.length);
        System.arraycopy(requestTail, 0, b, requestHead.length + quoted.length, requestTail.length);
        return b;
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
