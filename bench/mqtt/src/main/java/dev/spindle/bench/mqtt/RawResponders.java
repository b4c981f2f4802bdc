package dev.spindle.bench.mqtt;

import dev.spindle.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * The raw Paho peers' board side of {@link RoundTrip}, its own process (as the agent is):
 * {@code RawResponders BROKER_URL}. Three raw Paho clients (TCP_NODELAY, QoS 1):
 * <ul>
 * <li>the ping-pong responder ({@code bench/raw/ping} -> {@code bench/raw/pong}), publishing the
 *     pong from Paho's callback;</li>
 * <li>the same with a worker hand-off ({@code bench/handoff/...}): the callback queues the message,
 *     a worker publishes the pong and waits for its PUBACK (what the agent does for commands that
 *     are not quick);</li>
 * <li>a command responder on {@code cmd/ping} of board {@link RoundTrip#RAW_BOARD}: finds the id and
 *     the reply topic with a byte scan (no JSON parser) and answers {@code ok} from Paho's callback.</li>
 * </ul>
 * Prints {@code ready} once all are subscribed; runs until it is stopped (SIGTERM).
 */
public final class RawResponders {
    static final String READY = "ready";

    private RawResponders() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: RawResponders BROKER_URL");
            System.exit(2);
        }
        String url = args[0];
        MqttAsyncClient raw = pingPongResponder(url, "raw", false);
        MqttAsyncClient handoff = pingPongResponder(url, "handoff", true);
        MqttAsyncClient cmd = commandResponder(url, Topics.cmd(RoundTrip.FLEET, RoundTrip.RAW_BOARD, "ping"));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                RoundTrip.close(raw, handoff, cmd);
            } catch (MqttException e) {
                System.err.println("closing: " + e);
            }
            stop.countDown();
        }, "raw-responders-stop"));
        System.out.println(READY);
        System.out.flush();
        stop.await();
    }

    /** Responder of {@link RoundTrip.RawPingPong}: echoes {@code bench/NAME/ping} to {@code bench/NAME/pong}. */
    static MqttAsyncClient pingPongResponder(String url, String name, boolean handoff) throws Exception {
        String ping = "bench/" + name + "/ping";
        String pong = "bench/" + name + "/pong";
        BlockingQueue<byte[]> work = new ArrayBlockingQueue<>(100);
        MqttAsyncClient[] self = new MqttAsyncClient[1];
        MqttAsyncClient c = RoundTrip.connect(url, "bench-" + name + "-responder", new RoundTrip.Callback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) throws Exception {
                if (handoff) {
                    work.offer(m.getPayload());
                } else {
                    self[0].publish(pong, m.getPayload(), 1, false);
                }
            }
        });
        self[0] = c;
        if (handoff) {
            Thread worker = new Thread(() -> {
                try {
                    while (true) {
                        c.publish(pong, work.take(), 1, false).waitForCompletion(10_000);
                    }
                } catch (InterruptedException | MqttException e) {
                    // closed
                }
            }, "bench-" + name + "-worker");
            worker.setDaemon(true);
            worker.start();
        }
        c.subscribe(ping, 1).waitForCompletion(30_000);
        return c;
    }

    private static final byte[] ID = "\"id\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLY = "\"reply\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEAD = "{\"v\":1,\"ok\":true,\"pong\":true,\"id\":\"".getBytes(StandardCharsets.UTF_8);

    /** A command responder: byte scan for id and reply topic, answer from Paho's callback. */
    static MqttAsyncClient commandResponder(String url, String filter) throws Exception {
        MqttAsyncClient[] self = new MqttAsyncClient[1];
        MqttAsyncClient c = RoundTrip.connect(url, "bench-cmd-responder", new RoundTrip.Callback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) throws Exception {
                byte[] p = m.getPayload();
                String reply = string(p, REPLY);
                int id = find(p, ID);
                int end = indexOf(p, (byte) '"', id);
                byte[] out = Arrays.copyOf(HEAD, HEAD.length + (end - id) + 2);
                System.arraycopy(p, id, out, HEAD.length, end - id);
                out[out.length - 2] = '"';
                out[out.length - 1] = '}';
                self[0].publish(reply, out, 1, false);
            }
        });
        self[0] = c;
        c.subscribe(filter, 1).waitForCompletion(30_000);
        return c;
    }

    /** @return the index just after {@code key} in {@code p} */
    private static int find(byte[] p, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= p.length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (p[i + k] != key[k]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        throw new IllegalArgumentException("no " + new String(key, StandardCharsets.UTF_8) + " in the request");
    }

    private static int indexOf(byte[] p, byte b, int from) {
        for (int i = from; i < p.length; i++) {
            if (p[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated string in the request");
    }

    private static String string(byte[] p, byte[] key) {
        int a = find(p, key);
        return new String(p, a, indexOf(p, (byte) '"', a) - a, StandardCharsets.UTF_8);
    }
}
