package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle demo}: the embedded broker, N boards and a monitor, until Ctrl-C.
 *
 * <p>Each board is a real agent process ({@code dev.spindle.agent.Main}, a child JVM with its own
 * thread registry) running the {@code Heartbeat} example firmware. One process per board, not one
 * JVM for all: the Spindle thread registry is per JVM, so agents sharing one would each report
 * every board's threads and crashes. Ctrl-C stops each agent cleanly (SIGTERM: its state goes
 * offline with reason {@code stopped}), then the broker.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start the embedded broker and N simulated boards running example firmware, and watch them.",
            "Ctrl-C stops everything and sets the boards offline."})
final class DemoCmd extends ToolCommand {
    @Option(names = "--boards", defaultValue = "3", description = "How many boards (default ${DEFAULT-VALUE}).")
    int boards;

    @Option(names = "--port", defaultValue = "0", description = "Broker port (default: a free one).")
    int port;

    @Option(names = "--period", paramLabel = "S", defaultValue = "2", description = "Telemetry period, s (default ${DEFAULT-VALUE}).")
    double periodS;

    @Option(names = "--app", defaultValue = "dev.spindle.examples.Heartbeat",
            description = "Main class of the boards' firmware (default ${DEFAULT-VALUE}).")
    String app;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0", hidden = true, description = "Stop after S seconds.")
    long durationS;

    private final Map<String, String> lastState = new ConcurrentHashMap<>();

    @Override
    int run() throws ToolException, InterruptedException {
        if (boards < 1 || boards > 50) {
            throw new ToolException(ExitCodes.USAGE, "--boards must be 1..50");
        }
        PrintWriter out = out();
        String fleet = "demo";
        Path work;
        EmbeddedBroker broker;
        try {
            work = Files.createTempDirectory("spindle-demo-");
            broker = EmbeddedBroker.start("127.0.0.1", port, null);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot start the demo: " + e.getMessage());
        }
        List<Process> agents = new ArrayList<>();
        Link watch = null;
        try {
            out.println("Spindle demo: MQTT broker on " + broker.url() + ", fleet '" + fleet + "', " + boards + " boards.");
            out.flush();
            watch = new Link(LinkConfig.builder(broker.url(), LinkConfig.toolClientId("spindle-demo")).build());
            watch.subscribe(Topics.fleetFilter(fleet, Topics.STATE), Wire.QOS_RELIABLE, this::show);
            watch.subscribe(Topics.fleetFilter(fleet, Topics.EVENTS), Wire.QOS_RELIABLE, this::show);
            watch.start();
            if (!watch.awaitConnected(30_000)) {
                throw new ToolException(ExitCodes.FAILURE, "the demo's monitor cannot reach its own broker " + broker.url());
            }
            for (int i = 1; i <= boards; i++) {
                agents.add(startAgent(work, "demo-" + i, fleet, broker.url()));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (onlineCount() < boards && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            String b = "--broker " + broker.url() + " --fleet " + fleet;
            out.println();
            out.println("All " + onlineCount() + " boards are online. In another terminal, try:");
            out.println("  host-tools/bin/spindle boards " + b);
            out.println("  host-tools/bin/spindle threads demo-1 " + b);
            out.println("  host-tools/bin/spindle logs demo-1 -f " + b);
            out.println("  host-tools/bin/spindle monitor " + b);
            out.println("  mosquitto_sub -h 127.0.0.1 -p " + broker.port() + " -v -t 'spindle/v1/demo/#'");
            out.println("Ctrl-C stops the boards (they go offline) and the broker.");
            out.println();
            out.flush();
            awaitStop(durationS * 1000);
        } catch (IOException | dev.spindle.protocol.mqtt.LinkException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot start a demo board: " + e.getMessage());
        } finally {
            out.println("Stopping " + agents.size() + " boards...");
            out.flush();
            for (Process p : agents) {
                p.destroy(); // SIGTERM to our own child: a clean stop, state offline
            }
            for (Process p : agents) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (offlineCount() < agents.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            out.println(offlineCount() + " of " + agents.size() + " boards offline; stopping the broker.");
            out.flush();
            if (watch != null) {
                watch.close();
            }
            broker.close();
            deleteTree(work);
        }
        return ExitCodes.OK;
    }

    private long onlineCount() {
        return lastState.values().stream().filter("online"::equals).count();
    }

    private long offlineCount() {
        return lastState.values().stream().filter("offline"::equals).count();
    }

    private Process startAgent(Path work, String board, String fleet, String url) throws IOException {
        Path dir = work.resolve(board);
        Files.createDirectories(dir);
        Path cfg = dir.resolve("agent.properties");
        Files.writeString(cfg, String.join("\n", "board.id=" + board, "fleet=" + fleet, "board.type=sim",
                "broker.url=" + url, "data.dir=" + dir.resolve("data"), "telemetry.period.s=" + periodS,
                "app.main=" + app, "app.version=examples-demo", ""), StandardCharsets.UTF_8);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.spindle.agent.Main", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    }

    private void show(Inbound m) {
        Topics.Parsed p = Topics.parse(m.topic()).orElse(null);
        JsonNode body;
        try {
            body = Json.tree(m.payload());
        } catch (ProtocolException e) {
            return;
        }
        if (p == null) {
            return;
        }
        if (p.kind().equals(Topics.STATE)) {
            lastState.put(p.board(), body.path("online").asBoolean() ? "online" : "offline");
        }
        synchronized (this) {
            out().println(p.board() + "  " + MonitorCmd.human(p.kind(), body));
            out().flush();
        }
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException e) {
            // nothing to clean
        }
    }
}
