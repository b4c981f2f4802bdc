package dev.spindle.bench.mqtt;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import dev.spindle.protocol.mqtt.Rpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Benchmark 1: command round trip through Mosquitto. Spindle: {@link Rpc#call} of {@code ping}
 * to an in-process {@link Agent} (BoardIo.NONE), as {@code spindle ping} does (a quick command:
 * the agent answers it on Paho's receiving thread). Peer: two raw Paho clients with TCP_NODELAY,
 * QoS 1 both ways like the protocol, the responder publishing from Paho's callback (the fastest
 * Paho allows).
 *
 * <p>Cross sides, to tell the caller's cost from the board's: a raw Paho caller (a request with a
 * fresh id, the reply taken as it comes, not parsed) and a raw Paho responder (finds the id and the
 * reply topic in the request with a byte scan and answers from Paho's callback), each against
 * both Spindle counterparts, and the two raw ones against each other. Also a raw peer with a
 * worker hand-off in the responder ({@link Side#HANDOFF}), what commands that are not quick cost.
 *
 * <p>Samples are taken in interleaved blocks, the order rotating, so that load from elsewhere
 * hits every side alike.
 */
final class RoundTrip {
    /** The measured sides, in JSON order. */
    enum Side {
        /** {@code Rpc} -> agent: what {@code spindle ping} costs. */
        SPINDLE("rpcToAgent", "`Rpc` -> agent (Spindle)"),
        /** Raw Paho ping-pong: the peer of the target. */
        RAW("rawPingPong", "raw Paho ping-pong (the peer)"),
        /** Raw Paho caller -> agent: the board's cost without the caller's. */
        RAW_TO_AGENT("rawToAgent", "raw Paho caller -> agent"),
        /** {@code Rpc} -> raw Paho responder: the caller's cost without the board's. */
        RPC_TO_RAW("rpcToRaw", "`Rpc` -> raw Paho responder"),
        /** Raw Paho caller -> raw Paho responder, the same parts as the two cross sides. */
        RAW_TO_RAW("rawToRaw", "raw Paho caller -> raw Paho responder"),
        /** Raw ping-pong with a worker hand-off in the responder (commands that are not quick). */
        HANDOFF("rawPingPongHandoff", "raw Paho ping-pong + a worker hand-off");

        final String key;
        final String label;

        Side(String key, String label) {
            this.key = key;
            this.label = label;
        }
    }

    /** Percentiles in microseconds per side. */
    record Percentiles(double p50Us, double p99Us) {
    }

    record Result(Map<Side, Percentiles> sides, int samples) {
        double p50(Side s) {
            return sides.get(s).p50Us();
        }

        double p99(Side s) {
            return sides.get(s).p99Us();
        }
    }

    static final String FLEET = "bench";
    static final String AGENT_BOARD = "rtt-b1";
    static final String RAW_BOARD = "rtt-raw";

    private RoundTrip() {
    }

    static Result run(String url, Path dataDir, int warmup, int blocks, int perBlock) throws Exception {
        Properties p = new Properties();
        p.setProperty("board.id", AGENT_BOARD);
        p.setProperty("fleet", FLEET);
        p.setProperty("board.type", "sim");
        p.setProperty("broker.url", url);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("telemetry.period.s", "60");
        AgentConfig cfg = AgentConfig.from(p, "bench", dataDir);
        try (Agent agent = new Agent(cfg, BoardIo.NONE);
                Link link = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("spindle-ping")).build());
                RawPingPong raw = new RawPingPong(url, "raw", false);
                RawPingPong handoff = new RawPingPong(url, "handoff", true);
                RawResponder responder = new RawResponder(url, Topics.cmd(FLEET, RAW_BOARD, "ping"));
                RawCaller caller = new RawCaller(url, "bench-cmd-caller")) {
            agent.start();
            Rpc rpc = new Rpc(link, FLEET);
            link.start();
            if (!link.awaitConnected(30_000)) {
                throw new IllegalStateException("no connection to " + url);
            }
            // the first call also waits until the agent is connected and subscribed
            Reply first = rpc.call(AGENT_BOARD, "ping", null, 60_000);
            if (!first.ok()) {
                throw new IllegalStateException("ping failed: " + first.body());
            }
            Side[] sides = Side.values();
            Sampler[] samplers = new Sampler[sides.length];
            for (Side s : sides) {
                samplers[s.ordinal()] = switch (s) {
                    case SPINDLE -> () -> rpc(rpc, AGENT_BOARD);
                    case RAW -> raw::roundTrip;
                    case RAW_TO_AGENT -> () -> caller.call(Topics.cmd(FLEET, AGENT_BOARD, "ping"));
                    case RPC_TO_RAW -> () -> rpc(rpc, RAW_BOARD);
                    case RAW_TO_RAW -> () -> caller.call(Topics.cmd(FLEET, RAW_BOARD, "ping"));
                    case HANDOFF -> handoff::roundTrip;
                };
            }
            for (int i = 0; i < warmup; i++) {
                for (Sampler s : samplers) {
                    s.sample();
                }
            }
            long[][] x = new long[sides.length][blocks * perBlock];
            int n = 0;
            for (int b = 0; b < blocks; b++) {
                for (int k = 0; k < sides.length; k++) {
                    int which = (b + k) % sides.length; // rotating order
                    for (int i = 0; i < perBlock; i++) {
                        x[which][n + i] = samplers[which].sample();
                    }
                }
                n += perBlock;
            }
            Map<Side, Percentiles> out = new LinkedHashMap<>();
            for (Side s : sides) {
                out.put(s, new Percentiles(pct(x[s.ordinal()], 50), pct(x[s.ordinal()], 99)));
            }
            return new Result(out, n);
        }
    }

    @FunctionalInterface
    private interface Sampler {
        /** @return one round trip in nanoseconds */
        long sample() throws Exception;
    }

    private static long rpc(Rpc rpc, String board) throws Exception {
        long t0 = System.nanoTime();
        Reply reply = rpc.call(board, "ping", null, 10_000);
        long t = System.nanoTime() - t0;
        if (!reply.ok()) {
            throw new IllegalStateException("ping of " + board + " failed: " + reply.body());
        }
        return t;
    }

    /** @return the p-th percentile in microseconds (nearest rank) */
    static double pct(long[] ns, double p) {
        long[] c = ns.clone();
        Arrays.sort(c);
        int i = (int) Math.ceil(p / 100.0 * c.length) - 1;
        return c[Math.max(0, Math.min(c.length - 1, i))] / 1000.0;
    }

    /** TCP_NODELAY only: Paho's own unbuffered socket reads, as any Paho user has them. */
    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        o.setMaxInflight(1000);
        return o;
    }

    private static MqttAsyncClient connect(String url, String clientId, MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        c.setCallback(callback);
        c.connect(options()).waitForCompletion(30_000);
        return c;
    }

    private static void close(MqttAsyncClient... clients) throws MqttException {
        for (MqttAsyncClient c : clients) {
            try {
                c.disconnect().waitForCompletion(5000);
            } finally {
                c.close();
            }
        }
    }

    /**
     * A requester and a responder, raw Paho, TCP_NODELAY, QoS 1. With {@code handoff}, the
     * responder does what Spindle's link does for commands that are not quick instead of answering
     * from Paho's callback: the callback puts the message into a queue, a worker thread takes it and
     * publishes the pong, waiting for its PUBACK.
     */
    static final class RawPingPong implements AutoCloseable {
        private final MqttAsyncClient requester;
        private final MqttAsyncClient responder;
        private final SynchronousQueue<byte[]> pongs = new SynchronousQueue<>();
        private final BlockingQueue<byte[]> work = new ArrayBlockingQueue<>(100);
        private final Thread worker;
        private final String ping;
        private final byte[] payload;

        RawPingPong(String url, String name, boolean handoff) throws Exception {
            ping = "bench/" + name + "/ping";
            String pong = "bench/" + name + "/pong";
            payload = ("{\"v\":1,\"id\":\"raw-000001\",\"reply\":\"" + pong + "\"}").getBytes(StandardCharsets.UTF_8);
            MqttAsyncClient[] self = new MqttAsyncClient[1];
            responder = connect(url, "bench-" + name + "-responder", new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    if (handoff) {
                        work.offer(m.getPayload());
                    } else {
                        self[0].publish(pong, m.getPayload(), 1, false);
                    }
                }
            });
            self[0] = responder;
            requester = connect(url, "bench-" + name + "-requester", new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    pongs.put(m.getPayload());
                }
            });
            worker = !handoff ? null : new Thread(() -> {
                try {
                    while (true) {
                        responder.publish(pong, work.take(), 1, false).waitForCompletion(10_000);
                    }
                } catch (InterruptedException | MqttException e) {
                    // closed
                }
            }, "bench-" + name + "-worker");
            if (worker != null) {
                worker.setDaemon(true);
                worker.start();
            }
            responder.subscribe(ping, 1).waitForCompletion(30_000);
            requester.subscribe(pong, 1).waitForCompletion(30_000);
        }

        long roundTrip() throws Exception {
            long t0 = System.nanoTime();
            requester.publish(ping, payload, 1, false);
            if (pongs.poll(10, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("raw ping-pong lost a message");
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws Exception {
            if (worker != null) {
                worker.interrupt();
            }
            RoundTrip.close(requester, responder);
        }
    }

    /**
     * A raw Paho caller speaking the command protocol: a request with a fresh id and its own reply
     * topic, QoS 1 (no wait for the PUBACK), then the first message on the reply topic is taken as
     * the reply (not parsed: the least a caller can do).
     */
    static final class RawCaller implements AutoCloseable {
        private final MqttAsyncClient client;
        private final SynchronousQueue<byte[]> replies = new SynchronousQueue<>();
        private final String prefix;
        private long next;

        RawCaller(String url, String clientId) throws Exception {
            String replyTopic = Topics.replyTopic(FLEET, clientId);
            prefix = "{\"v\":1,\"reply\":\"" + replyTopic + "\",\"id\":\"" + clientId + "-";
            client = connect(url, clientId, new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    replies.put(m.getPayload());
                }
            });
            client.subscribe(replyTopic, 1).waitForCompletion(30_000);
        }

        long call(String topic) throws Exception {
            long t0 = System.nanoTime();
            byte[] request = (prefix + (next++) + "\"}").getBytes(StandardCharsets.UTF_8);
            client.publish(topic, request, 1, false);
            if (replies.poll(10, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("raw caller: no reply on " + topic);
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws Exception {
            RoundTrip.close(client);
        }
    }

    /**
     * A raw Paho responder speaking the command protocol: finds {@code "id"} and {@code "reply"} in
     * the request with a byte scan (no JSON parser) and answers {@code ok} from Paho's callback.
     */
    static final class RawResponder implements AutoCloseable {
        private static final byte[] ID = "\"id\":\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] REPLY = "\"reply\":\"".getBytes(StandardCharsets.UTF_8);
        private static final byte[] HEAD = "{\"v\":1,\"ok\":true,\"pong\":true,\"id\":\"".getBytes(StandardCharsets.UTF_8);
        private final MqttAsyncClient client;

        RawResponder(String url, String filter) throws Exception {
            MqttAsyncClient[] self = new MqttAsyncClient[1];
            client = connect(url, "bench-cmd-responder", new Callback() {
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
            self[0] = client;
            client.subscribe(filter, 1).waitForCompletion(30_000);
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

        @Override
        public void close() throws Exception {
            RoundTrip.close(client);
        }
    }

    private abstract static class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
