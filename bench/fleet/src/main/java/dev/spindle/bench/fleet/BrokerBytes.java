package dev.spindle.bench.fleet;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Bytes through the broker, from Mosquitto's own counters: {@code $SYS/broker/bytes/received}
 * and {@code .../sent} (every byte of every MQTT packet since the broker started, published every
 * {@code sys_interval}, 1 s in the benchmark's broker). A raw Paho subscriber keeps the latest
 * values; {@link #fresh} waits for a publication made after a moment, so a difference of two
 * readings covers a phase to within one interval.
 *
 * <p>Threads: Paho's callback thread writes the fields, under {@code this}; the harness reads
 * them with {@link #fresh}, which waits on {@code this}.
 */
final class BrokerBytes implements AutoCloseable {
    /** One reading: the counters and when they arrived (ms). */
    record Reading(long received, long sent, long atMs) {
        Reading minus(Reading earlier) {
            return new Reading(received - earlier.received, sent - earlier.sent, atMs - earlier.atMs);
        }
    }

    private final MqttAsyncClient client;
    private long received = -1; // guarded by this
    private long sent = -1; // guarded by this
    private long receivedAt; // guarded by this
    private long sentAt; // guarded by this

    BrokerBytes(String url) throws Exception {
        client = new MqttAsyncClient(url, "bench-fleet-sys-bytes", new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (reconnect) {
                    try {
                        client.subscribe("$SYS/broker/bytes/+", 0);
                    } catch (Exception e) {
                        // the next reconnect tries again; fresh() reports the silence
                    }
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                long v;
                try {
                    v = Long.parseLong(new String(m.getPayload(), StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException e) {
                    return;
                }
                long now = System.currentTimeMillis();
                synchronized (BrokerBytes.this) {
                    if (topic.endsWith("/received")) {
                        received = v;
                        receivedAt = now;
                    } else if (topic.endsWith("/sent")) {
                        sent = v;
                        sentAt = now;
                    }
                    BrokerBytes.this.notifyAll();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(1000);
        client.connect(o).waitForCompletion(30_000);
        client.subscribe("$SYS/broker/bytes/+", 0).waitForCompletion(30_000);
    }

    /**
     * @return the first reading with both counters published after {@code afterMs}
     * @throws IllegalStateException when none came within {@code timeoutMs} (no sys_interval?)
     */
    synchronized Reading fresh(long afterMs, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (receivedAt <= afterMs || sentAt <= afterMs) {
            long wait = deadline - System.currentTimeMillis();
            if (wait <= 0) {
                throw new IllegalStateException("the broker published no $SYS/broker/bytes counters for " + timeoutMs
                        + " ms: is sys_interval set in its configuration?");
            }
            wait(wait);
        }
        return new Reading(received, sent, Math.max(receivedAt, sentAt));
    }

    /** The next reading published from now on. */
    Reading next() throws InterruptedException {
        return fresh(System.currentTimeMillis(), 10_000);
    }

    @Override
    public void close() {
        PahoClients.closeQuietly(client);
    }
}
