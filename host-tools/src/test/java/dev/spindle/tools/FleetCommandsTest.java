package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.agent.HalBoardIo;
import dev.spindle.agent.LogRing;
import dev.spindle.hal.sim.SimBoard;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindle fleet status} and {@code spindle fleet exec} against real agents (in this JVM,
 * one on a simulated board) and the embedded Moquette broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class FleetCommandsTest {
    @TempDir
    Path dir;

    private static Agent agent(EmbeddedBroker broker, Path dir, String board, SimBoard sim) throws Exception {
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", "field");
        p.setProperty("board.type", sim == null ? "none" : "sim");
        p.setProperty("broker.url", broker.url());
        p.setProperty("data.dir", dir.resolve(board).toString());
        p.setProperty("telemetry.period.s", "0.5");
        p.setProperty("app.version", "field-1");
        AgentConfig cfg = AgentConfig.from(p, "test", dir);
        LogRing ring = new LogRing(cfg.logLines(), System.err);
        Agent a = new Agent(cfg, sim == null ? BoardIo.NONE : new HalBoardIo(sim, ring), ring);
        a.start();
        assertTrue(a.awaitConnected(60_000));
        return a;
    }

    private static SpindleRun run(EmbeddedBroker broker, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--broker", broker.url(), "--fleet", "field"));
        if (!all.contains("--timeout")) {
            all.addAll(List.of("--timeout", "10000"));
        }
        if (!all.contains("--wait") && (all.contains("status") || !all.contains("--board"))) {
            all.addAll(List.of("--wait", "800")); // the agents' state and telemetry come retained at once
        }
        return SpindleRun.of(all.toArray(new String[0]));
    }

    @Test
    void statusAndExecOverRealAgents() throws Exception {
        SimBoard sim = new SimBoard();
        Agent a2 = null;
        try (EmbeddedBroker broker = EmbeddedBroker.start(); Agent a1 = agent(broker, dir, "pi-01", sim)) {
            a2 = agent(broker, dir, "pi-02", null);
            assertTrue(a1.isConnected() && a2.isConnected());
            // every board online and healthy (no app: no_app counts as fine)
            SpindleRun ok = run(broker, "fleet", "status", "--json");
            assertEquals(ExitCodes.OK, ok.code(), ok.out() + ok.err());
            JsonNode status = Json.MAPPER.readTree(ok.out());
            assertTrue(status.path("ok").asBoolean(), ok.out());
            assertEquals(2, status.path("counts").path("online").asInt(), ok.out());
            JsonNode b1 = status.path("boards").get(0);
            assertEquals("pi-01", b1.path("board").asText());
            assertEquals("field-1", b1.path("firmware_version").asText());
            assertEquals(Agent.VERSION, b1.path("agent_version").asText());
            assertEquals("no_app", b1.path("health").asText());
            assertTrue(b1.path("problem").isNull());

            // one command on every online board
            SpindleRun ping = run(broker, "fleet", "exec", "ping");
            assertEquals(ExitCodes.OK, ping.code(), ping.out() + ping.err());
            assertTrue(ping.out().contains("ping on 2 boards: 2 ok, 0 failed"), ping.out());
            assertTrue(ping.out().matches("(?s).*pi-01\\s+ok\\s+\\d+\\.\\d ms\\s+\\{\"pong\":true.*"), ping.out());

            // arguments: KEY=VALUE is a string, KEY:=JSON any JSON value
            sim.drive(22, true);
            SpindleRun read = run(broker, "fleet", "exec", "--board", "pi-01", "--json", "gpio.read", "pin=22");
            assertEquals(ExitCodes.OK, read.code(), read.out() + read.err());
            JsonNode r = Json.MAPPER.readTree(read.out());
            assertEquals(1, r.path("reply").size() + r.path("results").size());
            assertEquals(1, r.path("results").get(0).path("reply").path("value").asInt(), read.out());
            SpindleRun write = run(broker, "fleet", "exec", "--board", "pi-01", "gpio.write", "pin=17", "value:=1");
            assertEquals(ExitCodes.OK, write.code(), write.out() + write.err());
            assertTrue(sim.level(17), "the write reached the simulated board");

            // a board error and a board that never answers: both reported, exit 4
            SpindleRun mixed = run(broker, "fleet", "exec", "--board", "pi-01", "--board", "pi-02", "--board",
                    "ghost", "--json", "--timeout", "2000", "gpio.read", "pin=22");
            assertEquals(ExitCodes.BOARD_ERROR, mixed.code(), mixed.out() + mixed.err());
            JsonNode m = Json.MAPPER.readTree(mixed.out());
            assertFalse(m.path("ok").asBoolean());
            assertTrue(m.path("results").get(0).path("ok").asBoolean(), mixed.out());
            assertEquals("unavailable", m.path("results").get(1).path("error").path("code").asText(), mixed.out());
            assertEquals("timeout", m.path("results").get(2).path("error").path("code").asText(), mixed.out());

            SpindleRun bad = run(broker, "fleet", "exec", "gpio.write", "value:=one");
            assertEquals(ExitCodes.USAGE, bad.code());
            assertTrue(bad.err().contains("is not JSON"), bad.err());

            // a board goes offline: status fails for it and says why; exec skips it
            a2.close();
            SpindleRun down = run(broker, "fleet", "status");
            assertEquals(ExitCodes.BOARD_ERROR, down.code(), down.out());
            assertTrue(down.out().startsWith("BOARD") && down.out().contains("2 boards: 1 ok, 1 failing"), down.out());
            assertTrue(down.out().matches("(?s).*pi-02\\s+offline .*offline \\(stopped\\) since \\d+s ago.*"), down.out());
            assertEquals(ExitCodes.OK, run(broker, "fleet", "status", "--board", "pi-01").code(), "only pi-01 targeted");
            SpindleRun unknown = run(broker, "fleet", "status", "--board", "pi-01", "--board", "pi-09");
            assertEquals(ExitCodes.BOARD_ERROR, unknown.code());
            assertTrue(unknown.out().contains("never seen"), unknown.out());
            SpindleRun skip = run(broker, "fleet", "exec", "info");
            assertEquals(ExitCodes.OK, skip.code(), skip.out() + skip.err());
            assertTrue(skip.out().contains("skipped pi-02: offline"), skip.out());
        } finally {
            if (a2 != null) {
                a2.close(); // stopped in the test already: a no-op then
            }
            sim.close();
        }
    }

    @Test
    void anEmptyFleetOrAMissingBrokerIsAFailure() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            SpindleRun empty = run(broker, "fleet", "status", "--wait", "300");
            assertEquals(ExitCodes.BOARD_ERROR, empty.code());
            assertTrue(empty.err().contains("no boards in fleet 'field'"), empty.err());
        }
        int port = EmbeddedBroker.freePort("127.0.0.1");
        SpindleRun down = SpindleRun.of("fleet", "exec", "ping", "--broker", "tcp://127.0.0.1:" + port,
                "--timeout", "300");
        assertEquals(ExitCodes.BROKER_UNREACHABLE, down.code());
    }
}
