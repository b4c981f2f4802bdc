package dev.spindle.bench.mqtt;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import dev.spindle.protocol.mqtt.Rpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Benchmark 1: command round trip through Mosquitto. Spindle: {@link Rpc#call} of {@code ping}
 * to an in-process {@link Agent} (BoardIo.NONE), as {@code spindle ping} does (a quick command:
 * the agent answers it on Paho's receiving thread). Peer: two raw Paho
 * clients with TCP_NODELAY, QoS 1 both ways like the protocol, the responder publishing from
 * Paho's callback (the fastest Paho allows). Samples are taken in interleaved blocks, so that
 * load from elsewhere hits both sides alike.
 */
final class RoundTrip {
    /**
     * Percentiles in microseconds; {@code handoff*}: the raw peer with a worker hand-off added, as
     * the agent runs commands that are not quick (and ran {@code ping} before it was answered inline).
     */
    record Result(double spindleP50Us, double spindleP99Us, double rawP50Us, double rawP99Us, double handoffP50Us,
            double handoffP99Us, int samples) {
    }

    private RoundTrip() {
    }

    static Result run(String url, Path dataDir, int warmup, int blocks, int perBlock) throws Exception {
        Properties p = new Properties();
        p.setProperty("board.id", "rtt-b1");
        p.setProperty("fleet", "bench");
        p.setProperty("board.type", "sim");
        p.setProperty("broker.url", url);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("telemetry.period.s", "60");
        AgentConfig cfg = AgentConfig.from(p, "bench", dataDir);
        try (Agent agent = new Agent(cfg, BoardIo.NONE);
                Link link = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("spindle-ping")).build());
                RawPingPong raw = new RawPingPong(url, "raw", false);
                RawPingPong handoff = new RawPingPong(url, "handoff", true)) {
            agent.start();
            Rpc rpc = new Rpc(link, "bench");
            link.start();
            if (!link.awaitConnected(30_000)) {
                throw new IllegalStateException("no connection to " + url);
            }
            // the first call also waits until the agent is connected and subscribed
            Reply first = rpc.call("rtt-b1", "ping", null, 60_000);
            if (!first.ok()) {
                throw new IllegalStateException("ping failed: " + first.body());
            }
            for (int i = 0; i < warmup; i++) {
                spindle(rpc);
                raw.roundTrip();
                handoff.roundTrip();
            }
            long[][] x = new long[3][blocks * perBlock];
            int n = 0;
            for (int b = 0; b < blocks; b++) {
                for (int k = 0; k < 3; k++) {
                    int which = (b + k) % 3; // rotating order
                    for (int i = 0; i < perBlock; i++) {
                        x[which][n + i] = which == 0 ? spindle(rpc) : which == 1 ? raw.roundTrip() : handoff.roundTrip();
                    }
                }
                n += perBlock;
            }
            return new Result(pct(x[0], 50), pct(x[0], 99), pct(x[1], 50), pct(x[1], 99), pct(x[2], 50), pct(x[2], 99),
                    n);
        }
    }

    private static long spindle(Rpc rpc) throws Exception {
        long t0 = System.nanoTime();
        Reply reply = rpc.call("rtt-b1", "ping", null, 10_000);
        long t = System.nanoTime() - t0;
        if (!reply.ok()) {
            throw new IllegalStateException("ping failed: " + reply.body());
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

    /**
     * A requester and a responder, raw Paho, TCP_NODELAY, QoS 1. With {@code handoff}, the
     * responder does what Spindle's link does instead of answering from Paho's callback: the
     * callback puts the message into a queue, a worker thread takes it and publishes the pong,
     * waiting for its PUBACK.
     */
    static final class RawPingPong implements AutoCloseable {
        private final MqttAsyncClient requester;
        private final MqttAsyncClient responder;
        private final SynchronousQueue<byte[]> pongs = new SynchronousQueue<>();
        private final java.util.concurrent.BlockingQueue<byte[]> work = new java.util.concurrent.ArrayBlockingQueue<>(100);
        private final Thread worker;
        private final String ping;
        private final String pong;
        private final byte[] payload;

        RawPingPong(String url, String name, boolean handoff) throws Exception {
            ping = "bench/" + name + "/ping";
            pong = "bench/" + name + "/pong";
            payload = ("{\"v\":1,\"id\":\"raw-000001\",\"reply\":\"" + pong + "\"}").getBytes(StandardCharsets.UTF_8);
            responder = new MqttAsyncClient(url, "bench-" + name + "-responder", new MemoryPersistence());
            requester = new MqttAsyncClient(url, "bench-" + name + "-requester", new MemoryPersistence());
            worker = !handoff ? null : new Thread(() -> {
                try {
                    while (true) {
                        responder.publish(pong, work.take(), 1, false).waitForCompletion(10_000);
                    }
                } catch (InterruptedException | org.eclipse.paho.client.mqttv3.MqttException e) {
                    // closed
                }
            }, "bench-" + name + "-worker");
            if (worker != null) {
                worker.setDaemon(true);
                worker.start();
            }
            responder.setCallback(new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    if (handoff) {
                        work.offer(m.getPayload());
                    } else {
                        responder.publish(pong, m.getPayload(), 1, false);
                    }
                }
            });
            requester.setCallback(new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    pongs.put(m.getPayload());
                }
            });
            responder.connect(options()).waitForCompletion(30_000);
            requester.connect(options()).waitForCompletion(30_000);
            responder.subscribe(ping, 1).waitForCompletion(30_000);
            requester.subscribe(pong, 1).waitForCompletion(30_000);
        }

        private static MqttConnectOptions options() {
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            // TCP_NODELAY only: Paho's own unbuffered socket reads, as any Paho user has them
            o.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
            o.setMaxInflight(1000);
            return o;
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
            for (MqttAsyncClient c : new MqttAsyncClient[] {requester, responder}) {
                try {
                    c.disconnect().waitForCompletion(5000);
                } finally {
                    c.close();
                }
            }
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
