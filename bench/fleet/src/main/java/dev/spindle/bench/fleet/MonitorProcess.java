package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.tools.sim.Footprint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code spindle monitor --json} process (optionally {@code --share GROUP}) whose output
 * lines are read by one thread: each telemetry line is recorded by its key (board and the
 * board's {@code ts}) with the delay from that {@code ts} to the moment the line was read (the
 * boards run on this host: one clock).
 */
final class MonitorProcess implements AutoCloseable {
    final String name;
    final Process process;
    /** board|ts -> delay in ms (written by the reader thread). */
    final Map<String, Long> telemetry = new ConcurrentHashMap<>();
    volatile long lastTelemetryAt; // when the last telemetry line was read (ms)
    private final Thread reader;

    MonitorProcess(String name, String url, String fleet, String share, Path err) throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.spindle.tools.SpindleCommand", "monitor",
                "--json", "--broker", url, "--fleet", fleet,
                // the connect (and the --share check's probe, which queues behind the fleet's telemetry on
                // the monitor's worker) can take longer than the default 5 s on a loaded machine
                "--timeout", "30000"));
        if (share != null) {
            cmd.addAll(List.of("--share", share));
        }
        process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        reader = new Thread(this::read, "bench-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                long now = System.currentTimeMillis();
                if (!line.startsWith("{")) {
                    continue;
                }
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if ("telemetry".equals(n.path("kind").asText())) {
                        long ts = n.path("message").path("ts").asLong();
                        telemetry.put(n.path("board").asText() + "|" + ts, now - ts);
                        lastTelemetryAt = now;
                    }
                } catch (IOException bad) {
                    // not a JSON line: not counted
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Resident set size of the monitor process (bytes; -1 when unknown). */
    long rssBytes() {
        return Footprint.rss(Path.of("/proc", Long.toString(process.pid()), "status"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
    }
}
