package dev.spindle.bench.threading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every threading benchmark, writes the results as one JSON file (JMH's own JSON under
 * {@code jmh}, the harness results beside it, and the machine's load) and regenerates the table in
 * {@code docs/benchmarks.md}.
 *
 * <pre>java -cp ... dev.spindle.bench.threading.BenchMain [--smoke] [--json FILE] [--doc FILE]</pre>
 *
 * Defaults: the {@link BenchConfig#SHORT} configuration, {@code bench/results/threading.json},
 * {@code docs/benchmarks.md} (paths relative to the working directory, the repository root when
 * run by {@code make bench-threading}).
 */
public final class BenchMain {
    /** The JMH benchmarks, by class; the harness benchmarks (4, 5, memory) run after them. */
    static final String JMH_INCLUDE = "dev\\.spindle\\.bench\\.threading\\.(UncontendedBench|Contended2|Contended4"
            + "|PingPongBench|ThreadStartBench)\\..*";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.SHORT;
        Path json = Paths.get("bench/results/threading.json");
        Path doc = Paths.get("docs/benchmarks.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke":
                    config = BenchConfig.SMOKE;
                    break;
                case "--json":
                    json = Paths.get(args[++i]);
                    break;
                case "--doc":
                    doc = Paths.get(args[++i]);
                    break;
                default:
                    System.err.println("usage: BenchMain [--smoke] [--json FILE] [--doc FILE]");
                    System.exit(2);
            }
        }
        long start = System.nanoTime();
        JsonNode results = run(config, json);
        BenchmarksDoc.write(results, doc);
        System.out.printf("Wrote %s and %s in %d s%n", json, doc,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        System.out.println(BenchmarksDoc.table(results));
        // Daemon partners and finished JMH workers must not hold the JVM.
        System.exit(0);
    }

    /** Runs everything under {@code config} and writes {@code json}; returns what it wrote. */
    static JsonNode run(BenchConfig config, Path json) throws IOException, RunnerException, InterruptedException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("generated", Instant.now().toString());
        root.put("config", config.toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("uptimeBefore", Machine.uptime());

        Path dir = json.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path jmhFile = dir.resolve("threading-jmh.json.tmp");
        Options options = new OptionsBuilder()
                .include(JMH_INCLUDE)
                .forks(config.forks)
                .warmupIterations(config.warmupIterations)
                .warmupTime(TimeValue.milliseconds(config.warmupMillis))
                .measurementIterations(config.measurementIterations)
                .measurementTime(TimeValue.milliseconds(config.measurementMillis))
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(jmhFile.toString())
                .build();
        new Runner(options).run();
        root.set("jmh", mapper.readTree(jmhFile.toFile()));
        Files.deleteIfExists(jmhFile);

        ArrayNode priority = root.putArray("priorityOrder");
        for (BenchLock lock : new BenchLock[] {BenchLock.spindle(), BenchLock.reentrant(true), BenchLock.reentrant(false)}) {
            PriorityOrderHarness.Result r = PriorityOrderHarness.run(lock, config.priorityRounds);
            ObjectNode n = priority.addObject();
            n.put("lock", r.lock);
            n.put("rounds", r.rounds);
            n.put("grants", r.grants);
            n.put("toHighest", r.toHighest);
            n.put("share", r.share());
            System.out.printf("priority order %-22s %d/%d grants to the highest waiting priority%n", r.lock,
                    r.toHighest, r.grants);
        }

        ArrayNode latency = root.putArray("latency");
        latency.addObject().put("criticalSectionNanos", LatencyHarness.CRITICAL_NANOS);
        int[] contenders = {0, 1, 4, 8};
        @SuppressWarnings("unchecked")
        Supplier<BenchLock>[] locks = new Supplier[] {BenchLock::spindle, () -> BenchLock.reentrant(true)};
        List<List<LatencyHarness.Result>> blocks = LatencyHarness.runInterleaved(locks, contenders,
                config.latencySamples);
        for (List<LatencyHarness.Result> config1 : blocks) {
            LatencyHarness.Result first = config1.get(0);
            long[] s = LatencyHarness.summarize(config1);
            ObjectNode n = latency.addObject();
            n.put("lock", first.lock);
            n.put("contenders", first.contenders);
            n.put("samples", s[3]);
            n.put("blocks", config1.size());
            n.put("p50Nanos", s[0]);
            n.put("p90Nanos", s[4]);
            n.put("p99Nanos", s[1]);
            n.put("maxNanos", s[2]);
            System.out.printf("latency %-18s %d contenders: p50 %8.1f us, p99 %8.1f us (%d samples)%n", first.lock,
                    first.contenders, s[0] / 1e3, s[1] / 1e3, s[3]);
        }

        ObjectNode memory = root.putObject("memory");
        for (Map.Entry<String, Long> e : MemoryHarness.objects().entrySet()) {
            memory.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : MemoryHarness.threads(config.memoryThreads).entrySet()) {
            memory.put(e.getKey(), e.getValue());
        }
        System.out.println("memory (bytes) " + memory);

        machine.put("uptimeAfter", Machine.uptime());
        Files.write(json, mapper.writeValueAsBytes(root));
        return root;
    }

}
