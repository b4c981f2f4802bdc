package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's choice of board definition from {@code /proc/device-tree/model} (replaced by
 * {@code board.model.file}): sample texts of every shipped board, with the kernel's trailing NUL.
 */
class BoardDetectionTest {
    @TempDir
    Path dir;

    private AgentConfig config(String model, String type) throws Exception {
        Path file = dir.resolve("model");
        if (model != null) {
            Files.write(file, (model + "\0").getBytes(StandardCharsets.UTF_8));
        } else {
            Files.deleteIfExists(file);
        }
        Properties p = new Properties();
        p.setProperty("board.id", "pi-1");
        p.setProperty("data.dir", dir.resolve("data").toString());
        p.setProperty("board.model.file", file.toString());
        if (type != null) {
            p.setProperty("board.type", type);
        }
        return AgentConfig.from(p, "agent.properties", dir);
    }

    @Test
    void detectsEveryShippedBoardWhenBoardTypeIsNotSet() throws Exception {
        assertEquals("rpi3bplus", config("Raspberry Pi 3 Model B Plus Rev 1.3", null).boardType());
        assertEquals("rpi4b", config("Raspberry Pi 4 Model B Rev 1.4", null).boardType());
        assertEquals("rpi5", config("Raspberry Pi 5 Model B Rev 1.0", null).boardType());
        AgentConfig zero = config("Raspberry Pi Zero 2 W Rev 1.0", null);
        assertEquals("rpizero2w", zero.boardType());
        assertTrue(zero.boardOrigin().contains("detected from") && zero.boardOrigin().contains("'Raspberry Pi Zero 2 W Rev 1.0'"),
                zero.boardOrigin());
    }

    @Test
    void noModelFileMeansNoHalAsBefore() throws Exception {
        AgentConfig c = config(null, null);
        assertEquals("unknown", c.boardType());
        assertTrue(c.boardOrigin().contains("not a Raspberry Pi"), c.boardOrigin());
        assertEquals("rpi4b", config(null, "rpi4b").boardType(), "nothing to check against: taken as configured");
    }

    @Test
    void anUnknownModelIsRefusedWithTheFix() {
        AgentConfig.Invalid e = assertThrows(AgentConfig.Invalid.class, () -> config("Raspberry Pi 3 Model B Rev 1.2", null));
        String m = e.getMessage();
        assertTrue(m.startsWith("agent.properties: board.type is not set"), m);
        assertTrue(m.contains("'Raspberry Pi 3 Model B Rev 1.2'"), m);
        assertTrue(m.contains("rpi4b ('Raspberry Pi 4 Model B')"), m);
        assertTrue(m.contains("board.type=none"), m);
        assertThrows(AgentConfig.Invalid.class, () -> config("Raspberry Pi 500 Rev 1.0", null));
    }

    @Test
    void aMismatchNamesWhatWasFoundWhatIsConfiguredAndTheFix() {
        AgentConfig.Invalid e = assertThrows(AgentConfig.Invalid.class, () -> config("Raspberry Pi 5 Model B Rev 1.0", "rpi4b"));
        String m = e.getMessage();
        assertTrue(m.contains("board.type=rpi4b (Raspberry Pi 4B"), m);
        assertTrue(m.contains("says 'Raspberry Pi 5 Model B Rev 1.0', which is rpi5"), m);
        assertTrue(m.contains("set board.type=rpi5, or remove board.type"), m);
        AgentConfig.Invalid unknown = assertThrows(AgentConfig.Invalid.class,
                () -> config("Raspberry Pi Compute Module 4 Rev 1.0", "rpi4b"));
        assertTrue(unknown.getMessage().contains("matches no built-in board"), unknown.getMessage());
    }

    @Test
    void matchingOrModelFreeTypesAreKept() throws Exception {
        assertEquals("rpi4b", config("Raspberry Pi 4 Model B Rev 1.4", "rpi4b").boardType());
        assertEquals("rpizero2w", config("Raspberry Pi Zero 2 W Rev 1.0", "rpizero2w").boardType());
        assertEquals("sim", config("Raspberry Pi 4 Model B Rev 1.4", "sim").boardType(), "the simulator runs anywhere");
        assertEquals("none", config("Some other board", "none").boardType());
    }

    @Test
    void theAgentProcessRefusesToStartOnAMismatch() throws Exception {
        Path model = dir.resolve("model");
        Files.write(model, "Raspberry Pi Zero 2 W Rev 1.0\0".getBytes(StandardCharsets.UTF_8));
        Path cfg = dir.resolve("agent.properties");
        Files.writeString(cfg, "board.id=pi-1\nboard.type=rpi5\ndata.dir=data\nboard.model.file=" + model + "\n");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp, Main.class.getName(), "--config",
                cfg.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("board.type=rpi5") && text.contains("which is rpizero2w"), text);
        assertTrue(!Files.exists(dir.resolve("data")), "refused before touching the data directory");
    }
}
