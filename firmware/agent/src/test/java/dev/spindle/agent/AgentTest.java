package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent in this JVM against the embedded broker (fast); Mosquitto and agent processes are in AgentProcessTest. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class AgentTest {
    @TempDir
    Path dir;

    static AgentConfig config(String url, Path dataDir, String board, String main, String... extra) throws Exception {
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", "test");
        p.setProperty("board.type", "sim");
        p.setProperty("broker.url", url);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("telemetry.period.s", "0.5");
        p.setProperty("app.version", "test-1");
        if (main != null) {
            p.setProperty("app.main", main);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return AgentConfig.from(p, "test", dataDir);
    }

    @Test
    void reportsAndAnswersAndSurvivesBadInput() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(); FleetProbe probe = new FleetProbe(broker.url(), "test");
                Agent agent = new Agent(config(broker.url(), dir, "b1", TestApps.Blinker.class.getName()), BoardIo.NONE)) {
            AtomicInteger executed = new AtomicInteger();
            agent.register("count", r -> Json.object().put("n", executed.incrementAndGet()));
            agent.start();
            JsonNode birth = probe.await("state", s -> s.path("online").asBoolean()).body();
            assertEquals("sim", birth.path("board_type").asText());
            assertEquals("test-1", birth.path("firmware_version").asText());
            long session = birth.path("session").asLong();
            assertTrue(session >= 2, "session counted: " + birth);
            probe.await("events", e -> e.path("type").asText().equals("app_started"));
            JsonNode t = probe.await("telemetry", x -> x.path("app_state").asText().equals("running")).body();
            assertTrue(t.path("heap_used_bytes").asLong() > 0, t.toString());
            assertEquals(0.5, t.path("period_s").asDouble());
            probe.await("threads", x -> x.path("threads").toString().contains("blinker"));
            FleetProbe.until("online in the view", () -> probe.view.board("test", "b1", System.currentTimeMillis()) != null
                    && probe.view.board("test", "b1", System.currentTimeMillis()).status().name().equals("ONLINE"));

            Reply pong = probe.rpc.call("b1", "ping", null, 30_000);
            assertTrue(pong.ok() && pong.body().path("pong").asBoolean(), pong.body().toString());
            Reply info = probe.rpc.call("b1", "info", null, 30_000);
            assertEquals(session, info.body().path("session").asLong());
            assertTrue(info.body().path("commands").toString().contains("app.restart"), info.body().toString());
            Reply threads = probe.rpc.call("b1", "threads", null, 30_000);
            assertTrue(threads.body().path("threads").toString().contains("blinker"), threads.body().toString());
            Reply tail = probe.rpc.call("b1", "log.tail", Map.of("lines", 500), 30_000);
            assertTrue(tail.body().path("lines").toString().contains("started"), tail.body().toString());

            // duplicate ids: executed once, answered twice with the same reply
            Reply first = probe.rpc.call("b1", "count", "dup-1", null, 30_000);
            Reply again = probe.rpc.call("b1", "count", "dup-1", null, 30_000);
            assertEquals(first.body(), again.body());
            assertEquals(1, executed.get());

            // bad input: error replies and events, the agent goes on
            Reply unknown = probe.rpc.call("b1", "no.such", null, 30_000);
            assertEquals(ErrorCode.UNKNOWN_COMMAND, unknown.errorCode());
            Reply wrongType = probe.rpc.call("b1", "log.tail", Map.of("lines", "ten"), 30_000);
            assertEquals(ErrorCode.BAD_REQUEST, wrongType.errorCode());
            assertTrue(wrongType.errorMessage().contains("'lines' must be an integer"), wrongType.errorMessage());
            String big = "{\"v\":1,\"id\":\"big-1\",\"reply\":\"" + probe.rpc.replyTopic() + "\",\"pad\":\""
                    + "x".repeat(70_000) + "\"}";
            Reply tooLarge = probe.rpc.callRaw(Topics.cmd("test", "b1", "ping"), "big-1",
                    big.getBytes(StandardCharsets.UTF_8), 30_000);
            assertEquals(ErrorCode.TOO_LARGE, tooLarge.errorCode());
            probe.link.publish(Topics.cmd("test", "b1", "ping"), "{not json".getBytes(StandardCharsets.UTF_8), 1, false);
            Reply noGpio = probe.rpc.call("b1", "gpio.read", Map.of("pin", "GPIO17"), 30_000);
            assertEquals(ErrorCode.UNAVAILABLE, noGpio.errorCode());
            probe.await("events", e -> e.path("type").asText().equals("bad_request")
                    && e.path("message").asText().contains("malformed JSON"));
            probe.await("events", e -> e.path("type").asText().equals("bad_request")
                    && e.path("data").path("code").asText().equals("too_large"));
            assertTrue(probe.rpc.call("b1", "ping", null, 30_000).ok(), "still answering");

            // a note from the code that runs the agent: an event like the others; a bad severity is refused
            agent.note("warning", "from the host", java.util.Map.of("k", 1));
            JsonNode note = probe.await("events", e -> e.path("type").asText().equals("note")).body();
            assertEquals("warning", note.path("severity").asText(), note.toString());
            assertEquals("from the host", note.path("message").asText());
            assertEquals(1, note.path("data").path("k").asInt());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> agent.note("loud", "x", java.util.Map.of()));

            // a crashing thread: event with its stack, health degraded
            TestApps.crashNow("boom-in-test");
            JsonNode crash = probe.await("events", e -> e.path("type").asText().equals("thread_crashed")).body();
            assertTrue(crash.path("stack").asText().contains("boom-in-test"), crash.toString());
            assertEquals("crasher", crash.path("thread").asText());
            probe.await("telemetry", x -> x.path("health").asText().equals("degraded"));

            // app.restart: stopped and started again, health back to ok
            int starts = TestApps.Blinker.starts;
            Reply restart = probe.rpc.call("b1", "app.restart", null, 30_000);
            assertTrue(restart.ok(), restart.body().toString());
            // the reply comes once the app's main thread was started; its main runs on that thread
            long deadline = System.currentTimeMillis() + 30_000; // hang guard
            while (TestApps.Blinker.starts < starts + 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(starts + 1, TestApps.Blinker.starts, "the app's main ran once more");
            probe.await("events", e -> e.path("type").asText().equals("app_stopped")
                    && e.path("data").path("reason").asText().equals("restart"));
            probe.await("telemetry", x -> x.path("health").asText().equals("ok"));

            // events are numbered without gaps within a session
            List<JsonNode> events = probe.all("events");
            for (int i = 1; i < events.size(); i++) {
                if (events.get(i).path("session").asLong() == events.get(i - 1).path("session").asLong()) {
                    assertEquals(events.get(i - 1).path("seq").asLong() + 1, events.get(i).path("seq").asLong(),
                            events.toString());
                }
            }
            probe.clear();
            agent.close();
            JsonNode off = probe.await("state", s -> !s.path("online").asBoolean()).body();
            assertEquals("stopped", off.path("reason").asText());
            assertEquals(session, off.path("session").asLong());
            probe.await("events", e -> e.path("type").asText().equals("app_stopped")
                    && e.path("data").path("reason").asText().equals("agent_stop"));
        }
    }

    @Test
    void crashFiresTheWillAndSessionGrowsAcrossRestarts() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(); FleetProbe probe = new FleetProbe(broker.url(), "test")) {
            Path sensor = dir.resolve("temp");
            java.nio.file.Files.writeString(sensor, "48300\n");
            Agent a = new Agent(config(broker.url(), dir, "b2", null, "temperature.file", sensor.toString()), BoardIo.NONE);
            a.start();
            long s1 = probe.await("state", s -> s.path("online").asBoolean()).body().path("session").asLong();
            assertEquals(48.3, probe.await("telemetry", x -> x.has("temperature_c")).body().path("temperature_c").asDouble());

            // a deadlock: event, threads message, health
            TestApps.deadlockFor(4000);
            JsonNode dl = probe.await("events", e -> e.path("type").asText().equals("deadlock")).body();
            assertTrue(dl.path("message").asText().contains("philosopher-1 waits for"), dl.toString());
            probe.await("threads", x -> x.path("deadlocks").size() == 1);
            probe.await("telemetry", x -> x.path("health").asText().equals("deadlock"));
            FleetProbe.until("the deadlock's timeouts end it", () -> AppRunner.liveSpindleThreads() == 0);
            probe.await("threads", x -> x.path("deadlocks").size() == 0 && x.path("threads").toString().contains("philosopher"));
            a.crashForTest();
            JsonNode will = probe.await("state", s -> !s.path("online").asBoolean()).body();
            assertEquals("connection_lost", will.path("reason").asText());
            assertEquals(s1, will.path("session").asLong());
            probe.clear();
            try (Agent b = new Agent(config(broker.url(), dir, "b2", null), BoardIo.NONE)) {
                b.start();
                long s2 = probe.await("state", s -> s.path("online").asBoolean()).body().path("session").asLong();
                assertTrue(s2 > s1, s1 + " then " + s2);
                assertEquals("no_app", probe.await("telemetry", x -> x.path("session").asLong() == s2).body()
                        .path("health").asText());
            }
        }
    }

    @Test
    void eventsWhileTheBrokerIsAwayArriveInOrderAfterItReturns() throws Exception {
        int port = EmbeddedBroker.freePort("127.0.0.1");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        EmbeddedBroker.PublishObserver observer = (client, topic, payload) -> {
            if (topic.endsWith("/events")) {
                seen.add(new String(payload, StandardCharsets.UTF_8));
            }
        };
        EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port, null, observer);
        try (Agent agent = new Agent(config(broker.url(), dir, "b3", null, "outbox.max.events", "100"), BoardIo.NONE)) {
            agent.start();
            assertTrue(agent.awaitConnected(30_000));
            broker.close();
            FleetProbe.until("disconnected", () -> !agent.isConnected());
            long before = countFiles(dir.resolve("outbox"));
            for (int i = 1; i <= 5; i++) {
                TestApps.crashNow("away-" + i);
                long n = before + i;
                FleetProbe.until("crash event " + i + " queued", () -> countFiles(dir.resolve("outbox")) >= n);
            }
            broker = EmbeddedBroker.start("127.0.0.1", port, null, observer);
            FleetProbe.until("5 events after the restart",
                    () -> seen.stream().filter(s -> s.contains("away-")).count() >= 5);
            List<String> order = seen.stream().filter(s -> s.contains("away-")).toList();
            for (int i = 0; i < 5; i++) {
                assertTrue(order.get(i).contains("away-" + (i + 1)), order.toString());
            }
        } finally {
            broker.close();
        }
        assertEquals(0, countFiles(dir.resolve("outbox")), "outbox drained");
    }

    private static long countFiles(Path d) {
        try (var s = java.nio.file.Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().startsWith("e-")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
