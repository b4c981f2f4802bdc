package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.LogMessage;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.ThreadsMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The host tools against the embedded broker and boards that speak the protocol from this test
 * (the tools only know the protocol; the agent itself is tested with them in the agent module).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class FleetToolsTest {
    static EmbeddedBroker broker;
    static Link board;
    static final AtomicInteger pings = new AtomicInteger();

    @BeforeAll
    static void fleet() throws Exception {
        broker = EmbeddedBroker.start();
        board = new Link(LinkConfig.builder(broker.url(), "fake-boards").build());
        board.subscribe("spindle/v1/t/+/cmd/+", 1, m -> {
            Topics.Parsed p = Topics.parse(m.topic()).orElseThrow();
            Request r = Request.parse(p.command(), m.payload(), Wire.MAX_REQUEST_BYTES);
            Object reply = switch (p.command()) {
                case "ping" -> Reply.ok(r.id(), Json.object().put("pong", pings.incrementAndGet()));
                case "threads" -> Reply.ok(r.id(), Json.MAPPER.valueToTree(new ThreadsMessage(1, 1, List.of(
                        new ThreadsMessage.Row(3, "blinker", 5, 6, "waiting", "Lock#1", 120L, 0, null, true)),
                        List.of(new ThreadsMessage.DeadlockRow(List.of("a", "b"), List.of("Lock#1", "Lock#2"),
                                "a waits for Lock#1 held by b; b waits for Lock#2 held by a")))));
                case "log.tail" -> Reply.ok(r.id(), Json.MAPPER.valueToTree(Map.of("lines",
                        List.of(new LogMessage.Line(1, "out", "hello from " + p.board())))));
                default -> Reply.error(r.id(), dev.spindle.protocol.ErrorCode.UNKNOWN_COMMAND, "no " + p.command());
            };
            board.publish(r.reply(), Json.bytes(reply), 1, false);
        });
        board.start();
        assertTrue(board.awaitConnected(30_000));
        long now = System.currentTimeMillis();
        state("b1", true, 5, now);
        telemetry("b1", 5, now, 60.0);
        state("b2", true, 2, now - 30_000);
        telemetry("b2", 2, now - 20_000, 1.0); // 20 s without telemetry, period 1 s: stale
        state("b3", false, 9, now);
    }

    static void state(String b, boolean online, long session, long ts) throws Exception {
        board.publish(Topics.state("t", b), Json.bytes(new StateMessage(1, ts, "t", b, online, online ? null : "stopped",
                session, "sim", "0.1.0", "app-2", "a", ts, 1.0)), 1, true);
    }

    static void telemetry(String b, long session, long ts, double period) throws Exception {
        // period also in the state (the view takes the telemetry's)
        board.publish(Topics.telemetry("t", b), Json.bytes(new TelemetryMessage(1, ts, session, period, 10, 1 << 20, 1 << 28,
                0.01, null, 45.5, 3, 20, "ok", "running", Map.of())), 1, true);
    }

    @AfterAll
    static void down() {
        board.close();
        broker.close();
    }

    @Test
    void boardsShowsOnlineStaleOffline() throws Exception {
        telemetry("b1", 5, System.currentTimeMillis(), 60.0);
        SpindleRun r = SpindleRun.of("boards", "--broker", broker.url(), "--fleet", "t", "--wait", "500", "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode a = Json.MAPPER.readTree(r.out());
        assertEquals(3, a.size(), r.out());
        assertEquals("online", a.get(0).path("status").asText(), r.out());
        assertEquals("stale", a.get(1).path("status").asText(), r.out());
        assertEquals("offline", a.get(2).path("status").asText(), r.out());
        assertEquals("app-2", a.get(0).path("firmware_version").asText());
        SpindleRun table = SpindleRun.of("boards", "--broker", broker.url(), "--fleet", "t", "--wait", "500");
        assertTrue(table.out().startsWith("BOARD"), table.out());
        assertTrue(table.out().contains("b2     stale"), table.out());
        assertTrue(table.out().matches("(?s).*b2     stale    \\d+s ago.*"), table.out());
    }

    @Test
    void pingThreadsLogs() {
        SpindleRun p = SpindleRun.of("ping", "b1", "-c", "3", "--broker", broker.url(), "--fleet", "t");
        assertEquals(ExitCodes.OK, p.code(), p.err());
        assertTrue(p.out().contains("3 pings: min"), p.out());
        SpindleRun t = SpindleRun.of("threads", "b1", "--broker", broker.url(), "--fleet", "t");
        assertEquals(ExitCodes.OK, t.code(), t.err());
        assertTrue(t.out().contains("blinker") && t.out().contains("5->6") && t.out().contains("Lock#1"), t.out());
        assertTrue(t.out().contains("DEADLOCK: a waits for Lock#1"), t.out());
        SpindleRun l = SpindleRun.of("logs", "b1", "--broker", broker.url(), "--fleet", "t");
        assertEquals(ExitCodes.OK, l.code(), l.err());
        assertTrue(l.out().contains("out     hello from b1"), l.out());
    }

    @Test
    void failuresHaveExitCodesAndSayWhatToDo() throws Exception {
        SpindleRun silent = SpindleRun.of("ping", "nobody", "--broker", broker.url(), "--fleet", "other", "--timeout", "2000");
        assertEquals(ExitCodes.BOARD_ERROR, silent.code());
        assertTrue(silent.err().contains("is the board online"), silent.err());
        int port = EmbeddedBroker.freePort("127.0.0.1");
        SpindleRun down = SpindleRun.of("boards", "--broker", "tcp://127.0.0.1:" + port, "--timeout", "300");
        assertEquals(ExitCodes.BROKER_UNREACHABLE, down.code());
        assertTrue(down.err().contains("is it running (spindle broker)?"), down.err());
        SpindleRun bad = SpindleRun.of("boards", "--broker", "http://x");
        assertEquals(ExitCodes.USAGE, bad.code());
    }

    @Test
    void monitorPrintsJsonLinesOfEventsAndTelemetry() throws Exception {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("monitor", "b1", "--json", "--broker", broker.url(), "--fleet", "t")));
        t.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!out.toString().contains("\"kind\":\"state\"") && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        board.publish(Topics.events("t", "b1"), Json.bytes(new EventMessage(1, System.currentTimeMillis(), 5, 1,
                EventMessage.THREAD_CRASHED, EventMessage.ERROR, "thread x crashed", "x", "java.lang.Error\n\tat a.b", null)),
                1, false);
        while (!out.toString().contains("thread_crashed") && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        ((MonitorCmd) cl.getSubcommands().get("monitor").getCommand()).stop();
        t.join(30_000);
        assertEquals(ExitCodes.OK, code.get());
        String[] lines = out.toString().split("\n");
        for (String line : lines) {
            JsonNode j = Json.MAPPER.readTree(line);
            assertEquals("b1", j.path("board").asText(), line);
        }
        assertTrue(out.toString().contains("\"kind\":\"events\""), out.toString());
        assertTrue(out.toString().contains("\"kind\":\"telemetry\""), out.toString());
    }

    @Test
    void settingsComeFromFlagsThenEnvironmentThenFile(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("spindle.properties");
        Files.writeString(cfg, "broker.url=tcp://file:1\nfleet=fromfile\nusername=u\npassword.file=" + dir.resolve("pw") + "\n");
        Files.writeString(dir.resolve("pw"), "secret\n");
        BrokerOptions o = new BrokerOptions();
        o.env = Map.of("SPINDLE_CONFIG", cfg.toString(), "SPINDLE_FLEET", "fromenv");
        BrokerOptions.Resolved r = o.resolve();
        assertEquals("tcp://file:1", r.broker());
        assertEquals("fromenv", r.fleet());
        assertEquals("u", r.username());
        assertEquals("secret", new String(r.password()));
        o.broker = "tcp://flag:2";
        assertEquals("tcp://flag:2", o.resolve().broker());
    }

    @Test
    void acknowledgementsAreAwaitedAsLongAsTimeoutSaysAtLeastTenSeconds() throws Exception {
        BrokerOptions o = new BrokerOptions();
        o.env = Map.of();
        o.broker = "tcp://127.0.0.1:1";
        o.timeoutMs = 5000; // the default
        assertEquals(10_000, o.linkConfig(o.resolve(), "t", false).operationTimeoutMs());
        o.timeoutMs = 30_000; // a loaded broker: its SUBACK comes after the fleet's retained messages
        assertEquals(30_000, o.linkConfig(o.resolve(), "t", false).operationTimeoutMs());
        assertEquals(30_000, o.toolLink(o.resolve(), "dashboard").build().operationTimeoutMs(), "the dashboard's too");
    }

    /** Runs a following command in a thread until {@code until} shows in its output, then stops it. */
    private static String follow(String until, Runnable whenStarted, String startedMarker, String... args)
            throws Exception {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute(args)));
        t.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!out.toString().contains(startedMarker) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        whenStarted.run();
        while (!out.toString().contains(until) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        ((ToolCommand) cl.getSubcommands().get(args[0]).getCommand()).stop();
        t.join(30_000);
        assertEquals(ExitCodes.OK, code.get(), out.toString());
        return out.toString();
    }

    @Test
    void logsFollowPrintsNewLines() throws Exception {
        String out = follow("a new line", () -> {
            try {
                board.publish(Topics.log("t", "b1"), Json.bytes(new LogMessage(1, System.currentTimeMillis(),
                        List.of(new LogMessage.Line(System.currentTimeMillis(), "err", "a new line")))), 0, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "hello from b1", "logs", "b1", "-f", "--broker", broker.url(), "--fleet", "t");
        assertTrue(out.indexOf("hello from b1") < out.indexOf("err     a new line"), out);
    }

    @Test
    void monitorReportsABoardTurningStale() throws Exception {
        String out = follow("STALE    no telemetry", () -> {
            try {
                long now = System.currentTimeMillis();
                // fleet t2, so the retained messages stay out of the other tests' fleet
                board.publish(Topics.state("t2", "b4"), Json.bytes(new StateMessage(1, now, "t2", "b4", true, null, 1,
                        "sim", "0.1.0", "app-2", null, now, 1.0)), 1, true);
                // a period of 1 s (stale after 3 s): long enough that a loaded machine delivers
                // the messages before they count as stale, so ONLINE is always seen first
                board.publish(Topics.telemetry("t2", "b4"), Json.bytes(new TelemetryMessage(1, now, 1, 1.0, 10, 1, 1,
                        null, null, null, 3, 20, "ok", "running", Map.of())), 1, true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "Watching", "monitor", "b4", "--broker", broker.url(), "--fleet", "t2");
        // the human lines: started, online, telemetry, then stale after 3 periods without telemetry
        assertTrue(out.contains("ONLINE   session 1"), out);
        assertTrue(out.contains("STALE    no telemetry since"), out);
    }
}
