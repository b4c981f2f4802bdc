package dev.spindle.bench.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Machine;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.protocol.testing.SelfSignedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code make bench-mqtt}: the MQTT benchmarks through a Mosquitto started here on a free port of
 * 127.0.0.1 ({@code set_tcp_nodelay true}) and stopped by its PID.
 * <ol>
 * <li>{@link RoundTrip}: command round trip p50/p99 of a real agent answering {@code ping} vs a
 *     raw Paho ping-pong with TCP_NODELAY; target at most 1.3x.</li>
 * <li>{@link Ingest}: messages per second that {@code spindle monitor --json} takes in vs
 *     {@code mosquitto_sub} on the same stream; target at least 0.8x.</li>
 * </ol>
 * Arguments: {@code --smoke} (one tiny iteration, for {@code make test}), {@code --round-trip-only}
 * (no ingest benchmark, JSON on stdout, needs {@code --doc -}; for profiling), {@code --out FILE}
 * (default bench/results/mqtt.json), {@code --doc FILE} (default docs/benchmarks.md; {@code -}
 * for none).
 */
public final class MqttBench {
    static final double RTT_TARGET = 1.3;
    static final double INGEST_TARGET = 0.8;

    private MqttBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        boolean roundTripOnly = false;
        Path out = Path.of("bench/results/mqtt.json");
        String doc = "docs/benchmarks.md";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--round-trip-only" -> roundTripOnly = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--doc" -> doc = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --smoke, --round-trip-only, --out FILE, --doc FILE|-)");
            }
        }
        if (roundTripOnly && !doc.equals("-")) {
            throw new IllegalArgumentException("--round-trip-only leaves out the ingest benchmark: add --doc - "
                    + "(the table in the doc needs both)");
        }
        JsonNode result = run(smoke, !roundTripOnly, out);
        if (roundTripOnly) {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            System.exit(0);
        }
        if (!doc.equals("-")) {
            MqttBenchDoc.update(Path.of(doc), result);
        }
        System.out.println(MqttBenchDoc.table(result));
        System.exit(0); // Paho's and the agent's leftover daemon threads
    }

    /** Runs everything and writes {@code out}; @return what was written */
    static JsonNode run(boolean smoke, Path out) throws Exception {
        return run(smoke, true, out);
    }

    /** Runs the round trip and, with {@code ingest}, the ingest benchmark and writes {@code out}; @return what was written */
    static JsonNode run(boolean smoke, boolean withIngest, Path out) throws Exception {
        Path dir = Files.createTempDirectory("spindle-bench-mqtt");
        ObjectNode root = Json.object();
        try {
            String loadBefore = Machine.uptime();
            System.out.println("load before: " + loadBefore);
            ObjectNode rtt = root.putObject("roundTrip");
            // a TLS listener too, for the ingest benchmark's TLS sides (the round trip uses plain TCP)
            SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("cert"));
            int tlsPort = MosquittoBroker.freePort();
            try (MosquittoBroker mosquitto = new MosquittoBroker(dir.resolve("mosquitto")).tlsListener(tlsPort, cert)) {
                mosquitto.start();
                int port = Integer.parseInt(mosquitto.url().substring(mosquitto.url().lastIndexOf(':') + 1));
                System.out.println("round trip ...");
                RoundTrip.Result r = smoke
                        ? RoundTrip.run(mosquitto.url(), dir.resolve("agent"), new RoundTrip.Warmup(5, 5, 1), 2, 5)
                        : RoundTrip.run(mosquitto.url(), dir.resolve("agent"), new RoundTrip.Warmup(2000, 500, 40), 500, 10);
                rtt.put("samples", r.samples());
                rtt.put("warmupPerSide", r.warmupPerSide());
                rtt.put("jitSettled", r.jitSettled());
                rtt.put("boardC2CompilesInSamples", r.childC2InSamples());
                rtt.put("callerCompileMsInSamples", r.selfCompileMsInSamples());
                double spindle50 = r.p50(RoundTrip.Side.SPINDLE);
                double spindle99 = r.p99(RoundTrip.Side.SPINDLE);
                double raw50 = r.p50(RoundTrip.Side.RAW);
                double raw99 = r.p99(RoundTrip.Side.RAW);
                rtt.put("spindleP50Us", spindle50);
                rtt.put("spindleP99Us", spindle99);
                rtt.put("rawPahoP50Us", raw50);
                rtt.put("rawPahoP99Us", raw99);
                rtt.put("rawPahoHandoffP50Us", r.p50(RoundTrip.Side.HANDOFF));
                rtt.put("rawPahoHandoffP99Us", r.p99(RoundTrip.Side.HANDOFF));
                rtt.put("ratioP50", spindle50 / raw50);
                rtt.put("ratioP99", spindle99 / raw99);
                rtt.put("target", RTT_TARGET);
                rtt.put("met", spindle50 / raw50 <= RTT_TARGET && spindle99 / raw99 <= RTT_TARGET);
                ObjectNode sides = rtt.putObject("sides");
                for (RoundTrip.Side s : RoundTrip.Side.values()) {
                    ObjectNode o = sides.putObject(s.key);
                    o.put("label", s.label);
                    o.put("p50Us", r.p50(s));
                    o.put("p99Us", r.p99(s));
                    o.put("ratioP50", r.p50(s) / raw50);
                }
                // the caller's and the board's share, each against the same raw counterpart
                double rawToRaw = r.p50(RoundTrip.Side.RAW_TO_RAW);
                rtt.put("callerRatioP50", r.p50(RoundTrip.Side.RPC_TO_RAW) / rawToRaw);
                rtt.put("boardRatioP50", r.p50(RoundTrip.Side.RAW_TO_AGENT) / rawToRaw);
                if (withIngest) {
                    System.out.println("ingest ...");
                    ingest(smoke, mosquitto.url(), port, tlsPort, cert.certificate(), dir, root.putObject("ingest"));
                }
            }
            ObjectNode machine = root.putObject("machine");
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("uptimeBefore", loadBefore);
            machine.put("uptimeAfter", Machine.uptime());
            machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            machine.put("mosquitto", MosquittoBroker.version());
            root.put("smoke", smoke);
            root.put("date", Instant.now().toString());
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                    StandardCharsets.UTF_8);
            return root;
        } finally {
            deleteTree(dir);
        }
    }

    private static void ingest(boolean smoke, String url, int port, int tlsPort, Path caFile, Path dir, ObjectNode ingest)
            throws Exception {
        Ingest.Result g = smoke ? Ingest.run(url, port, tlsPort, caFile, dir, 100, 1, 1)
                : Ingest.run(url, port, tlsPort, caFile, dir, 20_000, 3, 6);
        ingest.put("messagesPerRound", g.messages());
        ingest.put("rounds", g.rounds());
        double monitor = g.side(Ingest.MONITOR).msgPerS();
        double sub = g.side(Ingest.SUB).msgPerS();
        for (Ingest.SideResult side : g.sides().values()) {
            ingest.put(side.key() + "MsgPerS", side.msgPerS());
            side.rounds().forEach(ingest.putArray(side.key() + "Rounds")::add);
        }
        ingest.put("sharedRatio", g.side(Ingest.SHARED).msgPerS() / sub);
        ingest.put("tlsRatio", g.side(Ingest.TLS_MONITOR).msgPerS() / g.side(Ingest.TLS_SUB).msgPerS());
        ingest.put("ratio", monitor / sub);
        ingest.put("target", INGEST_TARGET);
        ingest.put("met", monitor / sub >= INGEST_TARGET);
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
