package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.testing.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real process (a child JVM running {@link Main}) against Debian's Mosquitto,
 * started by the test on a free port. Kills only the processes it started, by their handles.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class AgentProcessTest {
    @TempDir
    Path dir;

    private final List<Process> agents = new ArrayList<>();
    private MosquittoBroker mosquitto;

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : agents) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
        if (mosquitto != null) {
            mosquitto.stop();
        }
    }

    private MosquittoBroker mosquitto() throws Exception {
        mosquitto = new MosquittoBroker(dir.resolve("mosquitto")).persistent(); // restarted in noEventLostWhenMosquittoRestarts
        mosquitto.start();
        return mosquitto;
    }

    private Process agent(String board, String url, double periodS, String main, String args) throws Exception {
        Path data = dir.resolve(board);
        Files.createDirectories(data);
        Path cfg = data.resolve("agent.properties");
        Files.writeString(cfg, String.join("\n", "board.id=" + board, "fleet=it", "board.type=sim", "broker.url=" + url,
                "data.dir=" + data.resolve("data"), "telemetry.period.s=" + periodS, "app.version=it-1",
                // a short spread: a test's few boards need no fleet-wide pacing after a broker restart, and
                // with the default 20 s a stuck connect's 40 s replacement would not fit the test's waits
                "broker.reconnect.spread.ms=2000",
                main == null ? "" : "app.main=" + main, args == null ? "" : "app.args=" + args, ""));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, Main.class.getName(),
                "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("agent.log").toFile()).start();
        agents.add(p);
        return p;
    }

    private static boolean isType(JsonNode e, String type) {
        return e.path("type").asText().equals(type);
    }

    @Test
    void killedProcessFiresTheWillCleanStopSaysStopped() throws Exception {
        MosquittoBroker m = mosquitto();
        try (FleetProbe probe = new FleetProbe(m.url(), "it")) {
            Process a = agent("killed", m.url(), 1, TestApps.Blinker.class.getName(), null);
            long s = probe.await("state", x -> x.path("board").asText().equals("killed") && x.path("online").asBoolean())
                    .body().path("session").asLong();
            a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            JsonNode will = probe.await("state", x -> x.path("board").asText().equals("killed")
                    && !x.path("online").asBoolean()).body();
            assertEquals("connection_lost", will.path("reason").asText());
            assertEquals(s, will.path("session").asLong());

            Process b = agent("stopped", m.url(), 1, TestApps.Blinker.class.getName(), null);
            long sb = probe.await("state", x -> x.path("board").asText().equals("stopped") && x.path("online").asBoolean())
                    .body().path("session").asLong();
            probe.await("events", e -> isType(e, "app_started"));
            b.destroy(); // SIGTERM: the shutdown hook stops the agent cleanly
            assertTrue(b.waitFor(60, TimeUnit.SECONDS), "agent process ended after SIGTERM");
            JsonNode off = probe.await("state", x -> x.path("board").asText().equals("stopped")
                    && !x.path("online").asBoolean()).body();
            assertEquals("stopped", off.path("reason").asText());
            assertEquals(sb, off.path("session").asLong());
            probe.await("events", e -> isType(e, "app_stopped") && e.path("data").path("reason").asText().equals("agent_stop"));
            Thread.sleep(1000);
            long wills = probe.all("state").stream().filter(x -> x.path("board").asText().equals("stopped")
                    && x.path("reason").asText().equals("connection_lost")).count();
            assertEquals(0, wills, "no will after a clean stop");
        }
    }

    @Test
    void commandsRoundTripThroughMosquittoOncePerId() throws Exception {
        MosquittoBroker m = mosquitto();
        try (FleetProbe probe = new FleetProbe(m.url(), "it")) {
            agent("cmd", m.url(), 1, TestApps.Blinker.class.getName(), null);
            probe.await("state", x -> x.path("online").asBoolean());
            probe.await("events", e -> isType(e, "app_started"));
            Reply info = probe.rpc.call("cmd", "info", null, 30_000);
            assertEquals("it-1", info.body().path("firmware_version").asText(), info.body().toString());
            Reply threads = probe.rpc.call("cmd", "threads", null, 30_000);
            assertTrue(threads.body().path("threads").toString().contains("blinker"), threads.body().toString());
            Reply tail = probe.rpc.call("cmd", "log.tail", Map.of("lines", 100), 30_000);
            assertTrue(tail.body().path("lines").toString().contains("blink"), "the app's console is in the log ring: "
                    + tail.body());

            // the same id twice: one restart, two identical replies
            Reply r1 = probe.rpc.call("cmd", "app.restart", "restart-1", null, 30_000);
            Reply r2 = probe.rpc.call("cmd", "app.restart", "restart-1", null, 30_000);
            assertTrue(r1.ok(), r1.body().toString());
            assertEquals(r1.body(), r2.body());
            probe.await("events", e -> isType(e, "app_stopped") && e.path("data").path("reason").asText().equals("restart"));
            Thread.sleep(500);
            assertEquals(2, probe.all("events").stream().filter(e -> isType(e, "app_started")).count(),
                    "started once at boot and once by the single restart");

            Reply bad = probe.rpc.call("cmd", "gpio.write", Map.of("pin", "GPIO17", "value", 7), 30_000);
            assertEquals(ErrorCode.BAD_REQUEST, bad.errorCode());
            probe.link.publish("spindle/v1/it/cmd/cmd/ping", "[]".getBytes(StandardCharsets.UTF_8), 1, false);
            probe.await("events", e -> isType(e, "bad_request") && e.path("message").asText().contains("JSON object"));

            int n = 300;
            long[] rtt = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                assertTrue(probe.rpc.call("cmd", "ping", null, 30_000).ok());
                rtt[i] = System.nanoTime() - t0;
            }
            long[] raw = rawPingPong(m.url(), n);
            Arrays.sort(rtt);
            System.out.printf("Mosquitto, agent ping command (QoS 1, TCP_NODELAY): p50 %.3f ms, p99 %.3f ms%n",
                    rtt[n / 2] / 1e6, rtt[n * 99 / 100] / 1e6);
            System.out.printf("Mosquitto, raw Paho QoS 1 ping-pong (TCP_NODELAY): p50 %.3f ms, p99 %.3f ms%n",
                    raw[n / 2] / 1e6, raw[n * 99 / 100] / 1e6);
        }
    }

    /** Baseline: two links echoing a payload, no protocol, same broker and QoS. */
    private static long[] rawPingPong(String url, int n) throws Exception {
        try (Link echo = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("echo")).build());
                Link client = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("pinger")).build())) {
            echo.subscribe("raw/ping", 1, msg -> echo.publish("raw/pong", msg.payload(), 1, false));
            java.util.concurrent.BlockingQueue<byte[]> pongs = new java.util.concurrent.LinkedBlockingQueue<>();
            client.subscribe("raw/pong", 1, msg -> pongs.add(msg.payload()));
            echo.start();
            client.start();
            assertTrue(echo.awaitConnected(30_000) && client.awaitConnected(30_000));
            long[] rtt = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                client.publish("raw/ping", new byte[] {(byte) i}, 1, false);
                assertTrue(pongs.poll(30, TimeUnit.SECONDS) != null);
                rtt[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtt);
            return rtt;
        }
    }

    @Test
    void noEventLostWhenMosquittoRestarts() throws Exception {
        MosquittoBroker m = mosquitto();
        try (FleetProbe probe = new FleetProbe(m.url(), "it", "it-persistent-probe", false)) {
            Process a = agent("restart", m.url(), 1, TestApps.Crashy.class.getName(), "150");
            probe.await("events", e -> e.path("message").asText().contains("crash-3"));
            m.stop();
            Thread.sleep(2000); // several crashes happen while the broker is away
            m.start();
            AtomicLong before = new AtomicLong(maxCrash(probe));
            try {
                probe.await("events", e -> crashNumber(e) > before.get() + 20);
            } catch (AssertionError e) {
                throw new AssertionError("no crash event after " + (before.get() + 20) + " once Mosquitto was back; probe: "
                        + probe.link.connectCount() + " connects, " + probe.link.abandonedClients() + " clients replaced, last error "
                        + probe.link.lastErrorExplained() + "; the agent's log ends:\n" + logTail("restart", 40), e);
            }
            a.destroy();
            assertTrue(a.waitFor(60, TimeUnit.SECONDS));
            probe.await("state", x -> x.path("reason").asText().equals("stopped"));
            TreeSet<Long> got = new TreeSet<>();
            for (JsonNode e : probe.all("events")) {
                if (crashNumber(e) > 0) {
                    got.add(crashNumber(e));
                }
            }
            long first = got.first();
            long last = got.last();
            List<Long> missing = new ArrayList<>();
            for (long i = first; i <= last; i++) {
                if (!got.contains(i)) {
                    missing.add(i);
                }
            }
            assertEquals(List.of(), missing, "crash events " + first + ".." + last + " all arrived");
            assertTrue(last - first > 20, "events before, during and after the outage: " + first + ".." + last);
            assertTrue(probe.link.connectCount() >= 2, "the probe reconnected too");
        }
    }

    /** The last {@code lines} lines of a board's agent log, for a failure message. */
    private String logTail(String board, int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(board).resolve("agent.log"), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException e) {
            return "(cannot read the agent's log: " + e + ")";
        }
    }

    private static long crashNumber(JsonNode e) {
        String msg = e.path("message").asText();
        int i = msg.indexOf("crash-");
        return i < 0 || !e.path("type").asText().equals("thread_crashed") ? -1 : Long.parseLong(msg.substring(i + 6).trim());
    }

    private static long maxCrash(FleetProbe probe) {
        return probe.all("events").stream().mapToLong(AgentProcessTest::crashNumber).max().orElse(0);
    }

    @Test
    void aHungAgentTurnsStaleWithoutAWill() throws Exception {
        MosquittoBroker m = mosquitto();
        try (FleetProbe probe = new FleetProbe(m.url(), "it")) {
            Process a = agent("hung", m.url(), 0.5, null, null);
            FleetProbe.until("online", () -> status(probe, "hung") == FleetView.Status.ONLINE);
            kill("-STOP", a.pid());
            try {
                FleetProbe.until("stale", () -> status(probe, "hung") == FleetView.Status.STALE);
                assertTrue(probe.view.board("it", "hung", System.currentTimeMillis()).state().online(),
                        "no will: the broker has not noticed anything");
            } finally {
                kill("-CONT", a.pid());
            }
            FleetProbe.until("online again", () -> status(probe, "hung") == FleetView.Status.ONLINE);
            a.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            FleetProbe.until("offline by the will", () -> status(probe, "hung") == FleetView.Status.OFFLINE);
            assertFalse(probe.view.board("it", "hung", System.currentTimeMillis()).state().online());
        }
    }

    private static FleetView.Status status(FleetProbe probe, String board) {
        FleetView.Board b = probe.view.board("it", board, System.currentTimeMillis());
        return b == null ? null : b.status();
    }

    /** Sends a signal to a process this test started (by its PID). */
    private static void kill(String signal, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, k.waitFor(), "kill " + signal + " " + pid);
    }
}
