package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.agent.deploy.DeployController;
import dev.spindle.agent.deploy.DeployRefused;
import dev.spindle.agent.deploy.DeployState;
import dev.spindle.agent.deploy.Failures;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys through the real agent (in this JVM, embedded broker, real signed bundles, real slots on
 * disk): health check, automatic rollback, failed marks, rollback on demand, refusals, and recovery
 * from a damaged state file or slot.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class DeployTest {
    static EmbeddedBroker broker;
    static SlotBundles bundles;
    static Path good1;
    static Path good2;
    static Path crash;
    static Path unhealthy;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp(@TempDir Path bdir) throws Exception {
        broker = EmbeddedBroker.start();
        bundles = new SlotBundles(bdir);
        good1 = bundles.signed("slot-app", "1.0.0", "good");
        good2 = bundles.signed("slot-app", "2.0.0", "good");
        crash = bundles.signed("slot-app", "3.0.0", "crash");
        unhealthy = bundles.signed("slot-app", "4.0.0", "unhealthy");
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    private Agent agent(Path data, String board, String... extra) throws Exception {
        String[] kv = new String[extra.length + 6];
        kv[0] = "deploy.trust";
        kv[1] = bundles.trust.toString();
        kv[2] = "deploy.health.grace.ms";
        kv[3] = "600";
        kv[4] = "telemetry.period.s";
        kv[5] = "0.1";
        System.arraycopy(extra, 0, kv, 6, extra.length);
        return new Agent(AgentTest.config(broker.url(), data, board, TestApps.Blinker.class.getName(), kv), BoardIo.NONE);
    }

    private static String install(DeployController d, Path bundle, boolean force) throws Exception {
        String id = d.install(bundle, SlotBundles.sha256(bundle), force);
        assertTrue(d.awaitIdle(60_000), "deploy " + id + " ended");
        return id;
    }

    private static boolean is(JsonNode e, String type, String id) {
        return e.path("type").asText().equals(type) && e.path("data").path("id").asText().equals(id);
    }

    @Test
    void deployRollbackAndNoRetryOfAFailedBundle() throws Exception {
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d1")) {
            a.start();
            DeployController d = a.deploy();
            JsonNode birth = probe.await("state", s -> s.path("board").asText().equals("d1") && s.path("online").asBoolean())
                    .body();
            assertEquals("factory", birth.path("slot").asText(), birth.toString());
            assertFalse(birth.path("dev_mode").asBoolean(true), birth.toString());
            probe.await("events", e -> e.path("type").asText().equals("app_started"));

            // 1. a good bundle: installing -> switching -> health_check -> deploy_done, in slot a
            String id1 = install(d, good1, false);
            for (String phase : List.of("installing", "switching", "health_check")) {
                probe.await("events", e -> is(e, "deploy_progress", id1) && e.path("data").path("phase").asText().equals(phase));
            }
            JsonNode done = probe.await("events", e -> is(e, "deploy_done", id1)).body();
            assertEquals("a", done.path("data").path("slot").asText());
            DeployState s = d.state();
            assertEquals("a", s.active());
            assertEquals("factory", s.previous());
            assertEquals(DeployState.GOOD, s.slot("a").status());
            assertEquals("1.0.0", d.firmwareVersion());
            assertNull(s.pending());
            JsonNode rebirth = probe.await("state", x -> x.path("board").asText().equals("d1")
                    && x.path("slot").asText().equals("a") && x.path("firmware_version").asText().equals("1.0.0")).body();
            assertEquals(birth.path("session").asLong(), rebirth.path("session").asLong(), "state again, same session");
            Reply info = probe.rpc.call("d1", "info", null, 30_000);
            assertEquals(SlotTestApp.class.getName(), info.body().path("app").path("main").asText());
            assertEquals("running", info.body().path("app").path("state").asText());
            assertEquals("a", info.body().path("slot").asText());
            assertEquals("1.0.0", info.body().path("firmware_version").asText());
            assertEquals("slot-app", info.body().path("firmware_name").asText());
            assertEquals("1.0.0 good", System.getProperty("spindle.test.slot-app"), "the slot's own jar runs");

            // 2. a bundle whose thread crashes: rolled back to a, marked, slot b failed
            String id2 = install(d, crash, false);
            JsonNode rb = probe.await("events", e -> is(e, "rollback", id2)).body();
            assertEquals("app_crashed", rb.path("data").path("reason").asText(), rb.toString());
            assertEquals("b", rb.path("data").path("from").asText());
            assertEquals("a", rb.path("data").path("to").asText());
            JsonNode failed = probe.await("events", e -> is(e, "deploy_failed", id2)).body();
            assertEquals("app_crashed", failed.path("data").path("reason").asText());
            assertEquals("a", failed.path("data").path("rolled_back_to").asText());
            s = d.state();
            assertEquals("a", s.active());
            assertEquals(DeployState.FAILED, s.slot("b").status());
            assertTrue(s.failed().containsKey(SlotBundles.sha256(crash)));
            assertEquals("1.0.0", d.firmwareVersion());
            assertEquals("1.0.0 good", System.getProperty("spindle.test.slot-app"), "slot a's code runs again");
            FleetProbe.until("slot a's app runs again", () -> "running".equals(appState(probe, "d1")));

            // 3. the same bundle again: refused at once (no rollback loop); with force it is tried again
            DeployRefused again = assertThrows(DeployRefused.class,
                    () -> d.install(crash, SlotBundles.sha256(crash), false));
            assertEquals(Failures.PREVIOUSLY_FAILED, again.reason());
            assertTrue(again.getMessage().contains("force"), again.getMessage());
            probe.await("events", e -> e.path("type").asText().equals("deploy_failed")
                    && e.path("data").path("reason").asText().equals("previously_failed"));
            String id3 = install(d, crash, true);
            probe.await("events", e -> is(e, "rollback", id3));
            assertEquals("a", d.activeSlot());

            // 4. the app's own health check says no
            String id4 = install(d, unhealthy, false);
            JsonNode f4 = probe.await("events", e -> is(e, "deploy_failed", id4)).body();
            assertEquals("health_check_failed", f4.path("data").path("reason").asText());
            assertTrue(f4.path("data").path("detail").asText().contains("the test sensor is missing"), f4.toString());

            // 5. a second good bundle goes to b; then rollback on demand, twice, over MQTT
            String id5 = install(d, good2, false);
            probe.await("events", e -> is(e, "deploy_done", id5));
            assertEquals("b", d.activeSlot());
            assertEquals("a", d.state().previous());
            Reply r1 = probe.rpc.call("d1", "deploy.rollback", null, 30_000);
            assertTrue(r1.ok(), r1.body().toString());
            assertEquals("a", r1.body().path("to").asText());
            assertEquals("1.0.0", r1.body().path("firmware_version").asText());
            probe.await("events", e -> e.path("type").asText().equals("rollback")
                    && e.path("data").path("reason").asText().equals("requested"));
            assertEquals("b", d.state().previous());
            Reply r2 = probe.rpc.call("d1", "deploy.rollback", null, 30_000);
            assertEquals("b", r2.body().path("to").asText(), r2.body().toString());
            assertEquals("2.0.0", d.firmwareVersion());

            Reply st = probe.rpc.call("d1", "deploy.status", null, 30_000);
            JsonNode b = st.body();
            assertEquals("b", b.path("active").asText(), b.toString());
            assertEquals("good", b.path("slots").path("a").path("status").asText());
            assertEquals("2.0.0", b.path("slots").path("b").path("version").asText());
            assertEquals(2, b.path("failed").size(), b.toString());
            assertTrue(b.path("history").size() >= 6, b.toString());
        }
        // 6. a restart comes up on the active slot
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d1")) {
            a.start();
            JsonNode birth = probe.await("state", s -> s.path("board").asText().equals("d1") && s.path("online").asBoolean()
                    && s.path("slot").asText().equals("b")).body();
            assertEquals("2.0.0", birth.path("firmware_version").asText(), birth.toString());
            assertEquals("slot-app", birth.path("firmware_name").asText(), birth.toString());
            FleetProbe.until("slot b's app runs", () -> "running".equals(appState(probe, "d1")));
        }
    }

    private static String appState(FleetProbe probe, String board) {
        try {
            return probe.rpc.call(board, "info", null, 30_000).body().path("app").path("state").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void refusalsLeaveTheBoardAsItWas() throws Exception {
        Path unsigned = bundles.unsigned("slot-app", "5.0.0", "good");
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d2")) {
            a.start();
            DeployController d = a.deploy();
            String id = install(d, unsigned, false);
            JsonNode f = probe.await("events", e -> is(e, "deploy_failed", id)).body();
            assertEquals("unsigned", f.path("data").path("reason").asText(), f.toString());
            assertEquals("factory", d.activeSlot());
            assertEquals(DeployState.EMPTY, d.state().slot("a").status());
            assertFalse(Files.exists(dir.resolve("slots/a")), "nothing extracted");

            String first = install(d, good1, false);
            probe.await("events", e -> is(e, "deploy_done", first));
            String wrongSha = "0".repeat(64);
            String id2 = d.install(good2, wrongSha, false);
            assertTrue(d.awaitIdle(60_000));
            JsonNode f2 = probe.await("events", e -> is(e, "deploy_failed", id2)).body();
            assertEquals("sha256_mismatch", f2.path("data").path("reason").asText());
            assertEquals("a", d.activeSlot(), "still on the first good bundle");
            assertFalse(d.state().failed().containsKey(wrongSha), "a damaged transfer does not mark the bundle");

            assertEquals(Failures.NO_BUNDLE, assertThrows(DeployRefused.class,
                    () -> d.install(dir.resolve("nope.zip"), wrongSha, false)).reason());
            String slow = d.install(good2, SlotBundles.sha256(good2), false);
            assertEquals(Failures.BUSY, assertThrows(DeployRefused.class,
                    () -> d.install(good2, SlotBundles.sha256(good2), false)).reason());
            Reply busy = probe.rpc.call("d2", "app.restart", null, 30_000);
            assertTrue(!busy.ok() || !d.busy(), "app.restart is refused during a deploy");
            assertTrue(d.awaitIdle(60_000));
            probe.await("events", e -> is(e, "deploy_done", slow));

            Reply rb = probe.rpc.call("d2", "deploy.rollback", null, 30_000);
            assertTrue(rb.ok(), rb.body().toString()); // to a
            Reply rb2 = probe.rpc.call("d2", "deploy.rollback", null, 30_000);
            assertTrue(rb2.ok(), rb2.body().toString()); // back to b
        }
    }

    @Test
    void developmentModeAcceptsUnsignedAndSaysSoInState() throws Exception {
        Path unsigned = bundles.unsigned("slot-app", "6.0.0", "good");
        try (FleetProbe probe = new FleetProbe(broker.url(), "test");
                Agent a = agent(dir, "d3", "deploy.allow.unsigned", "true")) {
            a.start();
            JsonNode birth = probe.await("state", s -> s.path("board").asText().equals("d3") && s.path("online").asBoolean())
                    .body();
            assertTrue(birth.path("dev_mode").asBoolean(), birth.toString());
            String id = install(a.deploy(), unsigned, false);
            probe.await("events", e -> is(e, "deploy_done", id));
            assertTrue(a.deploy().state().slot("a").signature().contains("development mode"));
        }
    }

    @Test
    void rollbackOnDemandWithoutPreviousIsAClearError() throws Exception {
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d4")) {
            a.start();
            Reply r = probe.rpc.call("d4", "deploy.rollback", null, 30_000);
            assertFalse(r.ok());
            assertEquals(ErrorCode.UNAVAILABLE, r.errorCode());
            assertTrue(r.errorMessage().startsWith("no_previous: "), r.errorMessage());
        }
    }

    @Test
    void damagedStateFileAndTamperedSlotRecover() throws Exception {
        try (Agent a = agent(dir, "d5")) {
            a.start();
            install(a.deploy(), good1, false);
            install(a.deploy(), good2, false);
            assertEquals("b", a.deploy().activeSlot());
        }
        // the active slot's jar changed on disk: the previous good slot runs instead
        Path jar;
        try (var s = Files.list(dir.resolve("slots/b/app"))) {
            jar = s.findFirst().orElseThrow();
        }
        Files.write(jar, "not a jar".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d5")) {
            a.start();
            JsonNode ev = probe.await("events", e -> e.path("type").asText().equals("deploy_state_recovered")).body();
            assertTrue(ev.path("message").asText().contains("running a instead"), ev.toString());
            assertEquals("a", a.deploy().activeSlot());
            assertEquals("1.0.0", a.deploy().firmwareVersion());
            FleetProbe.until("the app runs", () -> "running".equals(appState(probe, "d5")));
        }
        // a torn, unparsable state file: rebuilt from the slots, the intact slot a runs
        Path state = dir.resolve("deploy-state.json");
        byte[] full = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(full, full.length / 2));
        try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent a = agent(dir, "d5")) {
            a.start();
            JsonNode ev = probe.await("events", e -> e.path("type").asText().equals("deploy_state_recovered")).body();
            assertTrue(ev.path("message").asText().contains("damaged"), ev.toString());
            assertEquals("a", a.deploy().activeSlot());
            assertTrue(Files.exists(dir.resolve("deploy-state.json.damaged")));
            FleetProbe.until("the app runs", () -> "running".equals(appState(probe, "d5")));
        }
        // garbage that is JSON but not a state
        Files.writeString(state, "{\"format\":1,\"active\":\"z\"}");
        try (Agent a = agent(dir, "d5")) {
            a.start();
            assertEquals("a", a.deploy().activeSlot(), "slot b is damaged, a is the intact one");
        }
    }
}
