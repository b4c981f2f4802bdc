package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.protocol.testing.SelfSignedCertificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads of every size class reach a link's handlers byte for byte through Mosquitto, with
 * their flags, in order: the link takes them out of Paho's decoding ({@link PayloadBypass}) and
 * puts them back. The publisher is a plain Paho client, so nothing of the link is on both ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class LinkPayloadTest {
    @TempDir
    Path dir;

    /** Sizes around the remaining length's 1/2/3-byte limits (127, 16383) and the token's 8 bytes. */
    private static final int[] SIZES = {0, 1, 7, 8, 9, 100, 119, 120, 121, 127, 128, 16_371, 16_383, 16_384, 300_000};

    @Test
    void everyPayloadArrivesWholeWithItsFlagsAndInOrder() throws Exception {
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto")).start();
                Link sub = new Link(LinkConfig.builder(broker.url(), "payload-sub").build())) {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            everyPayloadArrives(sub, broker.url(), o);
        }
    }

    /**
     * The same over TLS: the link's TLS sockets put the same streams above their TLS layer
     * ({@link PahoSslSocket}). A payload Paho decoded itself would not be a token, and the link
     * would drop the message, so this fails unless the bypass works through TLS too. Then the
     * broker restarts, and the link comes back and receives again.
     */
    @Test
    void overTlsToo() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("cert"));
        int tlsPort = MosquittoBroker.freePort();
        String tlsUrl = "ssl://127.0.0.1:" + tlsPort;
        TlsConfig tls = TlsConfig.of(cert.certificate(), null, null);
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto")).tlsListener(tlsPort, cert).start();
                Link sub = new Link(LinkConfig.builder(tlsUrl, "payload-sub-tls").tls(tls).backoff(50, 500).build())) {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setSocketFactory(tls.socketFactory()); // the publisher: the JDK's TLS socket, nothing of the link
            everyPayloadArrives(sub, tlsUrl, o);

            broker.stop();
            broker.start();
            BlockingQueue<Inbound> after = new LinkedBlockingQueue<>();
            sub.subscribe("after/#", 1, after::add);
            assertTrue(sub.awaitConnected(60_000), "the link reconnected over TLS after the broker restarted");
            MqttAsyncClient pub = new MqttAsyncClient(tlsUrl, "payload-pub-after", new MemoryPersistence());
            pub.connect(o).waitForCompletion(30_000);
            try {
                byte[] payload = new byte[5_000];
                new Random(3).nextBytes(payload);
                Inbound m = null;
                for (int i = 0; i < 60 && m == null; i++) { // until the link's resubscription is in place
                    pub.publish("after/x", payload, 1, false).waitForCompletion(30_000);
                    m = after.poll(500, TimeUnit.MILLISECONDS);
                }
                assertNotNull(m, "a message after the restart");
                assertArrayEquals(payload, m.payload());
            } finally {
                pub.disconnect().waitForCompletion(10_000);
                pub.close();
            }
        }
    }

    private static void everyPayloadArrives(Link sub, String url, MqttConnectOptions pubOptions) throws Exception {
        Random random = new Random(7);
        BlockingQueue<Inbound> worker = new LinkedBlockingQueue<>();
        BlockingQueue<Inbound> inline = new LinkedBlockingQueue<>();
        sub.subscribe("p/worker/#", 1, worker::add);
        sub.subscribeInline("p/inline/#", 1, inline::add);
        sub.start();
        assertTrue(sub.awaitConnected(30_000));

        MqttAsyncClient pub = new MqttAsyncClient(url, "payload-pub", new MemoryPersistence());
        pub.connect(pubOptions).waitForCompletion(30_000);
        try {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < SIZES.length * 2; i++) {
                byte[] payload = new byte[SIZES[i % SIZES.length]];
                random.nextBytes(payload);
                sent.add(payload);
                int qos = i % 2; // QoS 0 and 1 interleaved; Mosquitto keeps one order per subscriber
                String where = i % 3 == 0 ? "inline" : "worker";
                pub.publish("p/" + where + "/" + i, payload, qos, false).waitForCompletion(30_000);
            }
            for (int i = 0; i < sent.size(); i++) {
                BlockingQueue<Inbound> q = i % 3 == 0 ? inline : worker;
                Inbound m = q.poll(30, TimeUnit.SECONDS);
                assertNotNull(m, "message " + i + " (" + sent.get(i).length + " bytes)");
                assertEquals("p/" + (i % 3 == 0 ? "inline" : "worker") + "/" + i, m.topic(), "in order");
                assertEquals(i % 2, m.qos());
                assertArrayEquals(sent.get(i), m.payload(), "payload of " + sent.get(i).length + " bytes");
            }

            // retained: the flag comes with a message sent before the subscription
            byte[] retained = {'r', 'e', 't'};
            pub.publish("p/retained/x", retained, 1, true).waitForCompletion(30_000);
            BlockingQueue<Inbound> late = new LinkedBlockingQueue<>();
            sub.subscribe("p/retained/#", 1, late::add);
            Inbound r = late.poll(30, TimeUnit.SECONDS);
            assertNotNull(r, "the retained message");
            assertTrue(r.retained());
            assertArrayEquals(retained, r.payload());
        } finally {
            pub.disconnect().waitForCompletion(10_000);
            pub.close();
        }
    }
}
