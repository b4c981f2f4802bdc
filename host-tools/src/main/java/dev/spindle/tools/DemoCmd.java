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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle demo}: the embedded broker, N boards and a monitor, until Ctrl-C.
 *
 * <p>Each board is a real agent process ({@code dev.spindle.agent.Main}, a child JVM with its own
 * thread registry) on a simulated board running the {@code DemoFirmware} example (blinking GPIO 17,
 * a button on GPIO 27 that crashes a thread, an echo on serial1, which the board's serial0 is
 * wired to; board demo-1's button is pressed by a script every {@code --button-period} s). One process per board, not one
 * JVM for all: the Spindle thread registry is per JVM, so agents sharing one would each report
 * every board's threads and crashes. Ctrl-C stops each agent cleanly (SIGTERM: its state goes
 * offline with reason {@code stopped}), then the broker. A shutdown hook holds the JVM until that
 * clean-up has run, so Ctrl-C (SIGINT) and SIGTERM to the demo stop the boards as {@link #stop()} does.
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

    @Option(names = "--button-period", paramLabel = "S", defaultValue = "20",
            description = "Board demo-1's button is pressed every S seconds, 0 for never (default ${DEFAULT-VALUE}).")
    double buttonPeriodS;

    @Option(names = "--app", defaultValue = "dev.spindle.examples.DemoFirmware",
            description = "Main class of the boards' firmware (default ${DEFAULT-VALUE}).")
    String app;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0", hidden = true, description = "Stop after S seconds.")
    long durationS;

    @Option(names = "--trust", paramLabel = "PUB|DIR",
            description = "Public key(s) the demo boards trust for spindle deploy (default: .dev-keys/dev.pub when it"
                    + " exists, the development key of make bundle).")
    Path trust;

    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    /** Released when run() has stopped the boards and the broker; the shutdown hook waits for it. */
    private final CountDownLatch cleanedUp = new CountDownLatch(1);

    @Override
    int run() throws ToolException, InterruptedException {
        if (boards < 1 || boards > 50) {
            throw new ToolException(ExitCodes.USAGE, "--boards must be 1..50");
        }
        if (buttonPeriodS != 0 && !(buttonPeriodS >= 0.2 && buttonPeriodS <= 86_400)) {
            throw new ToolException(ExitCodes.USAGE, "--button-period must be 0 (no scripted button) or 0.2..86400 s");
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
        Thread hold = new Thread(() -> {
            stop();
            try {
                cleanedUp.await(90, TimeUnit.SECONDS); // hang guard: the JVM halts when this hook returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spindle-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hold);
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
                agents.add(startAgent(work, "demo-" + i, fleet, broker.url(), i == 1 ? buttonPeriodS : 0));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (onlineCount() < boards && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            String b = " --broker " + broker.url() + " --fleet " + fleet;
            String spindle = "host-tools/bin/spindle ";
            out.println();
            out.println("All " + onlineCount() + " boards are online, each running " + app + ":");
            out.println("  threads producer/worker-highest/worker-low share a Lock and Condition; blink toggles GPIO 17;");
            out.println("  echo answers lines on serial1 (wired to serial0); a press of the button on GPIO 27 crashes 'fragile'"
                    + (buttonPeriodS > 0 ? " (demo-1's is pressed every " + fmt(buttonPeriodS) + " s)." : "."));
            out.println("In another terminal (from this directory), try:");
            String[][] tips = {
                {"boards" + b, ""},
                {"monitor" + b, "telemetry with pin states, and events"},
                {"threads demo-2" + b, ""},
                {"gpio read 17 --board demo-2" + b, "the blinking LED"},
                {"gpio write 27 low --board demo-2" + b, "press demo-2's button: 'fragile' crashes"},
                {"gpio write 27 high --board demo-2" + b, "release it"},
                {"serial write serial0 hello --board demo-3" + b, "the firmware echoes it on serial1"},
                {"logs demo-3 -f" + b, "shows 'serial0 received: echo: hello'"},
            };
            int width = 0;
            for (String[] t : tips) {
                width = Math.max(width, t[0].length());
            }
            for (String[] t : tips) {
                out.println("  " + spindle + (t[1].isEmpty() ? t[0] : t[0] + " ".repeat(width - t[0].length()) + "  # " + t[1]));
            }
            out.println("  mosquitto_sub -h 127.0.0.1 -p " + broker.port() + " -v -t 'spindle/v1/demo/#'");
            if (trustKey() != null) {
                out.println("  " + spindle + "deploy firmware/examples/target/bundles/demo-firmware.zip --board demo-2" + b
                        + "  # make bundle first; the boards trust " + trustKey());
            } else {
                out.println("  (spindle deploy: run make bundle first, then restart the demo: the boards trust"
                        + " .dev-keys/dev.pub once it exists, or the key given with --trust)");
            }
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
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hold);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and returns now
            }
        }
        return ExitCodes.OK;
    }

    private long onlineCount() {
        return lastState.values().stream().filter("online"::equals).count();
    }

    private long offlineCount() {
        return lastState.values().stream().filter("offline"::equals).count();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private Process startAgent(Path work, String board, String fleet, String url, double buttonS) throws IOException {
        Path dir = work.resolve(board);
        Files.createDirectories(dir);
        Path cfg = dir.resolve("agent.properties");
        Files.writeString(cfg, String.join("\n", "board.id=" + board, "fleet=" + fleet, "board.type=sim",
                "broker.url=" + url, "data.dir=" + dir.resolve("data"), "telemetry.period.s=" + periodS,
                "app.main=" + app, "app.version=examples-demo", "sim.connect=serial0:serial1",
                trustKey() == null ? "" : "deploy.trust=" + trustKey().toAbsolutePath(), "deploy.health.grace.ms=5000",
                buttonS > 0 ? "sim.button=27:" + Math.round(buttonS * 1000) : "", ""), StandardCharsets.UTF_8);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.spindle.agent.Main", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    }

    /** @return the key the demo boards trust for deploys, or null (then they refuse every bundle) */
    private Path trustKey() {
        if (trust != null) {
            return trust;
        }
        Path dev = Path.of(".dev-keys", "dev.pub");
        return Files.isRegularFile(dev) ? dev : null;
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
