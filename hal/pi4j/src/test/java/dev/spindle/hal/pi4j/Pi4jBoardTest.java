package dev.spindle.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.Edge;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.hal.Shutdown;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The Pi4J backend on Pi4J's mock platform: the real Pi4J I/O classes, mock providers. */
@Timeout(30)
class Pi4jBoardTest {
    private final Context context = MockContexts.mock();
    private final Pi4jBoard board = Pi4jBoard.withContext(BoardFiles.builtin("rpi4b"), context,
            "mock-digital-input", "mock-digital-output");

    @AfterEach
    void close() {
        board.close();
        context.shutdown();
    }

    @Test
    void outputsDriveThePi4jLineAndApplyTheShutdownLevel() {
        DigitalOutput led = board.openOutput(17, OutputConfig.DEFAULT.initialHigh(true));
        MockDigitalOutput io = context.registry().get(Pi4jBoard.ioId(17), MockDigitalOutput.class);
        assertEquals(DigitalState.HIGH, io.state());
        assertEquals(17, io.address().intValue());
        led.toggle();
        assertEquals(DigitalState.LOW, io.state());
        led.high();
        led.close();
        assertEquals(DigitalState.LOW, io.state(), "shutdown LOW applied on close");
        assertFalse(context.registry().exists(Pi4jBoard.ioId(17)), "the line is given back to Pi4J");
        DigitalOutput again = board.openOutput(17, OutputConfig.DEFAULT.initialHigh(true).shutdown(Shutdown.KEEP));
        again.close();
        assertTrue(again.isHigh());
    }

    @Test
    void inputEdgesFromThePi4jMockArriveOnASpindleThread() throws Exception {
        DigitalInput button = board.openInput(27, InputConfig.DEFAULT.pull(Pull.UP));
        MockDigitalInput io = context.registry().get(Pi4jBoard.ioId(27), MockDigitalInput.class);
        BlockingQueue<String> edges = new LinkedBlockingQueue<>();
        button.addListener(Edge.BOTH, (in, e) -> edges.add(e + "@" + Thread.currentThread().getName()));
        io.mockState(DigitalState.HIGH);
        assertEquals("rising@gpio27-edges", edges.poll(10, TimeUnit.SECONDS));
        assertTrue(button.read());
        io.mockState(DigitalState.LOW);
        assertEquals("falling@gpio27-edges", edges.poll(10, TimeUnit.SECONDS));
        assertFalse(button.read());
        assertEquals(com.pi4j.io.gpio.digital.PullResistance.PULL_UP, io.pull());
    }

    @Test
    void ownershipAndPinErrorsAreTheHalOnes() {
        board.openInput(22, InputConfig.DEFAULT);
        assertTrue(assertThrows(HalException.class, () -> board.openOutput(22, OutputConfig.DEFAULT)).getMessage()
                .startsWith("GPIO 22 on Raspberry Pi 4B is already open as an input"));
        assertEquals("pin 40 is not a GPIO line on Raspberry Pi 4B; usable BCM lines are 2-27 (header pin 40 is"
                + " BCM 21: open 21)",
                assertThrows(HalException.class, () -> board.openOutput(40, OutputConfig.DEFAULT)).getMessage());
    }

    @Test
    void theSimDefinitionOpensOnThePi4jMockPlatform() {
        try (Pi4jBoard sim = Pi4jBoard.open(BoardFiles.builtin("sim"))) {
            assertEquals("pi4j mock-digital-input/mock-digital-output", sim.backend());
            DigitalOutput out = sim.openOutput(5, OutputConfig.DEFAULT);
            out.high();
            assertNotNull(sim.context().registry().get(Pi4jBoard.ioId(5)));
        }
    }

    @Test
    void providerSelectionPrefersGpiodFallsBackToLinuxfsAndExplainsFailure(@TempDir Path root) throws Exception {
        HalException none = assertThrows(HalException.class,
                () -> Pi4jProviders.select(BoardFiles.builtin("rpi4b"), root));
        assertEquals("no GPIO provider for Raspberry Pi 4B: gpiod is not usable here (/dev/gpiochip0 missing) and"
                + " neither is linuxfs (/sys/class/gpio missing). Run on the board itself with a kernel that has the"
                + " GPIO character device, check that the user can open /dev/gpiochip* (the gpio group), or use the"
                + " simulator (--board sim)", none.getMessage());
        Files.createDirectories(root.resolve("sys/class/gpio"));
        Pi4jProviders fs = Pi4jProviders.select(BoardFiles.builtin("rpi4b"), root);
        assertEquals("linuxfs-digital-input", fs.input());
        assertEquals("linuxfs-digital-output", fs.output());
        assertTrue(fs.reason().contains("falling back"), fs.reason());
        Files.createDirectories(root.resolve("dev"));
        Files.createFile(root.resolve("dev/gpiochip4"));
        Pi4jProviders pi5 = Pi4jProviders.select(BoardFiles.builtin("rpi5"), root);
        assertEquals("gpiod-digital-input", pi5.input());
        assertEquals("/dev/gpiochip4 is present", pi5.reason());
    }

    @Test
    void withoutAGpioProviderTheBoardStillOpensAndPinsSayWhy() {
        try (Pi4jBoard pi = Pi4jBoard.open(BoardFiles.builtin("rpi4b"))) {
            if (pi.providers() == null) {
                assertEquals("pi4j (no GPIO here; serial only)", pi.backend());
                assertTrue(assertThrows(HalException.class, () -> pi.openOutput(17, OutputConfig.DEFAULT))
                        .getMessage().startsWith("no GPIO provider for Raspberry Pi 4B: "));
            } else {
                assertTrue(pi.backend().startsWith("pi4j gpiod") || pi.backend().startsWith("pi4j linuxfs"),
                        pi.backend());
            }
        }
    }

    @Test
    void pi4jStartUpChatterIsSilenced() {
        assertEquals("warn", System.getProperty(Pi4jLogging.SIMPLE_LOGGER_KEY));
        assertFalse(LoggerFactory.getLogger("com.pi4j.boardinfo.util.BoardInfoHelper").isErrorEnabled(),
                "board detection errors on a non-Pi are noise: Spindle has its own board definitions");
        assertFalse(LoggerFactory.getLogger("com.pi4j.context.impl.DefaultContext").isInfoEnabled());
    }
}
