package dev.spindle.bench.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.bench.common.MarkedSection;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Renders bench/results/mqtt.json as the table between the MQTT markers of docs/benchmarks.md
 * (the rest of the page is written by hand). {@code main} rebuilds it from an existing JSON file:
 * {@code MqttBenchDoc [bench/results/mqtt.json [docs/benchmarks.md]]}.
 */
public final class MqttBenchDoc {
    static final MarkedSection SECTION = new MarkedSection("mqtt", "bench-mqtt");

    private MqttBenchDoc() {
    }

    public static void main(String[] args) throws IOException {
        Path json = Path.of(args.length > 0 ? args[0] : "bench/results/mqtt.json");
        Path doc = Path.of(args.length > 1 ? args[1] : "docs/benchmarks.md");
        update(doc, Json.MAPPER.readTree(json.toFile()));
    }

    static String table(JsonNode r) {
        JsonNode t = r.path("roundTrip");
        JsonNode g = r.path("ingest");
        JsonNode m = r.path("machine");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run of %s (%s); %s, %s, %d cores.%n%n", r.path("date").asText(),
                r.path("smoke").asBoolean() ? "SMOKE run, numbers meaningless" : "full run", m.path("mosquitto").asText(),
                m.path("java").asText(), m.path("cores").asInt()));
        b.append("| benchmark | Spindle | peer (same run) | ratio | target | met? |\n");
        b.append("|---|---|---|---|---|---|\n");
        double rp50 = t.path("ratioP50").asDouble();
        double rp99 = t.path("ratioP99").asDouble();
        b.append(String.format(Locale.ROOT, "| command round trip p50 (`ping` to an agent, %d samples) | %.0f us | raw Paho %.0f us | %.2fx | at most %.1fx | %s |%n",
                t.path("samples").asInt(), t.path("spindleP50Us").asDouble(), t.path("rawPahoP50Us").asDouble(), rp50,
                t.path("target").asDouble(), rp50 <= t.path("target").asDouble() ? "yes" : "**no**"));
        b.append(String.format(Locale.ROOT, "| command round trip p99 | %.0f us | raw Paho %.0f us | %.2fx | at most %.1fx | %s |%n",
                t.path("spindleP99Us").asDouble(), t.path("rawPahoP99Us").asDouble(), rp99, t.path("target").asDouble(),
                rp99 <= t.path("target").asDouble() ? "yes" : "**no**"));
        double ri = g.path("ratio").asDouble();
        b.append(String.format(Locale.ROOT, "| monitor ingest (`monitor --json`, %d telemetry msgs x %d rounds, median) | %.0f msg/s | `mosquitto_sub` %.0f msg/s | %.2fx | at least %.1fx | %s |%n",
                g.path("messagesPerRound").asInt(), g.path("rounds").asInt(), g.path("monitorMsgPerS").asDouble(),
                g.path("mosquittoSubMsgPerS").asDouble(), ri, g.path("target").asDouble(),
                ri >= g.path("target").asDouble() ? "yes" : "**no**"));
        if (g.has("sharedMsgPerS")) {
            double rs = g.path("sharedRatio").asDouble();
            b.append(String.format(Locale.ROOT, "| (for the analysis) 2 monitors sharing the stream (`--share`, same backlog) | %.0f msg/s | `mosquitto_sub` %.0f msg/s | %.2fx | - | - |%n",
                    g.path("sharedMsgPerS").asDouble(), g.path("mosquittoSubMsgPerS").asDouble(), rs));
        }
        if (g.has("tlsRatio")) {
            b.append(String.format(Locale.ROOT, "| (for the analysis) monitor over TLS (same backlog) | %.0f msg/s | `mosquitto_sub` over TLS %.0f msg/s | %.2fx | - | - |%n",
                    g.path("tlsMonitorMsgPerS").asDouble(), g.path("tlsMosquittoSubMsgPerS").asDouble(),
                    g.path("tlsRatio").asDouble()));
        }
        b.append("\nRound trip, every side of the same run (interleaved blocks; ratio to the raw ping-pong):\n\n");
        b.append("| side | p50 | p99 | p50 ratio | p99 ratio |\n|---|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = t.path("sides").fields(); it.hasNext();) {
            JsonNode s = it.next().getValue();
            b.append(String.format(Locale.ROOT, "| %s | %.0f us | %.0f us | %.2fx | %.2fx |%n", s.path("label").asText(),
                    s.path("p50Us").asDouble(), s.path("p99Us").asDouble(), s.path("ratioP50").asDouble(),
                    s.path("p99Us").asDouble() / t.path("rawPahoP99Us").asDouble()));
        }
        if (t.has("warmupPerSide")) {
            b.append(String.format(Locale.ROOT, "%nWhere: the agent (`dev.spindle.agent.Main`, board type sim) and the raw responders each in "
                    + "their own JVM (`%s`), the callers (`Rpc`, raw Paho) in the harness's JVM, Mosquitto its own process. "
                    + "Warm-up: %d round trips per side, %s; during the samples: C2 compilations on the board side %d, "
                    + "compiling in the callers' JVM %d ms.%n", String.join(" ", ChildJvm.BOARD_JVM_FLAGS),
                    t.path("warmupPerSide").asInt(), t.path("jitSettled").asBoolean() ? "until the JIT compilers had settled"
                            : "**the JIT compilers had not settled** (warm-up limit reached)",
                    t.path("boardC2CompilesInSamples").asLong(), t.path("callerCompileMsInSamples").asLong()));
        }
        if (t.has("callerRatioP50")) {
            b.append(String.format(Locale.ROOT, "%nCaller's share (`Rpc` -> raw responder vs raw caller -> raw responder): %.2fx; "
                    + "board's share (raw caller -> agent vs raw caller -> raw responder): %.2fx (p50).%n",
                    t.path("callerRatioP50").asDouble(), t.path("boardRatioP50").asDouble()));
        }
        b.append("\nIngest rounds (msg/s): monitor ").append(list(g.path("monitorRounds")))
                .append("; mosquitto_sub ").append(list(g.path("mosquittoSubRounds")));
        if (g.has("sharedRounds")) {
            b.append("; 2 sharing monitors ").append(list(g.path("sharedRounds")));
        }
        if (g.has("tlsMonitorRounds")) {
            b.append("; monitor over TLS ").append(list(g.path("tlsMonitorRounds")))
                    .append("; mosquitto_sub over TLS ").append(list(g.path("tlsMosquittoSubRounds")));
        }
        b.append(".\n\n");
        b.append("Machine load: before `").append(m.path("uptimeBefore").asText()).append("`; after `")
                .append(m.path("uptimeAfter").asText()).append("`.\n");
        return b.toString();
    }

    private static String list(JsonNode a) {
        StringBuilder b = new StringBuilder();
        for (JsonNode x : a) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x.asDouble()));
        }
        return b.toString();
    }

    /** Replaces the marked section of {@code doc} (appends one when missing). */
    static void update(Path doc, JsonNode result) throws IOException {
        SECTION.write(doc, table(result));
    }
}
