package dev.spindle.bench.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Machine;
import dev.spindle.bench.common.Stats;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.protocol.transfer.ReceiverOptions;
import dev.spindle.protocol.transfer.SenderOptions;
import dev.spindle.protocol.transfer.TransferListener;
import dev.spindle.protocol.transfer.TransferReceiver;
import dev.spindle.protocol.transfer.TransferResult;
import dev.spindle.protocol.transfer.TransferSender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code make bench-deploy}: a bundle-sized random file sent with {@link TransferSender} to a
 * {@link TransferReceiver} (real files, fsync, SHA-256 check, hand-over), and the same bytes as a
 * raw Paho QoS 1 stream ({@link RawStream}) in the same chunk size and window, through one
 * Mosquitto started here on a free port of 127.0.0.1 and stopped by its PID. Rounds alternate
 * which goes first; one warm-up round each; medians; target: Spindle at least 0.8x raw.
 * Every round checks that the received file is byte for byte the sent one.
 *
 * <p>Arguments: {@code --smoke} (one tiny round, for {@code make test}), {@code --size MiB}
 * (16), {@code --chunk KiB} (64), {@code --window N} (the sender default, 64), {@code --rounds N} (8), {@code --sync N} (receiver fsync every N chunks, its default), {@code --out FILE}
 * (bench/results/deploy.json), {@code --doc FILE} (docs/benchmarks.md; {@code -} for none).
 */
public final class DeployBench {
    static final double TARGET = 0.8;

    /** What to run. */
    record Config(int sizeBytes, int chunkBytes, int window, int rounds, int warmup, boolean smoke) {
        static int syncEveryChunks = ReceiverOptions.defaults().syncEveryChunks();

        static Config full() {
            return new Config(16 << 20, SenderOptions.defaults().chunkSize(), SenderOptions.defaults().window(), 8, 1, false);
        }

        static Config smokeRun() {
            return new Config(256 << 10, 16 << 10, 4, 1, 0, true);
        }
    }

    private DeployBench() {
    }

    public static void main(String[] args) throws Exception {
        Config c = Config.full();
        Path out = Path.of("bench/results/deploy.json");
        String doc = "docs/benchmarks.md";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> c = Config.smokeRun();
                case "--size" -> c = new Config(Integer.parseInt(args[++i]) << 20, c.chunkBytes(), c.window(), c.rounds(), c.warmup(), c.smoke());
                case "--chunk" -> c = new Config(c.sizeBytes(), Integer.parseInt(args[++i]) << 10, c.window(), c.rounds(), c.warmup(), c.smoke());
                case "--window" -> c = new Config(c.sizeBytes(), c.chunkBytes(), Integer.parseInt(args[++i]), c.rounds(), c.warmup(), c.smoke());
                case "--rounds" -> c = new Config(c.sizeBytes(), c.chunkBytes(), c.window(), Integer.parseInt(args[++i]), c.warmup(), c.smoke());
                case "--sync" -> Config.syncEveryChunks = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--doc" -> doc = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --smoke, --size MiB, --chunk KiB, --window N, --rounds N, --out FILE, --doc FILE|-)");
            }
        }
        ObjectNode result = run(c, out);
        if (!doc.equals("-")) {
            DeployBenchDoc.update(Path.of(doc), result);
        }
        System.out.println(DeployBenchDoc.table(result));
        System.exit(0); // Paho's leftover daemon threads
    }

    /** Runs the rounds and writes {@code out}; @return what was written */
    static ObjectNode run(Config c, Path out) throws Exception {
        Path dir = Files.createTempDirectory("spindle-bench-deploy");
        ObjectNode root = Json.object();
        try {
            String loadBefore = Machine.uptime();
            System.out.println("load before: " + loadBefore);
            byte[] data = new byte[c.sizeBytes()];
            new Random(42).nextBytes(data);
            Path file = dir.resolve("bundle.zip");
            Files.write(file, data);
            Path received = dir.resolve("received.zip");
            Path raw = dir.resolve("raw.bin");
            List<Double> spindle = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            long resent = 0;
            try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto")).start();
                    Link boardLink = link(broker.url(), "bench-board");
                    Link hostLink = link(broker.url(), LinkConfig.toolClientId("bench-host"))) {
                TransferReceiver receiver = new TransferReceiver(boardLink, "bench", "board-1", dir.resolve("staging"),
                        ReceiverOptions.defaults().withMaxBundleBytes(1L << 31).withMinFreeBytes(0)
                                .withSync(Config.syncEveryChunks, 1000),
                        (f, sha, meta) -> Files.move(f, received, StandardCopyOption.REPLACE_EXISTING));
                receiver.start();
                TransferSender sender = new TransferSender(hostLink, "bench",
                        SenderOptions.defaults().withChunk(c.chunkBytes(), c.window()).withFresh(true));
                for (int round = 0; round < c.warmup() + c.rounds(); round++) {
                    boolean measured = round >= c.warmup();
                    boolean spindleFirst = round % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        if ((k == 0) == spindleFirst) {
                            Files.deleteIfExists(received);
                            TransferResult r = sender.send("board-1", file, null, TransferListener.NONE);
                            check(file, received, "Spindle");
                            double mibs = mibPerS(c.sizeBytes(), r.elapsedNanos());
                            System.out.printf("round %d Spindle %.1f MiB/s (%d resent)%s%n", round, mibs, r.chunksResent(),
                                    measured ? "" : " (warm-up)");
                            if (measured) {
                                spindle.add(mibs);
                                resent += r.chunksResent();
                            }
                        } else {
                            long nanos = RawStream.run(broker.url(), data, c.chunkBytes(), c.window(), raw);
                            check(file, raw, "raw Paho");
                            double mibs = mibPerS(c.sizeBytes(), nanos);
                            System.out.printf("round %d raw     %.1f MiB/s%s%n", round, mibs, measured ? "" : " (warm-up)");
                            if (measured) {
                                rawRates.add(mibs);
                            }
                        }
                    }
                }
                receiver.close();
            }
            ObjectNode config = root.putObject("config");
            config.put("sizeBytes", c.sizeBytes());
            config.put("chunkBytes", c.chunkBytes());
            config.put("window", c.window());
            config.put("syncEveryChunks", Config.syncEveryChunks);
            config.put("rounds", c.rounds());
            config.put("warmupRounds", c.warmup());
            ArrayNode sr = root.putArray("spindleRounds");
            spindle.forEach(sr::add);
            ArrayNode rr = root.putArray("rawRounds");
            rawRates.forEach(rr::add);
            double sm = Stats.median(spindle);
            double rm = Stats.median(rawRates);
            root.put("spindleMiBs", sm);
            root.put("rawMiBs", rm);
            root.put("ratio", sm / rm);
            root.put("target", TARGET);
            root.put("met", sm / rm >= TARGET);
            root.put("spindleResent", resent);
            root.put("bytesVerified", true);
            ObjectNode machine = root.putObject("machine");
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("uptimeBefore", loadBefore);
            machine.put("uptimeAfter", Machine.uptime());
            machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            machine.put("mosquitto", MosquittoBroker.version());
            root.put("smoke", c.smoke());
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

    private static Link link(String url, String id) throws InterruptedException {
        Link l = new Link(LinkConfig.builder(url, id).backoff(50, 500).build());
        l.start();
        if (!l.awaitConnected(30_000)) {
            throw new IllegalStateException("cannot connect to the benchmark's Mosquitto at " + url);
        }
        return l;
    }

    private static void check(Path sent, Path got, String who) throws IOException {
        long at = Files.mismatch(sent, got);
        if (at != -1) {
            throw new IllegalStateException(who + ": the received file differs from the sent one at byte " + at);
        }
    }

    static double mibPerS(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
