package dev.spindle.bench.fleet;

import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The fleet's {@code note} events with one message, per board, as a persistent-session Paho
 * subscriber at QoS 1 receives them: the broker (persistent, like the benchmark's Mosquitto) keeps
 * its subscription and queues what arrives while this client is away, so an event a board sends
 * right after a broker restart, before this client is back, still counts. Boards whose event came
 * at least once are in {@link #boards}; repeats (QoS 1 is at least once) count once.
 */
final class EventWatch implements AutoCloseable {
    final Set<String> boards = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> copies = new ConcurrentHashMap<>();
    private final MqttAsyncClient client;

    EventWatch(String url, String fleet, String message) throws Exception {
        client = new MqttAsyncClient(url, "bench-fleet-events", new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) throws Exception {
                Topics.Parsed p = Topics.parse(topic).orElse(null);
                var e = Json.tree(m.getPayload());
                if (p != null && "note".equals(e.path("type").asText()) && message.equals(e.path("message").asText())) {
                    boards.add(p.board());
                    copies.merge(p.board(), 1, Integer::sum);
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false); // the broker keeps the subscription and queues QoS 1 messages while away
        o.setMaxInflight(1000);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(1000);
        client.connect(o).waitForCompletion(30_000);
        client.subscribe(Topics.ROOT + "/" + fleet + "/+/" + Topics.EVENTS, 1).waitForCompletion(30_000);
    }

    /** Waits until {@code n} boards' events came or {@code timeoutMs} passed; @return how many came */
    int await(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (boards.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        return boards.size();
    }

    @Override
    public void close() {
        PahoClients.closeQuietly(client);
    }
}
