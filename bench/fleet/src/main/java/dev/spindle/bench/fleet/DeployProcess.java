package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One rollout through the real tool: {@code spindle deploy BUNDLE --board ... --waves ... --json}
 * as a child process (its own JVM, as an operator runs it), and what its {@code --json} summary
 * says: the boards' end states, and per wave the time from its first board's start to its last
 * board's end ({@code started_ms}, {@code ended_ms} of each board).
 */
final class DeployProcess {
    private DeployProcess() {
    }

    /**
     * @param boards    the targeted board ids, in order (the waves take them in this order)
     * @param fleetSize how many boards the fleet has (the discovery time grows with it)
     * @return the summary ({@code exitCode}, {@code wallS}, {@code rolloutS}, {@code waves}, {@code states}, ...)
     */
    static ObjectNode run(String url, String fleet, Path bundle, Path trust, List<String> boards, int fleetSize,
            String waves, int parallel, Path dir, long hangGuardMs) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.spindle.tools.SpindleCommand", "deploy",
                bundle.toString(), "--broker", url, "--fleet", fleet, "--board", String.join(",", boards),
                "--waves", waves, "--parallel", Integer.toString(parallel), "--max-failures", "100%",
                "--timeout", "30000", // connect and replies, on a loaded machine
                "--state-dir", dir.resolve("state").toString(), "--trust", trust.toString(), "--json",
                // every named board must have been seen online: the tool reads the retained states of the whole
                // fleet (1,100 boards in the benchmark), which takes a while on a loaded machine
                "--discover", Long.toString(Math.max(2000, 15L * fleetSize))));
        Path out = dir.resolve("deploy.out");
        Path err = dir.resolve("deploy.err");
        long t0 = System.currentTimeMillis();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(hangGuardMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("spindle deploy did not end within " + hangGuardMs / 1000 + " s: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        long wall = System.currentTimeMillis() - t0;
        String text = Files.readString(out, StandardCharsets.UTF_8);
        JsonNode s;
        try {
            s = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("spindle deploy (exit " + p.exitValue() + ") printed no JSON summary: " + text
                    + Files.readString(err, StandardCharsets.UTF_8), e);
        }
        if (s == null || !s.has("boards")) {
            throw new IllegalStateException("spindle deploy (exit " + p.exitValue() + ") printed no summary: " + text
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return summarize(s, p.exitValue(), wall);
    }

    /** The figures of a {@code spindle deploy --json} summary. */
    static ObjectNode summarize(JsonNode s, int exitCode, long wallMs) {
        ObjectNode o = Json.object();
        o.put("exitCode", exitCode);
        o.put("wallS", wallMs / 1000.0);
        o.put("targeted", s.path("boards").size());
        Map<String, Integer> states = new TreeMap<>();
        Map<Integer, long[]> waves = new TreeMap<>(); // wave -> {first start, last end, boards}
        long first = Long.MAX_VALUE;
        long last = 0;
        for (JsonNode b : s.path("boards")) {
            states.merge(b.path("state").asText(), 1, Integer::sum);
            long st = b.path("started_ms").asLong();
            long en = b.path("ended_ms").asLong();
            long[] w = waves.computeIfAbsent(b.path("wave").asInt(), k -> new long[] {Long.MAX_VALUE, 0, 0});
            w[2]++;
            if (st > 0) {
                w[0] = Math.min(w[0], st);
                first = Math.min(first, st);
            }
            w[1] = Math.max(w[1], en);
            last = Math.max(last, en);
        }
        o.set("states", Json.MAPPER.valueToTree(states));
        o.put("succeeded", states.getOrDefault("done", 0));
        o.put("failed", s.path("boards").size() - states.getOrDefault("done", 0));
        o.put("rolloutS", first == Long.MAX_VALUE ? -1 : (last - first) / 1000.0);
        com.fasterxml.jackson.databind.node.ArrayNode ws = o.putArray("waves");
        for (Map.Entry<Integer, long[]> e : waves.entrySet()) {
            long[] w = e.getValue();
            ObjectNode x = ws.addObject();
            x.put("wave", e.getKey()).put("boards", w[2]).put("s", w[0] == Long.MAX_VALUE ? -1 : (w[1] - w[0]) / 1000.0);
        }
        o.put("bundleBytes", s.path("bundle").path("size").asLong());
        return o;
    }
}
