package dev.spindle.bench.mqtt;

import dev.spindle.agent.Main;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.NoDelaySocketFactory;
import dev.spindle.protocol.mqtt.Rpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Benchmark 1: command round trip through Mosquitto, set up as users have it: the board's side
 * runs in its own process, the caller in this one. Spindle: {@link Rpc#call} of {@code ping}
 * (what {@code spindle ping} does) to the agent started from its {@link Main} with a config file
 * in a child JVM (board type {@code sim}, the defaults of a board otherwise; a quick command: the
 * agent answers it on Paho's receiving thread). Peer: a raw Paho ping-pong with TCP_NODELAY, QoS 1
 * both ways like the protocol: the requester here, the responder publishing from Paho's callback
 * in a second child JVM ({@link RawResponders}), started with the same flags as the agent's
 * ({@link ChildJvm#BOARD_JVM_FLAGS}).
 *
 * <p>Cross sides, to tell the caller's cost from the board's: a raw Paho caller (a request with a
 * fresh id, the reply taken as it comes, not parsed) and a raw Paho responder (in the responders'
 * process; finds the id and the reply topic with a byte scan and answers from Paho's callback),
 * each against both Spindle counterparts, and the two raw ones against each other. Also a raw peer
 * with a worker hand-off in the responder ({@link Side#HANDOFF}), what commands that are not quick
 * cost.
 *
 * <p>Samples are taken in interleaved blocks, the order rotating, so that load from elsewhere
 * hits every side alike. All callers run one at a time on this JVM's main thread.
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

    /**
     * @param warmupPerSide  round trips per side before the samples
     * @param jitSettled     whether the compilers had settled then ({@link JitWatch}), or the warm-up hit its limit
     * @param childC2InSamples C2 compilations in the two children while the samples were taken
     * @param selfCompileMsInSamples this JVM's compilation time (all tiers) meanwhile
     */
    record Result(Map<Side, Percentiles> sides, int samples, int warmupPerSide, boolean jitSettled, long childC2InSamples,
            long selfCompileMsInSamples) {
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

    /**
     * How long to warm up: {@code min} round trips per side, then rounds of {@code round} per side
     * until the JIT has settled ({@link #SETTLED_ROUNDS} quiet rounds in a row), at most {@code maxRounds}.
     */
    record Warmup(int min, int round, int maxRounds) {
    }

    /**
     * At most this many C2 compilations in the children and this many ms of compiling here in a
     * warm-up round, {@link #SETTLED_ROUNDS} rounds in a row: settled.
     */
    static final int SETTLED_CHILD_C2 = 2;
    static final long SETTLED_SELF_COMPILE_MS = 20;
    static final int SETTLED_ROUNDS = 2;

    static Result run(String url, Path dataDir, Warmup warmup, int blocks, int perBlock) throws Exception {
        Files.createDirectories(dataDir);
        Path cfg = dataDir.resolve("agent.properties");
        // a board's agent as it is configured on a board: telemetry and the rest at their defaults
        Files.writeString(cfg, String.join("\n", "board.id=" + AGENT_BOARD, "fleet=" + FLEET, "board.type=sim",
                "broker.url=" + url, "data.dir=" + dataDir.resolve("data"), ""), StandardCharsets.UTF_8);
        Path agentJit = dataDir.resolve("agent-jit.log");
        Path respondersJit = dataDir.resolve("raw-responders-jit.log");
        JitWatch jit = new JitWatch(List.of(agentJit, respondersJit));
        try (ChildJvm agent = ChildJvm.start("agent", List.of(JitWatch.logFlag(agentJit)), Main.class.getName(),
                        dataDir.resolve("agent.log"), "--config", cfg.toString());
                ChildJvm responders = ChildJvm.start("raw responders", List.of(JitWatch.logFlag(respondersJit)),
                        RawResponders.class.getName(), dataDir.resolve("raw-responders.log"), url);
                Link link = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("spindle-ping")).build());
                RawPingPong raw = new RawPingPong(url, "raw");
                RawPingPong handoff = new RawPingPong(url, "handoff");
                RawCaller caller = new RawCaller(url, "bench-cmd-caller")) {
            Rpc rpc = new Rpc(link, FLEET);
            link.start();
            if (!link.awaitConnected(30_000)) {
                throw new IllegalStateException("no connection to " + url);
            }
            responders.awaitLine(RawResponders.READY, 60_000);
            // the first call also waits until the agent is connected and subscribed
            Reply first;
            try {
                first = rpc.call(AGENT_BOARD, "ping", null, 60_000);
            } catch (ProtocolException e) {
                agent.checkAlive();
                throw new IllegalStateException("the agent did not answer ping: " + e.getMessage() + "; its log:\n"
                        + agent.tail(), e);
            }
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
            // warm-up: every side alike and through the same loop as the samples (so that loop is compiled
            // too), until the compilers of all three JVMs have settled in two rounds in a row
            int warm = 0;
            int quiet = 0;
            for (int r = 0; r <= warmup.maxRounds() && quiet < SETTLED_ROUNDS; r++) {
                JitWatch.Snapshot before = jit.snapshot();
                int count = r == 0 ? warmup.min() : warmup.round();
                sampleBlocks(samplers, new long[sides.length][count], Math.max(1, count / perBlock), Math.min(count, perBlock));
                warm += count;
                JitWatch.Snapshot after = jit.snapshot();
                boolean settled = after.childC2() - before.childC2() <= SETTLED_CHILD_C2
                        && after.selfCompileMs() - before.selfCompileMs() <= SETTLED_SELF_COMPILE_MS;
                quiet = r > 0 && settled ? quiet + 1 : 0;
                System.out.printf("  warm-up: %d per side, C2 compilations on the board side +%d, compiling here +%d ms%n",
                        warm, after.childC2() - before.childC2(), after.selfCompileMs() - before.selfCompileMs());
            }
            boolean settled = quiet >= SETTLED_ROUNDS;
            JitWatch.Snapshot start = jit.snapshot();
            long[][] x = new long[sides.length][blocks * perBlock];
            int n = sampleBlocks(samplers, x, blocks, perBlock);
            JitWatch.Snapshot end = jit.snapshot();
            agent.checkAlive();
            responders.checkAlive();
            Map<Side, Percentiles> out = new LinkedHashMap<>();
            for (Side s : sides) {
                out.put(s, new Percentiles(pct(x[s.ordinal()], 50), pct(x[s.ordinal()], 99)));
            }
            return new Result(out, n, warm, settled, end.childC2() - start.childC2(),
                    end.selfCompileMs() - start.selfCompileMs());
        }
    }

    /**
     * {@code blocks} rounds of {@code perBlock} round trips per side, the sides' order rotating by one
     * each round, into {@code x[side]}; @return samples per side
     */
    private static int sampleBlocks(Sampler[] samplers, long[][] x, int blocks, int perBlock) throws Exception {
        int n = 0;
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < samplers.length; k++) {
                int which = (b + k) % samplers.length; // rotating order
                for (int i = 0; i < perBlock; i++) {
                    x[which][n + i] = samplers[which].sample();
                }
            }
            n += perBlock;
        }
        return n;
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

    static MqttAsyncClient connect(String url, String clientId, MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        c.setCallback(callback);
        c.connect(options()).waitForCompletion(30_000);
        return c;
    }

    static void close(MqttAsyncClient... clients) throws MqttException {
        for (MqttAsyncClient c : clients) {
            try {
                c.disconnect().waitForCompletion(5000);
            } finally {
                c.close();
            }
        }
    }

    /**
     * The requester of a raw Paho ping-pong (TCP_NODELAY, QoS 1): publishes {@code bench/NAME/ping}
     * and waits for {@code bench/NAME/pong}, echoed by {@link RawResponders} in its own process
     * (from Paho's callback, or with a worker hand-off for {@code handoff}).
     */
    static final class RawPingPong implements AutoCloseable {
        private final MqttAsyncClient requester;
        private final SynchronousQueue<byte[]> pongs = new SynchronousQueue<>();
        private final String ping;
        private final byte[] payload;

        RawPingPong(String url, String name) throws Exception {
            ping = "bench/" + name + "/ping";
            String pong = "bench/" + name + "/pong";
            payload = ("{\"v\":1,\"id\":\"raw-000001\",\"reply\":\"" + pong + "\"}").getBytes(StandardCharsets.UTF_8);
            requester = connect(url, "bench-" + name + "-requester", new Callback() {
                @Override
                public void messageArrived(String topic, MqttMessage m) throws Exception {
                    pongs.put(m.getPayload());
                }
            });
            requester.subscribe(pong, 1).waitForCompletion(30_000);
        }

        long roundTrip() throws Exception {
            long t0 = System.nanoTime();
            requester.publish(ping, payload, 1, false);
            if (pongs.poll(10, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("raw ping-pong " + ping + ": no pong within 10 s");
            }
            return System.nanoTime() - t0;
        }

        @Override
        public void close() throws Exception {
            RoundTrip.close(requester);
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

    abstract static class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
