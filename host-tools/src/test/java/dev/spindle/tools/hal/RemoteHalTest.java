package dev.spindle.tools.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.HalBoardIo;
import dev.spindle.agent.LogRing;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.sim.SimBoard;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.SpindleRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Remote {@code spindle gpio}/{@code serial} with {@code --board}: in-process Moquette, a real agent on a sim board. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class RemoteHalTest {
    @TempDir
    Path dir;

    @Test
    void gpioAndSerialReachTheSimBoard() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            Properties p = new Properties();
            p.setProperty("board.id", "r1");
            p.setProperty("fleet", "t");
            p.setProperty("board.type", "sim");
            p.setProperty("broker.url", broker.url());
            p.setProperty("data.dir", dir.toString());
            AgentConfig cfg = AgentConfig.from(p, "test", dir);
            LogRing ring = new LogRing(cfg.logLines(), System.err);
            SimBoard sim = new SimBoard();
            sim.connect("serial0", sim, "serial1");
            try (Agent agent = new Agent(cfg, new HalBoardIo(sim, ring), ring);
                    SerialPort far = sim.openSerial("serial1", SerialConfig.baud(115200))) {
                agent.start();
                assertTrue(agent.awaitConnected(60_000));
                String[] b = {"--board", "r1", "--broker", broker.url(), "--fleet", "t", "--timeout", "30000"};

                SpindleRun write = run(b, "gpio", "write", "17", "high");
                assertEquals(ExitCodes.OK, write.code(), write.err());
                assertEquals("r1 GPIO 17: high\n", write.out());
                assertTrue(sim.level(17), "the write reached the simulated board");

                sim.drive(22, true);
                assertEquals("r1 GPIO 22: high\n", run(b, "gpio", "read", "22").out());
                sim.drive(22, false);
                assertEquals("r1 GPIO 22: low\n", run(b, "gpio", "read", "gpio22").out());

                SpindleRun serial = run(b, "serial", "write", "serial0", "hello");
                assertEquals("r1 serial0: wrote 6 bytes\n", serial.out(), serial.err());
                byte[] buf = new byte[64];
                StringBuilder got = new StringBuilder();
                while (!got.toString().endsWith("\n")) {
                    int n = far.read(buf, 30_000);
                    assertTrue(n > 0, "serial.write reached the simulated port: " + got);
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                assertEquals("hello\n", got.toString());

                SpindleRun bad = run(b, "gpio", "read", "99");
                assertEquals(ExitCodes.BOARD_ERROR, bad.code(), bad.err());
                assertTrue(bad.err().contains("not_found: GPIO 99 is not a GPIO line"), bad.err());
            }
        }
    }

    private static SpindleRun run(String[] boardArgs, String... cmd) {
        String[] all = new String[cmd.length + boardArgs.length];
        System.arraycopy(cmd, 0, all, 0, cmd.length);
        System.arraycopy(boardArgs, 0, all, cmd.length, boardArgs.length);
        return SpindleRun.of(all);
    }
}
