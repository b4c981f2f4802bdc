package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.testing.MosquittoBroker;
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
        Random random = new Random(7);
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto")).start();
                Link sub = new Link(LinkConfig.builder(broker.url(), "payload-sub").build())) {
            BlockingQueue<Inbound> worker = new LinkedBlockingQueue<>();
            BlockingQueue<Inbound> inline = new LinkedBlockingQueue<>();
            sub.subscribe("p/worker/#", 1, worker::add);
            sub.subscribeInline("p/inline/#", 1, inline::add);
            sub.start();
            assertTrue(sub.awaitConnected(30_000));

            MqttAsyncClient pub = new MqttAsyncClient(broker.url(), "payload-pub", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            pub.connect(o).waitForCompletion(30_000);
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
}
