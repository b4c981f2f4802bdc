package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RolloutPublisher} with a real {@link RolloutEngine} (scripted per-board step) against the
 * embedded broker: what it publishes (payload), that the final state is retained, and that many
 * progress calls are coalesced into few messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // hang guard only
class RolloutPublisherTest {
    static EmbeddedBroker broker;
    static Link link;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedBroker.quietLogging();
        broker = EmbeddedBroker.start();
        link = new Link(LinkConfig.builder(broker.url(), LinkConfig.toolClientId("publisher-test")).build());
        link.start();
        assertTrue(link.awaitConnected(10_000));
    }

    @AfterAll
    static void stop() {
        link.close();
        broker.close();
    }

    /** Everything received on a topic, in order, by a second client. */
    static final class Watcher implements AutoCloseable {
        final Link sub;
        final List<JsonNode> got = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();

        /** Keeps only the messages of rollout {@code id} (other tests' rollouts are retained too). */
        Watcher(String filter, String id) throws Exception {
            sub = new Link(LinkConfig.builder(broker.url(), LinkConfig.toolClientId("publisher-watch")).build());
            sub.subscribe(filter, 1, m -> {
                JsonNode n = Json.MAPPER.readTree(m.payload());
                if (!id.equals(n.path("id").asText())) {
                    return;
                }
                got.add(n);
                queue.add(n);
            });
            sub.start();
            assertTrue(sub.awaitConnected(10_000));
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = queue.poll(30, TimeUnit.SECONDS);
            assertTrue(n != null, "no message on the rollout topic");
            return n;
        }

        @Override
        public void close() {
            sub.close();
        }
    }

    private static RolloutEngine engine(RolloutRecord r, ScriptedBoardDeployment d, Path dir, RolloutListener l) {
        return new RolloutEngine(r, d, new RolloutStore(dir), new AuditLog(dir.resolve("audit.log"), "tester", "testhost"),
                l);
    }

    @Test
    void publishesWavesBoardsReasonsAndRetainsTheFinalState() throws Exception {
        Path dir = Files.createTempDirectory("spindle-pub-test-");
        RolloutRecord r = Rollouts.record("1,100%", "3", 2, Rollouts.LONG, "b01", "b02", "b03", "b04");
        Map<String, ScriptedBoardDeployment.Script> scripts = new HashMap<>();
        scripts.put("b01", ScriptedBoardDeployment.succeeds("1.2.0"));
        scripts.put("b02", ScriptedBoardDeployment.fails("bundle_refused: <b>bad</b> signature"));
        scripts.put("b03", ScriptedBoardDeployment.rollsBack("health_check_failed: app crashed"));
        scripts.put("b04", ScriptedBoardDeployment.succeeds("1.2.0"));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> scripts.get(t.board()));
        List<String> passedOn = new CopyOnWriteArrayList<>();
        RolloutListener view = new RolloutListener() {
            @Override
            public void boardChanged(RolloutRecord.Board b) {
                passedOn.add(b.board + " " + b.state.wireName());
            }
        };
        String topic = RolloutPublisher.topic("lab", r.id);
        assertEquals("spindle/v1/lab/_rollout/" + r.id, topic);
        try (Watcher w = new Watcher(RolloutPublisher.filter("lab"), r.id)) {
            RolloutRecord result = engine(r, d, dir, RolloutPublisher.start(link, r, view)).run();
            assertEquals(RolloutRecord.COMPLETED, result.status);
            // the view still gets every call
            assertTrue(passedOn.contains("b02 failed") && passedOn.contains("b04 done"), passedOn.toString());
            JsonNode last;
            do {
                last = w.next();
            } while (!last.path("finished").asBoolean());
            // the first message is the plan with every board pending or starting
            JsonNode first = w.got.get(0);
            assertFalse(first.path("finished").asBoolean());
            assertEquals(4, first.path("boards").size());
            assertPayload(r, last);
        }
        // a dashboard that starts later gets the final state (retained)
        try (Watcher late = new Watcher(RolloutPublisher.topic("lab", r.id), r.id)) {
            assertPayload(r, late.next());
        }
    }

    private static void assertPayload(RolloutRecord r, JsonNode m) {
        assertEquals(RolloutPublisher.FORMAT, m.path("v").asInt());
        assertEquals(r.id, m.path("id").asText());
        assertEquals("lab", m.path("fleet").asText());
        assertEquals("completed", m.path("status").asText());
        assertTrue(m.path("finished").asBoolean());
        assertEquals("tester", m.path("user").asText());
        assertEquals("testhost", m.path("host").asText());
        assertEquals("blink", m.path("bundle").path("name").asText());
        assertEquals("1.2.0", m.path("bundle").path("version").asText());
        assertEquals("ab".repeat(32), m.path("bundle").path("sha256").asText());
        assertEquals(4096, m.path("bundle").path("size").asLong());
        assertEquals("[1,4]", m.path("plan").path("wave_ends").toString());
        assertEquals(2, m.path("waves").asInt());
        assertEquals(2, m.path("wave").asInt());
        assertEquals(2, m.path("counts").path("done").asInt());
        assertEquals(1, m.path("counts").path("failed").asInt());
        assertEquals(1, m.path("counts").path("rolled_back").asInt());
        Map<String, JsonNode> boards = new HashMap<>();
        m.path("boards").forEach(b -> boards.put(b.path("board").asText(), b));
        assertEquals(List.of("b01", "b02", "b03", "b04"), new ArrayList<>(m.path("boards").findValuesAsText("board")));
        assertEquals(1, boards.get("b01").path("wave").asInt());
        assertEquals(2, boards.get("b04").path("wave").asInt());
        assertEquals("done", boards.get("b01").path("state").asText());
        assertEquals("1.2.0", boards.get("b01").path("version").asText());
        assertEquals(4096, boards.get("b01").path("bytes").asLong());
        assertEquals(4096, boards.get("b01").path("total").asLong());
        assertEquals("failed", boards.get("b02").path("state").asText());
        assertEquals("bundle_refused: <b>bad</b> signature", boards.get("b02").path("reason").asText());
        assertEquals("rolled_back", boards.get("b03").path("state").asText());
        assertEquals("health_check_failed: app crashed", boards.get("b03").path("reason").asText());
        assertTrue(boards.get("b03").path("ended_ms").asLong() > 0);
    }

    @Test
    void aStoppedRolloutSaysWhyAndSkipsTheRest() throws Exception {
        Path dir = Files.createTempDirectory("spindle-pub-test-");
        RolloutRecord r = Rollouts.record("1,100%", "0", 1, Rollouts.LONG, "b01", "b02", "b03");
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> ScriptedBoardDeployment.fails("bundle_refused: no"));
        try (Watcher w = new Watcher(RolloutPublisher.topic("lab", r.id), r.id)) {
            RolloutRecord result = engine(r, d, dir, RolloutPublisher.start(link, r, new RolloutListener() { })).run();
            assertEquals(RolloutRecord.STOPPED, result.status);
            JsonNode last;
            do {
                last = w.next();
            } while (!last.path("finished").asBoolean());
            assertEquals("stopped", last.path("status").asText());
            assertTrue(last.path("stop_reason").asText().startsWith("failure threshold crossed"), last.toString());
            assertEquals(2, last.path("counts").path("skipped").asInt());
        }
    }

    @Test
    void aRolloutStoppedMidStepIsPublishedAsStoppedWhenFinished() throws Exception {
        Path dir = Files.createTempDirectory("spindle-pub-test-");
        RolloutRecord r = Rollouts.record("100%", "0", 1, Rollouts.LONG, "b01", "b02");
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(
                t -> ScriptedBoardDeployment.hangsIn(BoardState.TRANSFERRING, entered));
        try (Watcher w = new Watcher(RolloutPublisher.topic("lab", r.id), r.id)) {
            RolloutPublisher p = RolloutPublisher.start(link, r, new RolloutListener() { });
            RolloutEngine e = engine(r, d, dir, p);
            java.util.concurrent.atomic.AtomicReference<RolloutRecord> result = new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    result.set(e.run());
                } catch (java.io.IOException x) {
                    throw new IllegalStateException(x);
                }
            });
            t.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            e.stop(); // what Ctrl-C does
            t.join(30_000);
            p.finish(result.get());
            JsonNode last;
            do {
                last = w.next();
            } while (!last.path("finished").asBoolean());
            assertEquals("stopped", last.path("status").asText(), last.toString());
            assertTrue(last.path("stop_reason").asText().length() > 0, last.toString());
        }
    }

    @Test
    void manyProgressCallsAreCoalesced() throws Exception {
        Path dir = Files.createTempDirectory("spindle-pub-test-");
        RolloutRecord r = Rollouts.record("100%", "0", 1, Rollouts.LONG, "b01");
        int calls = 20_000;
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> (task, l) -> {
            l.step(BoardState.TRANSFERRING);
            for (int i = 1; i <= calls; i++) {
                l.transferred(i, calls);
            }
            l.step(BoardState.INSTALLING);
            return Outcome.done("1.2.0");
        });
        try (Watcher w = new Watcher(RolloutPublisher.topic("lab", r.id), r.id)) {
            long t0 = System.nanoTime();
            engine(r, d, dir, RolloutPublisher.start(link, r, new RolloutListener() { })).run();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            JsonNode last;
            do {
                last = w.next();
            } while (!last.path("finished").asBoolean());
            int messages = w.got.size();
            // the sender sleeps MIN_INTERVAL_MS after each message; the listener adds only the final one
            long bound = elapsedMs / RolloutPublisher.MIN_INTERVAL_MS + 2;
            assertTrue(messages <= bound, messages + " messages in " + elapsedMs + " ms (bound " + bound + ")");
            assertTrue(messages < calls / 10, messages + " messages for " + calls + " progress calls");
            // progress seen by dashboards only goes forward
            long before = -1;
            for (JsonNode m : w.got) {
                long bytes = m.path("boards").path(0).path("bytes").asLong(0);
                assertTrue(bytes >= before, "progress went back: " + w.got);
                before = bytes;
            }
            assertEquals(calls, last.path("boards").path(0).path("bytes").asLong());
            assertEquals("done", last.path("boards").path(0).path("state").asText());
        }
    }
}
