package dev.spindle.bench.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.bench.common.MarkedSection;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders bench/results/deploy.json as the table between the deploy markers of
 * docs/benchmarks.md (the rest of the page is written by hand). {@code main} rebuilds it from an
 * existing JSON file: {@code DeployBenchDoc [bench/results/deploy.json [docs/benchmarks.md]]}.
 */
public final class DeployBenchDoc {
    static final MarkedSection SECTION = new MarkedSection("deploy", "bench-deploy");

    private DeployBenchDoc() {
    }

    public static void main(String[] args) throws IOException {
        Path json = Path.of(args.length > 0 ? args[0] : "bench/results/deploy.json");
        Path doc = Path.of(args.length > 1 ? args[1] : "docs/benchmarks.md");
        update(doc, Json.MAPPER.readTree(json.toFile()));
    }

    static String table(JsonNode r) {
        JsonNode c = r.path("config");
        JsonNode m = r.path("machine");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run of %s (%s); %s, %s, %d cores.%n%n", r.path("date").asText(),
                r.path("smoke").asBoolean() ? "SMOKE run, numbers meaningless" : "full run", m.path("mosquitto").asText(),
                m.path("java").asText(), m.path("cores").asInt()));
        b.append("| benchmark | Spindle | peer (same run) | ratio | target | met? |\n");
        b.append("|---|---|---|---|---|---|\n");
        double ratio = r.path("ratio").asDouble();
        b.append(String.format(Locale.ROOT,
                "| bundle transfer (%.1f MiB, %d KiB chunks, window %d, %d rounds, median) | %.1f MiB/s | raw Paho QoS 1 stream %.1f MiB/s | %.2fx | at least %.1fx | %s |%n",
                c.path("sizeBytes").asLong() / 1048576.0, c.path("chunkBytes").asInt() / 1024, c.path("window").asInt(),
                c.path("rounds").asInt(), r.path("spindleMiBs").asDouble(), r.path("rawMiBs").asDouble(), ratio,
                r.path("target").asDouble(), ratio >= r.path("target").asDouble() ? "yes" : "**no**"));
        b.append("\nRounds (MiB/s): Spindle ").append(list(r.path("spindleRounds"))).append("; raw Paho ")
                .append(list(r.path("rawRounds"))).append(". Chunks resent by Spindle over all rounds: ")
                .append(r.path("spindleResent").asLong()).append(".\n\n");
        b.append("Machine load: before `").append(m.path("uptimeBefore").asText()).append("`; after `")
                .append(m.path("uptimeAfter").asText()).append("`.\n");
        return b.toString();
    }

    private static String list(JsonNode a) {
        StringBuilder b = new StringBuilder();
        for (JsonNode x : a) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", x.asDouble()));
        }
        return b.toString();
    }

    /** Replaces the marked section of {@code doc} (appends one when missing). */
    static void update(Path doc, JsonNode result) throws IOException {
        SECTION.write(doc, table(result));
    }
}
