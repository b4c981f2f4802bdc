package dev.spindle.protocol.mqtt;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Paho's inbound stream with each PUBLISH packet's payload taken out: Paho is given the packet
 * with an 8-byte token in place of the payload, the payload waits in {@link InboundPayloads},
 * and the link's {@code messageArrived} swaps it back. Every other packet passes unchanged.
 *
 * <h2>Why</h2>
 * Paho 1.2.5 decodes each received packet by copying it twice, byte by byte, through a
 * {@code ByteArrayInputStream} whose {@code read()} is synchronized: once the whole packet
 * ({@code MqttWireMessage.createWireMessage}), then the payload ({@code MqttPublish}'s
 * constructor). Since the JVM dropped biased locking (JDK 15) each byte costs an atomic
 * instruction, all on Paho's single receiving thread: JFR put 88 % of that thread's samples in
 * those copies, and it capped {@code spindle monitor} at 0.6x the messages per second of
 * {@code mosquitto_sub} (docs/benchmarks.md). Here the payload is read once, in bulk.
 *
 * <h2>How</h2>
 * MQTT 3.1.1 framing: a fixed header byte (type in the high nibble; PUBLISH is 3 with QoS in bits
 * 1-2), the remaining length (1-4 bytes, 7 bits each, low first), then for a PUBLISH the topic
 * (2-byte length, UTF-8) and, at QoS 1 or 2, a 2-byte packet id; the payload is the rest. A PUBLISH
 * is read whole: {@code pending} holds the rewritten packet (header, new length, topic, packet id,
 * token) until Paho has read it, and the payload goes into its own array in one bulk read. For any
 * other packet {@code pending} holds its header and {@code passThrough} counts the body bytes
 * still to pass as they are. A PUBLISH whose topic length runs past the packet passes unchanged,
 * for Paho to reject as it would without this stream.
 *
 * <p>Thread-safety: only Paho's receiving thread reads (Paho is the socket's only reader).
 */
final class PayloadBypass extends InputStream {
    private static final int PUBLISH = 3;

    private final InputStream in;
    private final InboundPayloads payloads;
    private byte[] pending = new byte[0];
    private int pendingPos;
    private long passThrough;

    PayloadBypass(InputStream in, InboundPayloads payloads) {
        this.in = in;
        this.payloads = payloads;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pendingPos == pending.length && passThrough == 0 && !nextPacket()) {
            return -1;
        }
        if (pendingPos < pending.length) {
            int n = Math.min(len, pending.length - pendingPos);
            System.arraycopy(pending, pendingPos, b, off, n);
            pendingPos += n;
            return n;
        }
        int n = in.read(b, off, (int) Math.min(len, passThrough));
        if (n < 0) {
            throw new EOFException("the connection ended inside a packet");
        }
        passThrough -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        int buffered = pending.length - pendingPos;
        return buffered > 0 ? buffered : in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the next packet's header (and a PUBLISH whole); @return false at the end of the stream between packets */
    private boolean nextPacket() throws IOException {
        int first = in.read();
        if (first < 0) {
            return false;
        }
        int remaining = 0;
        int lengthBytes = 0;
        int digit;
        do {
            digit = in.read();
            if (digit < 0) {
                throw new EOFException("the connection ended inside a packet header");
            }
            remaining |= (digit & 0x7f) << (7 * lengthBytes);
            lengthBytes++;
        } while ((digit & 0x80) != 0 && lengthBytes < 4);
        if ((first >> 4) != PUBLISH) {
            pending = header(first, remaining, 0);
            pendingPos = 0;
            passThrough = remaining;
            return true;
        }
        int qos = (first >> 1) & 0x3;
        byte[] topicLength = readUpTo(2, remaining);
        int variable = topicLength.length == 2
                ? 2 + ((topicLength[0] & 0xff) << 8 | (topicLength[1] & 0xff)) + (qos > 0 ? 2 : 0)
                : Integer.MAX_VALUE;
        if (variable > remaining) { // malformed: passes as it came, for Paho to reject
            pending = header(first, remaining, topicLength.length);
            System.arraycopy(topicLength, 0, pending, pending.length - topicLength.length, topicLength.length);
            pendingPos = 0;
            passThrough = remaining - topicLength.length;
            return true;
        }
        int rewritten = variable + InboundPayloads.TOKEN_BYTES;
        pending = header(first, rewritten, rewritten);
        int p = pending.length - rewritten;
        pending[p++] = topicLength[0];
        pending[p++] = topicLength[1];
        readFully(pending, p, variable - 2); // topic and packet id
        p += variable - 2;
        byte[] payload = new byte[remaining - variable];
        readFully(payload, 0, payload.length); // in bulk: the copy Paho would make byte by byte
        long token = payloads.put(payload);
        for (int shift = 56; shift >= 0; shift -= 8) {
            pending[p++] = (byte) (token >>> shift);
        }
        pendingPos = 0;
        passThrough = 0;
        return true;
    }

    /** Reads {@code n} bytes, or fewer when the packet has only {@code remaining} left. */
    private byte[] readUpTo(int n, int remaining) throws IOException {
        byte[] b = new byte[Math.min(n, remaining)];
        readFully(b, 0, b.length);
        return b;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        if (in.readNBytes(b, off, len) < len) {
            throw new EOFException("the connection ended inside a PUBLISH packet");
        }
    }

    /** A fixed header for {@code remaining} bytes, in an array with room for {@code room} more. */
    private static byte[] header(int first, int remaining, int room) {
        byte[] length = new byte[4];
        int n = 0;
        int x = remaining;
        do {
            int digit = x & 0x7f;
            x >>>= 7;
            length[n++] = (byte) (x > 0 ? digit | 0x80 : digit);
        } while (x > 0);
        byte[] h = new byte[1 + n + room];
        h[0] = (byte) first;
        System.arraycopy(length, 0, h, 1, n);
        return h;
    }
}
