package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPingResp;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPubAck;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttWireMessage;
import org.junit.jupiter.api.Test;

/**
 * {@link PayloadBypass}: packets encoded by Paho go through the stream, Paho's own decoder reads
 * what comes out, and every payload comes back from {@link InboundPayloads} byte for byte.
 */
class PayloadBypassTest {
    private static final Random RANDOM = new Random(42);

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static MqttPublish publish(String topic, byte[] payload, int qos, boolean retained, int id) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retained);
        MqttPublish p = new MqttPublish(topic, m);
        if (qos > 0) {
            p.setMessageId(id);
        }
        return p;
    }

    private static byte[] encode(MqttWireMessage... packets) throws MqttException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MqttWireMessage p : packets) {
            out.write(p.getHeader());
            out.write(p.getPayload());
        }
        return out.toByteArray();
    }

    /** Reads all of {@code in} in reads of random sizes (1 byte to 1 KiB), as a socket might deliver. */
    private static byte[] readInPieces(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        while (true) {
            int want = RANDOM.nextInt(4) == 0 ? 1 : 1 + RANDOM.nextInt(buf.length);
            int n = want == 1 ? single(in, buf) : in.read(buf, 0, want);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
        }
    }

    private static int single(InputStream in, byte[] buf) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        buf[0] = (byte) b;
        return 1;
    }

    /** Splits a stream into packets by their remaining length and decodes each with Paho. */
    private static List<MqttWireMessage> decode(byte[] stream) throws MqttException {
        List<MqttWireMessage> out = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int start = i++;
            int remaining = 0;
            int shift = 0;
            int digit;
            do {
                digit = stream[i++] & 0xff;
                remaining |= (digit & 0x7f) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            i += remaining;
            out.add(MqttWireMessage.createWireMessage(Arrays.copyOfRange(stream, start, i)));
        }
        return out;
    }

    /**
     * A socket's stream as Paho sets it up: reads return a few bytes at a time, and many end in a
     * {@link SocketTimeoutException} (Paho's 1 s read timeout) anywhere in a packet.
     */
    private static final class Stalling extends InputStream {
        private final byte[] data;
        private int pos;
        int timeouts;

        Stalling(byte[] data) {
            this.data = data;
        }

        private void maybeTimeOut() throws SocketTimeoutException {
            if (RANDOM.nextInt(3) == 0) {
                timeouts++;
                throw new SocketTimeoutException("Read timed out");
            }
        }

        @Override
        public int read() throws IOException {
            maybeTimeOut();
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            maybeTimeOut();
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + RANDOM.nextInt(64)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Reads as Paho does after a read timeout: again, expecting the stream to go on where it was. */
    private static byte[] readThroughTimeouts(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (true) {
            int n;
            try {
                n = in.read(buf, 0, 1 + RANDOM.nextInt(buf.length));
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
        }
    }

    @Test
    void aReadTimeoutInsideAPacketLosesNothing() throws Exception {
        MqttPublish[] publishes = {
            publish("spindle/v1/f/b1/telemetry", bytes(330), 1, true, 1),
            publish("spindle/v1/f/b1/deploy/chunk", bytes(64 * 1024), 1, false, 2),
            publish("t", new byte[0], 0, false, 0),
        };
        byte[] wire = encode(publishes[0], new MqttPubAck(9), publishes[1], new MqttPingResp((byte) 0, new byte[0]),
                publishes[2]);
        InboundPayloads payloads = new InboundPayloads();
        Stalling socket = new Stalling(wire);
        List<MqttWireMessage> got = decode(readThroughTimeouts(new PayloadBypass(socket, payloads)));

        assertTrue(socket.timeouts > 100, "timeouts inside packets: " + socket.timeouts);
        assertEquals(5, got.size());
        assertEquals(9, assertInstanceOf(MqttPubAck.class, got.get(1)).getMessageId());
        assertInstanceOf(MqttPingResp.class, got.get(3));
        int[] at = {0, 2, 4};
        for (int k = 0; k < publishes.length; k++) {
            MqttPublish p = assertInstanceOf(MqttPublish.class, got.get(at[k]));
            assertEquals(publishes[k].getTopicName(), p.getTopicName());
            assertEquals(publishes[k].getMessage().getQos() > 0 ? publishes[k].getMessageId() : 0, p.getMessageId());
            assertArrayEquals(publishes[k].getMessage().getPayload(), payloads.take(p.getMessage().getPayload()),
                    "payload " + k);
        }
    }

    @Test
    void publishPayloadsComeBackThroughTheirTokensAndOtherPacketsPassUnchanged() throws Exception {
        byte[] small = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] twoByteLength = bytes(200);
        byte[] threeByteLength = bytes(300 * 1024); // a deploy chunk's size class
        byte[] edge = bytes(127 - 2 - 3); // remaining length exactly 127 with topic "t/x": the 1-byte limit
        MqttPublish[] publishes = {
            publish("spindle/v1/f/b1/telemetry", small, 0, false, 0),
            publish("spindle/v1/f/b1/events", twoByteLength, 1, true, 7),
            publish("spindle/v1/f/b2/state", new byte[0], 1, true, 8),
            publish("ünïcode/tøpic", threeByteLength, 1, false, 65535),
            publish("t/x", edge, 0, false, 0),
        };
        publishes[1].setDuplicate(true);
        MqttPingResp pingResp = new MqttPingResp((byte) 0, new byte[0]);
        MqttPubAck pubAck = new MqttPubAck(42);
        byte[] wire = encode(publishes[0], pingResp, publishes[1], publishes[2], pubAck, publishes[3], publishes[4]);

        InboundPayloads payloads = new InboundPayloads();
        List<MqttWireMessage> got = decode(readInPieces(new PayloadBypass(new ByteArrayInputStream(wire), payloads)));

        assertEquals(7, got.size());
        assertInstanceOf(MqttPingResp.class, got.get(1));
        assertEquals(42, assertInstanceOf(MqttPubAck.class, got.get(4)).getMessageId());
        int[] at = {0, 2, 3, 5, 6};
        for (int k = 0; k < publishes.length; k++) {
            MqttPublish sent = publishes[k];
            MqttPublish p = assertInstanceOf(MqttPublish.class, got.get(at[k]));
            assertEquals(sent.getTopicName(), p.getTopicName());
            assertEquals(sent.getMessage().getQos(), p.getMessage().getQos());
            assertEquals(sent.getMessage().isRetained(), p.getMessage().isRetained(), "retained flag of " + k);
            assertEquals(sent.getMessage().getQos() > 0 ? sent.getMessageId() : 0, p.getMessageId());
            assertEquals(InboundPayloads.TOKEN_BYTES, p.getMessage().getPayload().length, "Paho carries a token");
            assertArrayEquals(sent.getMessage().getPayload(), payloads.take(p.getMessage().getPayload()), "payload " + k);
        }
        assertTrue(assertInstanceOf(MqttPublish.class, got.get(2)).getMessage().isDuplicate(), "dup flag kept");
        assertEquals(0, payloads.waiting(), "every payload taken");
    }

    @Test
    void aPublishWhoseTopicRunsPastThePacketPassesUnchanged() throws Exception {
        byte[] bad = {0x30, 0x03, 0x00, 0x10, 'a'}; // topic length 16 in a 3-byte body
        InboundPayloads payloads = new InboundPayloads();
        byte[] out = readInPieces(new PayloadBypass(new ByteArrayInputStream(bad), payloads));
        assertArrayEquals(bad, out);
        assertEquals(0, payloads.waiting());
    }

    @Test
    void theEndOfTheStreamInsideAPacketIsAnError() throws Exception {
        byte[] wire = encode(publish("a/b", bytes(100), 1, false, 3));
        for (int cut : new int[] {1, 3, 8, wire.length - 1}) {
            PayloadBypass in = new PayloadBypass(new ByteArrayInputStream(Arrays.copyOf(wire, cut)), new InboundPayloads());
            assertThrows(EOFException.class, () -> readInPieces(in), "cut at " + cut);
        }
        byte[] ping = encode(new MqttPingResp((byte) 0, new byte[0]));
        assertArrayEquals(ping, readInPieces(new PayloadBypass(new ByteArrayInputStream(ping), new InboundPayloads())),
                "the end between packets is a clean end");
    }

    @Test
    void aTokenIsTakenOnceAndOldOnesAreForgotten() {
        InboundPayloads payloads = new InboundPayloads();
        byte[] first = {1, 2, 3};
        long token = payloads.put(first);
        byte[] carried = new byte[InboundPayloads.TOKEN_BYTES];
        for (int i = 0; i < carried.length; i++) {
            carried[i] = (byte) (token >>> (56 - 8 * i));
        }
        assertArrayEquals(first, payloads.take(carried));
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> payloads.take(carried));
        assertTrue(again.getMessage().contains("token " + token), again.getMessage());
        assertThrows(IllegalStateException.class, () -> payloads.take(new byte[] {1, 2}), "not a token");

        payloads.put(new byte[1]); // dropped by Paho with its connection: never taken
        for (long i = 0; i < InboundPayloads.KEEP_RECENT; i++) {
            payloads.take(tokenOf(payloads.put(new byte[0])));
        }
        assertEquals(1, payloads.waiting());
        payloads.forgetOlderThanRecent();
        assertEquals(0, payloads.waiting(), "a payload Paho never delivered does not stay for ever");
    }

    private static byte[] tokenOf(long token) {
        byte[] b = new byte[InboundPayloads.TOKEN_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (token >>> (56 - 8 * i));
        }
        return b;
    }
}
