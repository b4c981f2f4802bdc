package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.agent.SlotBundles;
import dev.spindle.agent.deploy.DeployController;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle rollback} against a real agent (in this JVM, embedded broker) with two real deployed bundles. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class RollbackCmdTest {
    @TempDir
    Path dir;

    private static Agent agent(String url, Path data, String board, Path trust) throws Exception {
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", "rb");
        p.setProperty("board.type", "sim");
        p.setProperty("broker.url", url);
        p.setProperty("data.dir", data.toString());
        p.setProperty("telemetry.period.s", "0.1");
        p.setProperty("app.main", SlotTestAppFactory.class.getName());
        p.setProperty("app.version", "factory-1");
        p.setProperty("deploy.trust", trust.toString());
        p.setProperty("deploy.health.grace.ms", "300");
        return new Agent(AgentConfig.from(p, "test", data), BoardIo.NONE);
    }

    /** The factory firmware of the test boards: a main that returns at once (no thread, so it counts as stopped). */
    public static final class SlotTestAppFactory {
        private SlotTestAppFactory() {
        }

        public static void main(String[] args) {
            // nothing to run
        }
    }

    @Test
    void rollsBackAndForthAndRefusesWithoutPrevious() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path v1 = bundles.signed("rb-app", "1.0.0", "good");
        Path v2 = bundles.signed("rb-app", "2.0.0", "good");
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Agent a = agent(broker.url(), dir.resolve("b1"), "b1", bundles.trust());
                Agent fresh = agent(broker.url(), dir.resolve("b2"), "b2", bundles.trust())) {
            a.start();
            fresh.start();
            assertTrue(a.awaitConnected(30_000) && fresh.awaitConnected(30_000));
            DeployController d = a.deploy();
            d.install(v1, SlotBundles.sha256(v1), false);
            assertTrue(d.awaitIdle(60_000));
            d.install(v2, SlotBundles.sha256(v2), false);
            assertTrue(d.awaitIdle(60_000));
            assertEquals("b", d.activeSlot(), d.status().toString());

            SpindleRun r = SpindleRun.of("rollback", "b1", "--broker", broker.url(), "--fleet", "rb");
            assertEquals(ExitCodes.OK, r.code(), r.err());
            assertEquals("board b1: rolled back from slot b to slot a, now running rb-app 1.0.0", r.out().trim());
            assertEquals("a", d.activeSlot());

            SpindleRun j = SpindleRun.of("rollback", "b1", "--broker", broker.url(), "--fleet", "rb", "--json");
            assertEquals(ExitCodes.OK, j.code(), j.err());
            JsonNode o = Json.MAPPER.readTree(j.out());
            assertTrue(o.path("ok").asBoolean(), j.out());
            assertEquals("a", o.path("from").asText());
            assertEquals("b", o.path("to").asText());
            assertEquals("2.0.0", o.path("firmware_version").asText());
            assertEquals("b", d.activeSlot());

            SpindleRun none = SpindleRun.of("rollback", "b2", "--broker", broker.url(), "--fleet", "rb");
            assertEquals(ExitCodes.BOARD_ERROR, none.code(), none.out());
            assertTrue(none.err().contains("did not roll back: no_previous: this board has no previous firmware"),
                    none.err());
            SpindleRun noneJson = SpindleRun.of("rollback", "b2", "--broker", broker.url(), "--fleet", "rb", "--json");
            assertEquals(ExitCodes.BOARD_ERROR, noneJson.code());
            assertEquals("unavailable", Json.MAPPER.readTree(noneJson.out()).path("code").asText(), noneJson.out());
        }
    }

    @Test
    void helpNamesTheExitCodesAndBadBoardIsUsage() {
        SpindleRun h = SpindleRun.of("rollback", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("Exit codes:") && h.out().contains("4   the board refused"), h.out());
        SpindleRun bad = SpindleRun.of("rollback", "no/such", "--broker", "tcp://127.0.0.1:1");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.err());
    }
}
