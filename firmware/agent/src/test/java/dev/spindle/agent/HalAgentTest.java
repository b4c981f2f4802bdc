package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.examples.DemoFirmware;
import dev.spindle.hal.sim.SimBoard;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real agent on a simulated board (HalBoardIo) running the demo firmware, against in-process Moquette. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class HalAgentTest {
    @TempDir
    Path dir;

    @Test
    void demoFirmwareOnSimBoard() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            AgentConfig cfg = AgentTest.config(broker.url(), dir, "h1", DemoFirmware.class.getName(), "sim.connect", "serial0:serial1");
            LogRing ring = new LogRing(cfg.logLines(), System.err);
            BoardIo io = HalBoardIo.open(cfg, ring);
            SimBoard sim = (SimBoard) io.board();
            try (FleetProbe probe = new FleetProbe(broker.url(), "test"); Agent agent = new Agent(cfg, io, ring)) {
                agent.start();
                probe.await("events", e -> e.path("type").asText().equals("app_started"));

                // pin telemetry: the LED (output 17) in both states, the button (input 27, pull-up) high
                probe.await("telemetry", t -> t.path("pins").path("GPIO17").asInt(-1) == 1
                        && t.path("pins").path("GPIO27").asInt(-1) == 1);
                probe.await("telemetry", t -> t.path("pins").path("GPIO17").asInt(-1) == 0
                        && t.path("pin_modes").path("GPIO17").asText().equals("out")
                        && t.path("pin_modes").path("GPIO27").asText().equals("in"));

                // gpio.write on a free line reaches the simulated board; gpio.read returns a driven level
                Reply w = probe.rpc.call("h1", "gpio.write", Map.of("pin", "GPIO5", "value", 1), 30_000);
                assertTrue(w.ok(), w.body().toString());
                assertTrue(sim.level(5));
                sim.drive(22, true);
                assertEquals(1, probe.rpc.call("h1", "gpio.read", Map.of("pin", "22"), 30_000).body().path("value").asInt());
                sim.drive(22, false);
                assertEquals(0, probe.rpc.call("h1", "gpio.read", Map.of("pin", "22"), 30_000).body().path("value").asInt());
                Reply bad = probe.rpc.call("h1", "gpio.read", Map.of("pin", "99"), 30_000);
                assertEquals(ErrorCode.NOT_FOUND, bad.errorCode(), bad.body().toString());

                // serial.write: serial0 is wired to the firmware's echo port serial1; the echo comes back to the log
                Reply s = probe.rpc.call("h1", "serial.write", Map.of("port", "serial0", "data", "hello\n"), 30_000);
                assertEquals(6, s.body().path("bytes").asInt(), s.body().toString());
                FleetProbe.until("echo in the log", () -> {
                    try {
                        return probe.rpc.call("h1", "log.tail", Map.of("lines", 200), 30_000).body().toString()
                                .contains("serial0 received: echo: hello");
                    } catch (Exception e) {
                        return false;
                    }
                });

                // a button press (the input driven low from outside) crashes the fragile thread
                assertTrue(probe.rpc.call("h1", "gpio.write", Map.of("pin", "27", "value", 0), 30_000).ok());
                JsonNode crash = probe.await("events", e -> e.path("type").asText().equals("thread_crashed")).body();
                assertEquals("fragile", crash.path("thread").asText(), crash.toString());
                assertTrue(crash.path("stack").asText().contains("IllegalStateException"), crash.toString());
                assertTrue(probe.rpc.call("h1", "gpio.write", Map.of("pin", "27", "value", 1), 30_000).ok());

                // app.restart: the App stops, closes its pins, and opens them again
                Reply restart = probe.rpc.call("h1", "app.restart", null, 30_000);
                assertTrue(restart.ok(), restart.body().toString());
            }
            assertFalse(sim.isOpen(17), "the agent's close stopped the app and closed the board");
        }
    }

    @Test
    void boardTypeAndSimKeysAreChecked() throws Exception {
        LogRing ring = new LogRing(10, System.err);
        assertTrue(HalBoardIo.open(AgentTest.config("tcp://127.0.0.1:1", dir, "c1", null, "board.type", "unknown"), ring)
                == BoardIo.NONE);
        AgentConfig.Invalid badKey = assertThrows(AgentConfig.Invalid.class, () -> HalBoardIo.open(
                AgentTest.config("tcp://127.0.0.1:1", dir, "c1", null, "sim.buton", "27:100"), ring));
        assertTrue(badKey.getMessage().contains("sim.buton is not a simulator key; use sim.button"), badKey.getMessage());
        AgentConfig.Invalid badWire = assertThrows(AgentConfig.Invalid.class, () -> HalBoardIo.open(
                AgentTest.config("tcp://127.0.0.1:1", dir, "c1", null, "sim.wire", "17"), ring));
        assertTrue(badWire.getMessage().contains("sim.wire=17 is not valid: use FROM:TO"), badWire.getMessage());
        AgentConfig.Invalid badType = assertThrows(AgentConfig.Invalid.class, () -> HalBoardIo.open(
                AgentTest.config("tcp://127.0.0.1:1", dir, "c1", null, "board.type", "rpi9"), ring));
        assertTrue(badType.getMessage().contains("board.type=rpi9: no built-in board 'rpi9'"), badType.getMessage());
        BoardIo io = HalBoardIo.open(AgentTest.config("tcp://127.0.0.1:1", dir, "c1", null, "sim.wire", "17:22"), ring);
        try {
            assertEquals(Map.of(), io.pinStates(), "nothing open, nothing reported");
            io.writePin("17", 1);
            assertEquals(1, io.readPin("GPIO22"), "the wire carries the agent's output");
            assertEquals(Map.of("GPIO17", 1), io.pinStates());
        } finally {
            io.close();
        }
    }
}
