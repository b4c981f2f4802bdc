package dev.spindle.protocol.mqtt;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

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
 * is read whole into {@code body}, in bulk; then {@code pending} holds the rewritten packet
 * (header, new length, topic, packet id, token) until Paho has read it, and the payload goes to
 * {@link InboundPayloads}. For any other packet {@code pending} holds its header and
 * {@code passThrough} counts the body bytes still to pass as they are. A PUBLISH whose topic
 * length runs past the packet passes unchanged, for Paho to reject as it would without this
 * stream.
 *
 * <h2>Read timeouts</h2>
 * Paho sets a 1 s read timeout on its socket and reads again after a
 * {@link java.net.SocketTimeoutException}, keeping what it had read of a packet. So this stream
 * keeps its progress in fields ({@code head}, {@code body} and their positions) and a timeout
 * leaves the stream where it was: the next read goes on with the same packet. (A 64 KiB deploy
 * chunk on a slow link takes longer than 1 s to arrive.)
 *
 * <p>Thread-safety: only Paho's receiving thread reads (Paho is the socket's only reader).
 */
final class PayloadBypass extends InputStream {
    private static final int PUBLISH = 3;

    private final InputStream in;
    private final InboundPayloads payloads;
    /** Bytes of the current packet ready for Paho, from {@code pendingPos} on. */
    private byte[] pending = new byte[0];
    private int pendingPos;
    /** Body bytes of a packet other than PUBLISH still to pass through unchanged. */
    private long passThrough;
    /** The fixed header read so far (type byte, then 1-4 length bytes); {@code headLen} 0: between packets. */
    private final byte[] head = new byte[5];
    private int headLen;
    /** The body of the PUBLISH being read (after its fixed header), null while none is. */
    private byte[] body;
    private int bodyPos;
    /** For {@link #read()}: Paho reads each packet's header bytes one at a time (its only reader, one thread). */
    private final byte[] one = new byte[1];

    PayloadBypass(InputStream in, InboundPayloads payloads) {
        this.in = in;
        this.payloads = payloads;
    }

    @Override
    public int read() throws IOException {
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

    /**
     * Reads the next packet's fixed header (and a PUBLISH whole), going on from where a read
     * timeout stopped the last call.
     *
     * @return false at the end of the stream between packets
     */
    private boolean nextPacket() throws IOException {
        if (body == null) {
            while (!headerComplete()) {
                int c = in.read();
                if (c < 0) {
                    if (headLen == 0) {
                        return false;
                    }
                    throw new EOFException("the connection ended inside a packet header");
                }
                head[headLen++] = (byte) c;
            }
            int remaining = 0;
            for (int i = 1; i < headLen; i++) {
                remaining |= (head[i] & 0x7f) << (7 * (i - 1));
            }
            int first = head[0] & 0xff;
            if ((first >> 4) != PUBLISH) {
                pending = Arrays.copyOf(head, headLen);
                pendingPos = 0;
                passThrough = remaining;
                headLen = 0;
                return true;
            }
            body = new byte[remaining];
            bodyPos = 0;
        }
        while (bodyPos < body.length) { // in bulk: the copy Paho would make byte by byte
            int n = in.read(body, bodyPos, body.length - bodyPos);
            if (n < 0) {
                throw new EOFException("the connection ended inside a PUBLISH packet");
            }
            bodyPos += n;
        }
        int first = head[0] & 0xff;
        byte[] packet = body;
        body = null;
        headLen = 0;
        int qos = (first >> 1) & 0x3;
        int variable = packet.length >= 2
                ? 2 + ((packet[0] & 0xff) << 8 | (packet[1] & 0xff)) + (qos > 0 ? 2 : 0)
                : Integer.MAX_VALUE;
        if (variable > packet.length) { // malformed: passes as it came, for Paho to reject
            pending = header(first, packet.length, packet.length);
            System.arraycopy(packet, 0, pending, pending.length - packet.length, packet.length);
            pendingPos = 0;
            return true;
        }
        int rewritten = variable + InboundPayloads.TOKEN_BYTES;
        pending = header(first, rewritten, rewritten);
        int p = pending.length - rewritten;
        System.arraycopy(packet, 0, pending, p, variable); // topic length, topic and packet id
        p += variable;
        long token = payloads.put(Arrays.copyOfRange(packet, variable, packet.length));
        for (int shift = 56; shift >= 0; shift -= 8) {
            pending[p++] = (byte) (token >>> shift);
        }
        pendingPos = 0;
        return true;
    }

    /** The type byte, then length bytes up to one without the continuation bit (at most 4). */
    private boolean headerComplete() {
        return headLen >= 2 && ((head[headLen - 1] & 0x80) == 0 || headLen == head.length);
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
