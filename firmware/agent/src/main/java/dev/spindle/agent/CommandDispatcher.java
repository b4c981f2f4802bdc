package dev.spindle.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import java.util.List;
import java.util.Map;

/**
 * Runs the requests that arrive on {@code cmd/{name}} and answers each (docs/agent.md,
 * "Commands"). Subscribed with {@link Link#subscribeInlineFirst}: {@link #tryInline} on Paho's
 * receiving thread, {@link #onWorker} on the link's worker thread.
 *
 * <h2>Two paths</h2>
 * <ul>
 * <li>Inline, for a well-formed request of a {@link Command#quick quick} command (most round
 *     trips: {@code ping}, {@code info}, {@code gpio.read}, {@code threads}): parse, claim the id,
 *     run, store the reply, publish it with {@link Link#publishNoWait} (never waits for the
 *     PUBACK, so Paho's thread cannot deadlock). This saves the hand-off to the worker, a thread
 *     wake-up that was a third of a round trip on a loaded machine (docs/benchmarks.md).</li>
 * <li>Worker, for everything else: commands that may block, unknown commands, malformed or
 *     oversized requests (error reply and a {@code bad_request} event, as before), and whatever
 *     the inline path declined. Replies are published with {@link Link#publish} (waits for the
 *     PUBACK).</li>
 * </ul>
 * A quick command's error reply (say {@code gpio.read} of an unknown pin) is answered inline too;
 * its {@code bad_request} event then goes into the outbox from Paho's thread (a small file write,
 * bounded, waiting for no one).
 * When the inline publish fails (Paho's in-flight window full, reason 32202, or not connected),
 * the reply is already in the {@link ReplyCache}; the message is declined, and the worker finds
 * the id answered and publishes the stored reply, waiting for the PUBACK. The command does not
 * run again.
 *
 * <h2>Exactly once per id, across both threads</h2>
 * Every path goes through {@link ReplyCache#claim}: only the thread that claims a new id runs it;
 * a stored reply is sent again; a copy that comes while the id runs on the other thread is
 * parked and answered by the runner. No lock is held while a command runs or a reply is
 * published. {@code commands} is filled before the link starts and only read afterwards.
 */
final class CommandDispatcher {
    /** What the agent does on bad input: a log line and a {@code bad_request} event. */
    @FunctionalInterface
    interface BadInput {
        void report(String command, ErrorCode code, String message, String id);
    }

    private final Link link;
    private final Map<String, Command> commands;
    private final ReplyCache replies;
    private final BadInput badInput;
    private final LogRing log;

    /** @param commands read only after the link started (the agent fills it before) */
    CommandDispatcher(Link link, Map<String, Command> commands, ReplyCache replies, BadInput badInput, LogRing log) {
        this.link = link;
        this.commands = commands;
        this.replies = replies;
        this.badInput = badInput;
        this.log = log;
    }

    /**
     * Paho's receiving thread: answers a well-formed request of a quick command.
     *
     * @return true when handled (answered, or parked behind a running copy); false to pass it to {@link #onWorker}
     */
    boolean tryInline(Inbound m) {
        if (m.payload().length > Wire.MAX_REQUEST_BYTES) {
            return false; // the worker answers "too large" (and does not parse a huge payload here)
        }
        String name = commandName(m);
        Command c = commands.get(name);
        if (c == null || !c.isQuick()) {
            return false;
        }
        Request req;
        try {
            req = Request.parse(name, m.payload(), Wire.MAX_REQUEST_BYTES);
        } catch (Request.Invalid e) {
            return false; // the worker parses it again and sends the error reply and event
        }
        ReplyCache.Claim claim = replies.claim(req.id(), req.reply());
        switch (claim.kind()) {
            case CACHED:
                return sendNoWait(req.reply(), claim.reply());
            case RUNNING:
                return true;
            default:
                byte[] reply = run(name, c, req);
                List<String> parked = replies.complete(req.id(), reply);
                for (String topic : parked) {
                    if (!sendNoWait(topic, reply)) {
                        log.log("warning", "reply to " + topic + " not sent; a resent request gets it from the cache");
                    }
                }
                // not sent: declined, so the worker sends the stored reply (waiting for the PUBACK)
                return sendNoWait(req.reply(), reply);
        }
    }

    /** The link's worker thread: every request the inline path did not handle. */
    void onWorker(Inbound m) {
        String name = commandName(m);
        Request req;
        try {
            req = Request.parse(name, m.payload(), Wire.MAX_REQUEST_BYTES);
        } catch (Request.Invalid e) {
            badInput.report(name, e.code(), e.getMessage(), e.id());
            if (e.reply() != null) {
                send(e.reply(), Json.bytes(Reply.error(e.id(), e.code(), e.getMessage())));
            }
            return;
        }
        ReplyCache.Claim claim = replies.claim(req.id(), req.reply());
        switch (claim.kind()) {
            case CACHED:
                send(req.reply(), claim.reply());
                return;
            case RUNNING:
                return;
            default:
                byte[] reply = run(name, commands.get(name), req);
                List<String> parked = replies.complete(req.id(), reply);
                send(req.reply(), reply);
                for (String topic : parked) {
                    send(topic, reply);
                }
        }
    }

    private static String commandName(Inbound m) {
        return Topics.parse(m.topic()).map(Topics.Parsed::command).orElse("?");
    }

    /**
     * Runs a claimed request; always ends the claim: with the reply, or (an {@link Error} that is
     * not a {@link LinkageError} escaping) by giving it back.
     *
     * @param c null for an unknown command
     * @return the reply, already stored
     */
    private byte[] run(String name, Command c, Request req) {
        boolean done = false;
        try {
            ObjectNode reply;
            if (c == null) {
                String msg = "no command '" + name + "' on this board; it has: " + String.join(", ", commands.keySet());
                badInput.report(name, ErrorCode.UNKNOWN_COMMAND, msg, req.id());
                reply = Reply.error(req.id(), ErrorCode.UNKNOWN_COMMAND, msg);
            } else {
                try {
                    reply = Reply.ok(req.id(), c.run(req));
                } catch (ProtocolException e) {
                    if (e.code() == ErrorCode.BAD_REQUEST) {
                        badInput.report(name, e.code(), e.getMessage(), req.id());
                    }
                    reply = Reply.error(req.id(), e.code(), e.getMessage());
                } catch (RuntimeException | LinkageError e) {
                    log.log("error", "command " + name + " failed: " + e);
                    reply = Reply.error(req.id(), ErrorCode.INTERNAL, "command " + name + " failed on the board: " + e);
                }
            }
            byte[] bytes = Json.bytes(reply);
            done = true;
            return bytes;
        } finally {
            if (!done) {
                replies.abandon(req.id());
            }
        }
    }

    /** Inline: @return true when Paho took the reply */
    private boolean sendNoWait(String topic, byte[] reply) {
        try {
            link.publishNoWait(topic, reply, Wire.QOS_RELIABLE, false);
            return true;
        } catch (LinkException e) {
            return false;
        }
    }

    private void send(String topic, byte[] reply) {
        try {
            link.publish(topic, reply, Wire.QOS_RELIABLE, false);
        } catch (LinkException e) {
            log.log("warning", "reply to " + topic + " not sent (" + e.getMessage() + "); a resent request gets it from the cache");
        }
    }
}
