package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code spindle dashboard --port 0} process and one client of its fleet stream
 * ({@code GET /events}, Server-Sent Events, what the fleet page reads in a browser). Each board
 * in a {@code boards} event carries {@code last_seen}: the {@code ts} of the board's newest
 * message (the dashboard takes the board's own time, docs/protocol.md). The first time a
 * (board, last_seen) pair arrives, the delay from that {@code ts} to the moment the event was read
 * here is recorded: board to browser, including the dashboard's batching into
 * 250 ms ticks. The boards run on this host: one clock.
 *
 * <p>Threads: the reader thread writes {@link #updates}; the harness reads it (concurrent map).
 */
final class DashboardProcess implements AutoCloseable {
    final Process process;
    /** board|last_seen -> delay in ms from that ts to the SSE event read here. */
    final Map<String, Long> updates = new ConcurrentHashMap<>();
    volatile long events; // boards events read
    private final Thread reader;
    private volatile HttpURLConnection stream;
    private volatile String failure;

    DashboardProcess(String url, String fleet, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = dir.resolve("dashboard.out");
        Path err = dir.resolve("dashboard.err");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.spindle.tools.SpindleCommand", "dashboard",
                "--broker", url, "--fleet", fleet, "--port", "0",
                "--timeout", "30000")); // the connect may take longer than the default 5 s on a loaded machine
        process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        String base = null;
        long deadline = System.currentTimeMillis() + 60_000; // hang guard
        while (base == null) {
            String o = Files.readString(out, StandardCharsets.UTF_8);
            int i = o.indexOf("http://");
            int nl = i < 0 ? -1 : o.indexOf('\n', i);
            if (nl > 0) {
                base = o.substring(i, nl).strip();
            } else if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("spindle dashboard did not start: " + o
                        + Files.readString(err, StandardCharsets.UTF_8));
            } else {
                Thread.sleep(100);
            }
        }
        URI events = URI.create(base.endsWith("/") ? base + "events" : base + "/events");
        reader = new Thread(() -> read(events), "bench-dashboard-sse");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setRequestProperty("Accept", "text/event-stream");
            c.setReadTimeout(0);
            stream = c;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = in.readLine()) != null;) {
                    long now = System.currentTimeMillis();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && "boards".equals(event)) {
                        JsonNode d = Json.MAPPER.readTree(line.substring(6));
                        events++;
                        for (JsonNode b : d.path("boards")) {
                            long seen = b.path("last_seen").asLong();
                            if (seen > 0) {
                                updates.putIfAbsent(b.path("board").asText() + "|" + seen, now - seen);
                            }
                        }
                    } else if (line.isEmpty()) {
                        event = null;
                    }
                }
            }
        } catch (IOException e) {
            failure = e.toString(); // the process ended or the stream broke
        }
    }

    /** Why the stream ended, or null while it runs. */
    String failure() {
        return failure;
    }

    long rssBytes() {
        return dev.spindle.tools.sim.Footprint.rss(Path.of("/proc", Long.toString(process.pid()), "status"));
    }

    @Override
    public void close() throws InterruptedException {
        HttpURLConnection c = stream;
        if (c != null) {
            c.disconnect();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
    }
}
