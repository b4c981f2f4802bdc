package dev.spindle.protocol.mqtt;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The payloads of the PUBLISH packets that {@link PayloadBypass} took out of a link's inbound
 * stream, each under the 8-byte token that Paho carries in its place, until the link's
 * {@code messageArrived} takes it back.
 *
 * <p>Thread-safety: tokens come from one counter; the map is concurrent (the socket's reader,
 * Paho's receiving thread, puts; Paho's callback thread takes).
 */
final class InboundPayloads {
    static final int TOKEN_BYTES = 8;
    /**
     * Tokens further back than this are forgotten at a connect ({@link #forgetOlderThanRecent()}):
     * Paho drops the packets it decoded but had not delivered when a connection ends (at most its
     * inbound queue of 10, and the in-flight window), so their payloads would stay here forever.
     */
    static final long KEEP_RECENT = 100_000;

    private final AtomicLong next = new AtomicLong(1);
    private final ConcurrentHashMap<Long, byte[]> waiting = new ConcurrentHashMap<>();

    /** Keeps {@code payload}; @return its token, to be written into the packet in its place */
    long put(byte[] payload) {
        long token = next.getAndIncrement();
        waiting.put(token, payload);
        return token;
    }

    /**
     * @param carried the payload Paho delivered: a token written by {@link PayloadBypass}
     * @return the payload kept under it
     * @throws IllegalStateException when {@code carried} is not a token this store gave out
     */
    byte[] take(byte[] carried) {
        if (carried.length != TOKEN_BYTES) {
            throw new IllegalStateException("a message without its payload token (" + carried.length + " bytes)");
        }
        long token = 0;
        for (byte b : carried) {
            token = token << 8 | (b & 0xff);
        }
        byte[] payload = waiting.remove(token);
        if (payload == null) {
            throw new IllegalStateException("no payload under token " + token);
        }
        return payload;
    }

    /** Forgets the payloads of packets Paho dropped with an ended connection (see {@link #KEEP_RECENT}). */
    void forgetOlderThanRecent() {
        long oldest = next.get() - KEEP_RECENT;
        waiting.keySet().removeIf(t -> t < oldest);
    }

    /** @return how many payloads wait for their messages */
    int waiting() {
        return waiting.size();
    }
}
