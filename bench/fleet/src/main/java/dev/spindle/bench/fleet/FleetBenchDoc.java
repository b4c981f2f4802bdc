package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.bench.common.MarkedSection;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders bench/results/fleet.json as the table between the fleet markers of docs/benchmarks.md.
 * {@code main} rebuilds it from an existing JSON file: {@code FleetBenchDoc [json [doc]]}.
 */
public final class FleetBenchDoc {
    static final MarkedSection SECTION = new MarkedSection("fleet", "bench-fleet");

    private FleetBenchDoc() {
    }

    public static void main(String[] args) throws IOException {
        Path json = Path.of(args.length > 0 ? args[0] : "bench/results/fleet.json");
        Path doc = Path.of(args.length > 1 ? args[1] : "docs/benchmarks.md");
        update(doc, Json.MAPPER.readTree(json.toFile()));
    }

    static String table(JsonNode r) {
        JsonNode g = r.path("ingest");
        JsonNode a = r.path("ingestAfterRestart");
        JsonNode s = r.path("restart");
        JsonNode m = r.path("memory");
        int n = r.path("boards").asInt();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run of %s: %d boards, telemetry every %.0f s, %d s windows, %d shared monitors; %s, %d cores.%n%n",
                r.path("date").asText(), n, r.path("periodS").asDouble(), r.path("windowS").asInt(),
                r.path("sharedMonitors").asInt(), r.path("machine").path("java").asText(),
                r.path("machine").path("cores").asInt()));
        if (r.has("failure")) {
            b.append("**The run stopped early:** ").append(r.path("failure").asText().replace('\n', ' '))
                    .append(". The rows are those of the phases before.\n\n");
        }
        b.append("| measure | result | target | met? |\n|---|---|---|---|\n");
        if (r.has("startS")) {
            row(b, "boards started (ramp) until all online", f("%.1f s", r.path("startS").asDouble()), "", "");
        }
        if (r.has("ingest")) {
            ingestRows(b, g);
        }
        if (r.has("restart")) {
            row(b, "broker restart: until every board is back (connected and resubscribed)",
                    f("%.1f s (broker down %.1f s)", s.path("allBackS").asDouble(), s.path("brokerDownMs").asLong() / 1000.0), "", "");
            int boards = Math.max(1, r.path("boards").asInt());
            int accepted = s.path("peakReconnectsPerS").asInt();
            // runs before session 5 recorded the sockets only: the CONNECT curve is then unknown (-1)
            int processed = s.path("peakConnectsProcessedPerS").asInt(-1);
            boolean met = accepted <= boards / 10 && processed <= boards / 10;
            row(b, "reconnect storm: busiest second, board sockets the broker accepted / board CONNECTs it processed",
                    f("%d (%.1f %%) / %s over %d seconds", accepted, 100.0 * accepted / boards,
                            processed < 0 ? "-" : f("%d (%.1f %%)", processed, 100.0 * processed / boards),
                            s.path("secondsWithReconnects").asInt()),
                    "at most 10 % of the fleet", met ? "yes" : "**no**");
            if (s.has("eventsLost")) {
                row(b, "broker restart: events the boards queued while it was down, delivered / lost (QoS 1)",
                        f("%d / %d", s.path("eventsDelivered").asInt(), s.path("eventsLost").asInt()), "0 lost",
                        s.path("eventsLost").asInt() == 0 ? "yes" : "**no**");
            }
            JsonNode bs = s.path("boardSide");
            if (bs.has("connectSentPeakPerS")) {
                row(b, "reconnect storm, the boards' side: busiest second of CONNECTs written; attempt to CONNECT written, p50 / p99",
                        f("%d (%.1f %%); %d / %d ms", bs.path("connectSentPeakPerS").asInt(),
                                100.0 * bs.path("connectSentPeakPerS").asInt() / boards, bs.path("attemptToConnectSentP50Ms")
                                        .asLong(), bs.path("attemptToConnectSentP99Ms").asLong()), "", "");
            }
        }
        if (r.has("ingestAfterRestart")) {
            row(b, "after the restart: monitor lost; shared lost; p50 / p99 delay", f("%d; %d; %d / %d ms",
                    a.path("monitorLost").asLong(), a.path("sharedLost").asLong(), a.path("delayP50Ms").asLong(),
                    a.path("delayP99Ms").asLong()), "0; 0", a.path("monitorLost").asLong() == 0
                            && a.path("sharedLost").asLong() == 0 ? "yes" : "**no**");
        }
        if (r.has("memory")) {
            row(b, "memory per simulated board (heap after GC / RSS / threads)", f("%.0f KiB / %.0f KiB / %.1f",
                    m.path("heapKiBPerBoard").asDouble(), m.path("rssKiBPerBoard").asDouble(), m.path("threadsPerBoard").asDouble()),
                    "", "");
            row(b, f("`spindle monitor` RSS at %d boards (start / end)", n), f("%.0f / %s MiB", m.path("monitorRssMiB").asDouble(),
                    orDash(m.path("monitorRssMiBAtEnd"))), "", "");
            if (m.has("dashboardRssMiB")) {
                row(b, f("`spindle dashboard` RSS at %d boards (start / end)", n), f("%.0f / %s MiB",
                        m.path("dashboardRssMiB").asDouble(), orDash(m.path("dashboardRssMiBAtEnd"))), "", "");
            }
        }
        JsonNode ro = r.path("rollout");
        for (String k : new String[] {"small", "all"}) {
            JsonNode x = ro.path(k);
            if (x.isMissingNode()) {
                continue;
            }
            String who = f("%d boards%s", x.path("targeted").asInt(), k.equals("all") ? " (the fleet)" : "");
            row(b, f("rollout of a %s bundle to %s, waves %s, %d in parallel: boards done / failed", mib(x.path("bundleBytes")
                    .asLong()), who, ro.path("waves").asText(), ro.path("parallel").asInt()), f("%d / %d (exit %d)",
                    x.path("succeeded").asInt(), x.path("failed").asInt(), x.path("exitCode").asInt()),
                    "all done", x.path("failed").asInt() == 0 ? "yes" : "**no**");
            StringBuilder w = new StringBuilder();
            for (JsonNode wave : x.path("waves")) {
                w.append(w.length() == 0 ? "" : ", ").append(f("%d: %.1f s", wave.path("boards").asInt(), wave.path("s").asDouble()));
            }
            row(b, f("rollout to %s: total time (first board's start to last board's end); per wave (boards: time)", who),
                    f("%.1f s (tool's wall time %.1f s); %s", x.path("rolloutS").asDouble(), x.path("wallS").asDouble(), w), "", "");
            row(b, f("raw fan-out of the same bytes (Paho, QoS 1, %d streams at a time): time; rollout / raw", ro.path("parallel")
                    .asInt()), f("%.2f s; **%.1fx**", x.path("raw").path("s").asDouble(), x.path("timeRatio").asDouble()), "", "");
            row(b, f("rollout to %s: bytes through the broker, in + out less background; raw fan-out; rollout / raw", who),
                    f("%s; %s; **%.2fx** (payload %s)", mib(x.path("brokerBytesNet").asLong()), mib(x.path("raw")
                            .path("brokerBytesNet").asLong()), x.path("bytesRatio").asDouble(), mib(x.path("payloadBytes").asLong())),
                    "", "");
        }
        if (r.has("restart")) {
            if (s.has("acceptedFromStop")) {
                b.append("\nThe storm second by second from the broker's stop: board sockets accepted ")
                        .append(s.path("acceptedFromStop")).append("; their CONNECTs processed ")
                        .append(s.path("connectsProcessedFromStop")).append("; the boards' CONNECTs written ")
                        .append(s.path("boardSide").path("connectSentPerSecond")).append(".\n");
            } else {
                b.append("\nBoards reaching the broker per second during the storm: ").append(s.path("reconnectsPerSecond")
                        .toString()).append(s.has("connectsProcessedPerSecond") ? "; their CONNECTs processed per second: "
                                + s.path("connectsProcessedPerSecond") : "").append(".\n");
            }
        }
        b.append("\n");
        b.append("Machine load: before `").append(r.path("machine").path("uptimeBefore").asText()).append("`; after `")
                .append(r.path("machine").path("uptimeAfter").asText()).append("`.\n");
        return b.toString();
    }

    private static void ingestRows(StringBuilder b, JsonNode g) {
        row(b, "telemetry the broker delivered / published in the window", f("%d / %d (%.1f msg/s)",
                g.path("brokerDelivered").asLong(), g.path("published").asLong(), g.path("msgPerS").asDouble()), "", "");
        row(b, "`monitor --json`: messages lost (QoS 1)", f("%d", g.path("monitorLost").asLong()), "0",
                g.path("monitorLost").asLong() == 0 ? "yes" : "**no**");
        row(b, "board `ts` to `monitor --json` line, p50 / p99 / max", f("%d / %d / %d ms", g.path("delayP50Ms").asLong(),
                g.path("delayP99Ms").asLong(), g.path("delayMaxMs").asLong()), "", "");
        if (g.has("dashboardDelayP50Ms")) {
            row(b, "board `ts` to the dashboard's push (SSE fleet stream), p50 / p99 / max; board updates pushed",
                    f("%d / %d / %d ms; %d", g.path("dashboardDelayP50Ms").asLong(), g.path("dashboardDelayP99Ms").asLong(),
                            g.path("dashboardDelayMaxMs").asLong(), g.path("dashboardUpdates").asLong()), "", "");
        }
        row(b, "shared monitors: per-monitor counts", g.path("sharedCounts").toString(), "even", "");
        row(b, "shared monitors: spread (max-min)/mean; lost; duplicates", f("%.3f; %d; %d", g.path("sharedSpread").asDouble(),
                g.path("sharedLost").asLong(), g.path("sharedDuplicates").asLong()), "small; 0; 0",
                g.path("sharedLost").asLong() == 0 ? "yes" : "**no**");
    }

    /** @return the figure with no decimals, or "-" when the run did not get to measure it */
    private static String orDash(JsonNode v) {
        return v.isMissingNode() ? "-" : f("%.0f", v.asDouble());
    }

    private static String mib(long bytes) {
        return f("%.1f MiB", bytes / 1048576.0);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static void row(StringBuilder b, String what, String result, String target, String met) {
        b.append("| ").append(what).append(" | ").append(result).append(" | ").append(target).append(" | ").append(met)
                .append(" |\n");
    }

    /** Replaces the marked section of {@code doc} (appends one when missing). */
    static void update(Path doc, JsonNode result) throws IOException {
        SECTION.write(doc, table(result));
    }
}
