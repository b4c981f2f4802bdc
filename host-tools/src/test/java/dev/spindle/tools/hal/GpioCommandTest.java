package dev.spindle.tools.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.SpindleRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GpioCommandTest {
    @Test
    void listShowsTheHeaderOfTheBoard() {
        SpindleRun r = SpindleRun.of("gpio", "list", "--board", "sim");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().startsWith("Simulated board (sim) via simulator; usable BCM lines 2-27"), r.out());
        assertTrue(r.out().contains("3V3          1 | 2           5V"), r.out());
        assertTrue(r.out().contains("GPIO17      11 | 12      GPIO18"), r.out());
        assertTrue(r.out().contains("ID0         27 | 28         ID1"), r.out());
        SpindleRun json = SpindleRun.of("gpio", "list", "--board", "rpi4b", "--backend", "sim", "--json");
        assertTrue(json.out().startsWith("{\"board\":\"rpi4b\",\"name\":\"Raspberry Pi 4B\",\"backend\":\"simulator\""),
                json.out());
        assertTrue(json.out().contains("{\"pin\":40,\"function\":\"GPIO21\",\"bcm\":21}]}"), json.out());
    }

    @Test
    void readWriteAndToggleOnTheSimulator() {
        SpindleRun read = SpindleRun.of("gpio", "read", "27", "--board", "sim", "--pull", "up");
        assertEquals("GPIO 27: high\n", read.out());
        SpindleRun driven = SpindleRun.of("gpio", "read", "pin13", "--board", "sim", "--sim-drive", "27=low", "--pull", "up");
        assertEquals("GPIO 27: low\n", driven.out(), driven.err());
        assertEquals("GPIO 17: high\n", SpindleRun.of("gpio", "write", "gpio17", "high", "--board", "sim").out());
        SpindleRun toggle = SpindleRun.of("gpio", "toggle", "17", "--board", "sim", "--sim-drive", "17=high");
        assertEquals("GPIO 17: high -> low\n", toggle.out(), toggle.err());
    }

    @Test
    void watchPrintsEdgesFromAScriptedButton() {
        SpindleRun r = SpindleRun.of("gpio", "watch", "27", "--board", "sim", "--pull", "up", "--edge", "falling",
                "--sim-button", "27:100", "--count", "2");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String[] lines = r.out().split("\n");
        // the button is down 50 ms of every 100 ms from the board's opening, so the level the watch
        // reads first depends on how long its start took (a loaded machine: either)
        assertTrue(lines[0].matches("watching GPIO 27 on Simulated board \\(simulator\\), level (high|low)"), lines[0]);
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[1].matches("\\d+\\.\\d{3}s GPIO 27 falling"), lines[1]);
    }

    @Test
    void watchEndsAtItsTimeoutWithoutEdges() {
        SpindleRun r = SpindleRun.of("gpio", "watch", "22", "--board", "sim", "--timeout-ms", "50");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("watching GPIO 22 on Simulated board (simulator), level low\n", r.out());
    }

    @Test
    void errorsNameThePinAndTheFix() {
        SpindleRun bad = SpindleRun.of("gpio", "read", "40", "--board", "rpi4b", "--backend", "sim");
        assertEquals(ExitCodes.FAILURE, bad.code());
        assertEquals("spindle gpio read: pin 40 is not a GPIO line on Raspberry Pi 4B; usable BCM lines are 2-27"
                + " (header pin 40 is BCM 21: open 21)\n", bad.err());
        SpindleRun power = SpindleRun.of("gpio", "read", "pin2", "--board", "sim");
        assertTrue(power.err().contains("header pin 2 on Simulated board is 5V, not a GPIO line"), power.err());
        SpindleRun level = SpindleRun.of("gpio", "write", "17", "up", "--board", "sim");
        assertTrue(level.err().contains("'up' is not a level; use high or low"), level.err());
        SpindleRun board = SpindleRun.of("gpio", "list", "--board", "rpi9");
        assertTrue(board.err().contains("no built-in board 'rpi9'; use one of rpi3bplus"), board.err());
        SpindleRun noSim = SpindleRun.of("gpio", "read", "17", "--board", "rpi4b", "--sim-drive", "17=high");
        assertTrue(noSim.err().contains("--sim-* options need the simulator"), noSim.err());
    }

    @Test
    void aBoardFileAndDetectionPickTheBoard(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sim.properties");
        Files.writeString(file, new String(GpioCommandTest.class.getResourceAsStream("/boards/sim.properties")
                .readAllBytes()).replace("name=Simulated board", "name=Bench rig"));
        SpindleRun r = SpindleRun.of("gpio", "list", "--board", file.toString());
        assertTrue(r.out().startsWith("Bench rig (sim) via simulator"), r.out() + r.err());
        Path model = dir.resolve("model");
        Path saved = BoardOptions.modelFile;
        try {
            BoardOptions.modelFile = model;
            assertEquals("sim", BoardOptions.detect(), "no model file: the simulator");
            Files.write(model, "Raspberry Pi 4 Model B Rev 1.5\0".getBytes());
            assertEquals("rpi4b", BoardOptions.detect());
            Files.write(model, "Raspberry Pi 5 Model B Rev 1.0\0".getBytes());
            assertEquals("rpi5", BoardOptions.detect());
        } finally {
            BoardOptions.modelFile = saved;
        }
    }
}
