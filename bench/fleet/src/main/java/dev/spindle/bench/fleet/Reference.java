package dev.spindle.bench.fleet;

import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The harness's own raw Paho subscriber to the fleet's telemetry at QoS 1: what the broker
 * delivered, the yardstick for what a monitor lost. Reconnects (Paho's own, no jitter: one
 * client) and resubscribes after a broker restart. Keys are board|ts, as in {@link MonitorProcess}.
 */
final class Reference implements AutoCloseable {
    final Map<String, Long> telemetry = new ConcurrentHashMap<>(); // key -> arrival ms (Paho's callback thread)
    private final Map<String, Long> lastTs = new ConcurrentHashMap<>(); // board -> newest telemetry ts
    private final MqttAsyncClient client;

    Reference(String url, String fleet) throws Exception {
        client = new MqttAsyncClient(url, "bench-fleet-reference", new MemoryPersistence());
        String filter = Topics.ROOT + "/" + fleet + "/+/" + Topics.TELEMETRY;
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (reconnect) { // after a broker restart: a clean session has no subscriptions
                    try {
                        client.subscribe(filter, 1);
                    } catch (Exception e) {
                        throw new IllegalStateException("reference subscriber cannot resubscribe: " + e, e);
                    }
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) throws Exception {
                Topics.Parsed p = Topics.parse(topic).orElse(null);
                if (p != null) {
                    long ts = Json.tree(m.getPayload()).path("ts").asLong();
                    telemetry.put(p.board() + "|" + ts, System.currentTimeMillis());
                    lastTs.merge(p.board(), ts, Math::max);
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(1000);
        client.connect(o).waitForCompletion(30_000);
        client.subscribe(filter, 1).waitForCompletion(30_000);
    }

    /**
     * Waits until every one of {@code boards} has sent telemetry written at or after
     * {@code sinceMs} (the boards' {@code ts}), or {@code timeoutMs} passed.
     *
     * @return the boards still without such telemetry (empty when all have it)
     */
    List<String> awaitTelemetry(Collection<String> boards, long sinceMs, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            List<String> missing = new ArrayList<>();
            for (String b : boards) {
                if (lastTs.getOrDefault(b, 0L) < sinceMs) {
                    missing.add(b);
                }
            }
            if (missing.isEmpty() || System.currentTimeMillis() > deadline) {
                return missing;
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        PahoClients.closeQuietly(client);
    }
}
