package dev.spindle.hal.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.Edge;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.Shutdown;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator through the HAL API only, as firmware sees it. Timeouts are hang guards. */
@Timeout(30)
class SimBoardTest {
    /** Zerynth priority for the listener thread (java.lang.Thread is the test's own Thread). */
    private static final int PRIO_HIGHER = dev.spindle.threading.Thread.PRIO_HIGHER;

    private static final long GUARD_S = 10;
    private final SimBoard board = new SimBoard();

    @AfterEach
    void closeBoard() {
        board.close();
    }

    /** Records edges with the name of the thread that delivered them. */
    private static final class Edges {
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        void listen(DigitalInput in, Edge which) {
            in.addListener(which, (input, edge) -> seen.add(edge + "@" + Thread.currentThread().getName()));
        }

        String next() throws InterruptedException {
            String e = seen.poll(GUARD_S, TimeUnit.SECONDS);
            assertNotNull(e, "no edge arrived within the hang guard");
            return e;
        }
    }

    @Test
    void anOutputWiredToAnInputFiresEdgesOnASpindleThread() throws Exception {
        board.wire(17, 27);
        DigitalInput in = board.openInput(27, InputConfig.DEFAULT.listenerPriority(PRIO_HIGHER));
        DigitalOutput out = board.openOutput(17, OutputConfig.DEFAULT);
        Edges edges = new Edges();
        edges.listen(in, Edge.BOTH);
        assertFalse(in.read());
        out.high();
        assertEquals("rising@gpio27-edges", edges.next());
        assertTrue(in.read());
        out.toggle();
        assertEquals("falling@gpio27-edges", edges.next());
        ThreadInfo info = null;
        for (ThreadInfo t : ThreadRegistry.snapshot()) {
            if (t.getName().equals("gpio27-edges") && t.getState() != ThreadInfo.TERMINATED) {
                info = t;
            }
        }
        assertNotNull(info, "the listener thread is in the Spindle thread registry");
        assertEquals(PRIO_HIGHER, info.getPriority());
        in.close();
        for (ThreadInfo t : ThreadRegistry.snapshot()) {
            assertFalse(t.getName().equals("gpio27-edges") && t.getState() != ThreadInfo.TERMINATED,
                    "close() ends the listener thread");
        }
    }

    @Test
    void listenersHearOnlyTheirEdgeAndAThrowingOneDoesNotStopTheOthers() throws Exception {
        DigitalInput in = board.openInput(22, InputConfig.DEFAULT.pull(Pull.DOWN));
        Edges rising = new Edges();
        in.addListener(Edge.RISING, (i, e) -> {
            throw new IllegalStateException("listener failure on purpose");
        });
        rising.listen(in, Edge.RISING);
        board.drive(22, true);
        board.drive(22, false);
        board.drive(22, true);
        assertEquals("rising@gpio22-edges", rising.next());
        assertEquals("rising@gpio22-edges", rising.next());
        assertNull(rising.seen.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void levelPrecedenceIsOutputThenDriveThenWireThenPull() {
        DigitalInput up = board.openInput(5, InputConfig.DEFAULT.pull(Pull.UP));
        assertTrue(up.read());
        assertEquals("pull up", board.source(5));
        board.drive(6, false);
        board.wire(6, 5);
        assertFalse(up.read());
        assertEquals("wired from 6", board.source(5));
        board.drive(5, true);
        assertTrue(up.read());
        board.undrive(5);
        assertFalse(up.read());
        board.unwire(5);
        assertTrue(up.read());
        assertFalse(board.level(13), "a floating line reads low");
        assertEquals("floating", board.source(13));
    }

    @Test
    void aPinInUseCannotBeOpenedTwiceAndClosingReleasesIt() {
        DigitalOutput led = board.openOutput(17, OutputConfig.DEFAULT);
        HalException e = assertThrows(HalException.class, () -> board.openInput(17, InputConfig.DEFAULT));
        assertTrue(e.getMessage().startsWith("GPIO 17 on Simulated board is already open as an output (opened by"
                + " thread '"), e.getMessage());
        assertTrue(e.getMessage().endsWith("close that one first, or share it"), e.getMessage());
        led.close();
        led.close();
        assertFalse(led.isOpen());
        assertThrows(HalException.class, led::high, "a closed output refuses writes");
        board.openInput(17, InputConfig.DEFAULT).close();
        assertFalse(board.isOpen(17));
    }

    @Test
    void badPinsAndPortsNameTheFix() {
        assertEquals("pin 40 is not a GPIO line on Simulated board; usable BCM lines are 2-27 (header pin 40 is"
                + " BCM 21: open 21)",
                assertThrows(HalException.class, () -> board.openOutput(40, OutputConfig.DEFAULT)).getMessage());
        assertEquals("pin 1 is not a GPIO line on Simulated board; usable BCM lines are 2-27",
                assertThrows(HalException.class, () -> board.openInput(1, InputConfig.DEFAULT)).getMessage());
        assertEquals("serial port 'ttyS9' does not exist on Simulated board; use one of serial0, serial1",
                assertThrows(HalException.class, () -> board.openSerial("ttyS9", SerialConfig.baud(9600)))
                        .getMessage());
        SimBoard pi = new SimBoard(BoardFiles.builtin("rpi4b"));
        assertTrue(assertThrows(HalException.class, () -> pi.openOutput(40, OutputConfig.DEFAULT)).getMessage()
                .startsWith("pin 40 is not a GPIO line on Raspberry Pi 4B; usable BCM lines are 2-27"));
        pi.close();
    }

    @Test
    void closingAppliesTheShutdownLevelAndTheBoardClosesEverything() {
        DigitalOutput keep = board.openOutput(23, OutputConfig.DEFAULT.initialHigh(true).shutdown(Shutdown.KEEP));
        DigitalOutput high = board.openOutput(24, OutputConfig.DEFAULT.shutdown(Shutdown.HIGH));
        DigitalOutput low = board.openOutput(25, OutputConfig.DEFAULT.initialHigh(true));
        board.wire(23, 2);
        board.wire(24, 3);
        board.wire(25, 4);
        assertTrue(board.level(2));
        assertFalse(board.level(3));
        assertTrue(board.level(4));
        board.close();
        assertFalse(keep.isOpen() || high.isOpen() || low.isOpen());
        assertTrue(keep.isHigh());
        assertTrue(high.isHigh());
        assertFalse(low.isHigh());
        assertTrue(assertThrows(HalException.class, () -> board.openOutput(5, OutputConfig.DEFAULT)).getMessage()
                .contains("board sim is closed"));
    }

    @Test
    void debounceSwallowsBouncesAndReportsTheSettledLevel() throws Exception {
        DigitalInput in = board.openInput(26, InputConfig.DEFAULT.debounceMs(1000));
        Edges edges = new Edges();
        edges.listen(in, Edge.BOTH);
        board.drive(26, true);
        board.drive(26, false);
        board.drive(26, true);
        board.drive(26, false);
        assertEquals("rising@gpio26-edges", edges.next());
        assertEquals("falling@gpio26-edges", edges.next(), "the window closed on low: the change is reported");
        assertNull(edges.seen.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void aListenerMayCloseItsOwnInputAndTheLineIsReleased() throws Exception {
        DigitalInput in = board.openInput(19, InputConfig.DEFAULT);
        BlockingQueue<Boolean> closed = new LinkedBlockingQueue<>();
        in.addListener(Edge.RISING, (input, e) -> {
            input.close();
            closed.add(!input.isOpen());
        });
        board.drive(19, true);
        assertEquals(Boolean.TRUE, closed.poll(GUARD_S, TimeUnit.SECONDS));
        assertFalse(board.isOpen(19));
        board.openOutput(19, OutputConfig.DEFAULT).close();
    }

    @Test
    void wiringLoopsAreRefused() {
        board.wire(5, 6);
        board.wire(6, 7);
        assertTrue(assertThrows(HalException.class, () -> board.wire(7, 5)).getMessage()
                .contains("would close a loop"));
    }

    @Test
    void concurrentTogglesKeepOutputAndInputConsistent() throws Exception {
        board.wire(17, 27);
        DigitalOutput out = board.openOutput(17, OutputConfig.DEFAULT);
        DigitalInput in = board.openInput(27, InputConfig.DEFAULT);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 501; i++) {
                    out.toggle();
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join(GUARD_S * 1000);
        }
        assertFalse(out.isHigh(), "2004 toggles end low");
        assertFalse(in.read());
    }

    @Test
    void serialLoopsBackConnectsAndHonoursTimeouts() throws Exception {
        SerialPort p0 = board.openSerial("serial0", SerialConfig.baud(115200));
        byte[] buf = new byte[64];
        assertEquals(0, p0.read(buf, 0), "nothing there: a zero timeout returns at once");
        assertEquals(0, p0.read(buf, 30), "unconnected: what it sent is lost, the read times out");
        board.loopback("serial0");
        p0.write("ping".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ping", new String(buf, 0, p0.read(buf, -1), StandardCharsets.US_ASCII));

        SimBoard other = new SimBoard(BoardFiles.builtin("rpi4b"));
        try {
            board.connect("serial1", other, "serial0");
            SerialPort a = board.openSerial("serial1", SerialConfig.baud(9600));
            SerialPort b = other.openSerial("serial0", SerialConfig.baud(9600));
            a.write(new byte[] {1, 2, 3});
            assertEquals(3, b.read(buf, GUARD_S * 1000));
            assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(buf, 3));
            other.inject("serial0", new byte[] {9});
            assertEquals(1, b.read(buf, GUARD_S * 1000));
            assertTrue(assertThrows(HalException.class, () -> board.openSerial("serial1", SerialConfig.baud(9600)))
                    .getMessage().startsWith("serial port serial1 (sim:serial1) on Simulated board is already open"));
            a.close();
            assertThrows(HalException.class, () -> a.read(buf, 0));
        } finally {
            other.close();
        }
    }

    @Test
    void aBlockedReadEndsWhenThePortCloses() throws Exception {
        SerialPort p = board.openSerial("serial0", SerialConfig.baud(115200));
        BlockingQueue<Object> result = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                result.add(p.read(new byte[8], -1));
            } catch (RuntimeException e) {
                result.add(e);
            }
        });
        reader.start();
        while (reader.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        p.close();
        Object r = result.poll(GUARD_S, TimeUnit.SECONDS);
        assertTrue(r instanceof HalException && ((HalException) r).getMessage().contains("serial0 is closed"),
                String.valueOf(r));
    }

    @Test
    void aScriptedButtonPressesRepeatedly() throws Exception {
        DigitalInput button = board.openInput(27, InputConfig.DEFAULT.pull(Pull.UP));
        Edges edges = new Edges();
        edges.listen(button, Edge.FALLING);
        SimScript s = board.pulse(27, 60, 20, SimBoard.ACTIVE_LOW);
        assertEquals("falling@gpio27-edges", edges.next());
        assertEquals("falling@gpio27-edges", edges.next());
        s.close();
        assertTrue(s.pulses() >= 1);
        assertTrue(button.read(), "after the script the pull-up holds the line high");
    }
}
