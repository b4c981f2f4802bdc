package dev.spindle.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.HalException;
import dev.spindle.hal.Parity;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** jSerialComm behind the HAL, on a real pseudo-terminal pair made by socat. */
@Timeout(60)
class JSerialPortTest {
    private static final long GUARD_MS = 10_000;
    @TempDir
    Path dir;
    private Socat socat;
    private final Context context = MockContexts.mock();
    private final Pi4jBoard board = Pi4jBoard.withContext(BoardFiles.builtin("rpi4b"), context,
            "mock-digital-input", "mock-digital-output");

    @BeforeEach
    void startSocat() throws Exception {
        socat = Socat.ptyPair(dir);
    }

    @AfterEach
    void stop() throws Exception {
        board.close();
        context.shutdown();
        if (socat != null) {
            socat.close();
        }
    }

    /** Reads exactly {@code n} bytes (hang guard only). */
    private static byte[] readFully(SerialPort p, int n) {
        byte[] out = new byte[n];
        int got = 0;
        long deadline = System.currentTimeMillis() + GUARD_MS;
        while (got < n && System.currentTimeMillis() < deadline) {
            got += p.read(out, got, n - got, 1000);
        }
        assertEquals(n, got, "bytes that arrived before the hang guard");
        return out;
    }

    @ParameterizedTest(name = "{0} baud")
    @ValueSource(ints = {9600, 115200, 921600})
    void bytesWrittenOnOneEndArriveOnTheOther(int baud) {
        SerialPort a = board.openSerial(socat.a.toString(), SerialConfig.baud(baud));
        SerialPort b = board.openSerial(socat.b.toString(), SerialConfig.baud(baud).parity(Parity.NONE));
        byte[] data = new byte[4096];
        new Random(baud).nextBytes(data);
        a.write(data);
        assertArrayEquals(data, readFully(b, data.length));
        b.write("ok\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ok\n", new String(readFully(a, 3), StandardCharsets.US_ASCII));
        assertEquals(baud, a.config().getBaud());
    }

    @Test
    void timeoutsAreHonoured() throws Exception {
        SerialPort a = board.openSerial(socat.a.toString(), SerialConfig.baud(115200));
        SerialPort b = board.openSerial(socat.b.toString(), SerialConfig.baud(115200));
        byte[] buf = new byte[16];
        assertEquals(0, a.read(buf, 0), "timeout 0 only looks");
        long t0 = System.nanoTime();
        assertEquals(0, a.read(buf, 300));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waitedMs >= 250, "a 300 ms read returned after " + waitedMs + " ms");
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> got.add(a.read(buf, -1)));
        reader.start();
        Thread.sleep(50);
        b.write(new byte[] {42});
        assertEquals(1, got.poll(GUARD_MS, TimeUnit.MILLISECONDS), "a read without limit returns with the data");
        assertEquals(42, buf[0]);
        assertThrows(IllegalArgumentException.class, () -> a.read(buf, -2));
    }

    @Test
    void aBlockedReadEndsWhenThePortCloses() throws Exception {
        SerialPort a = board.openSerial(socat.a.toString(), SerialConfig.baud(115200));
        BlockingQueue<Object> result = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                result.add(a.read(new byte[4], -1));
            } catch (RuntimeException e) {
                result.add(e);
            }
        });
        reader.start();
        Thread.sleep(50);
        a.close();
        Object r = result.poll(GUARD_MS, TimeUnit.MILLISECONDS);
        assertTrue(r instanceof HalException && ((HalException) r).getMessage().contains("is closed"),
                String.valueOf(r));
    }

    @Test
    void aMissingDeviceGivesAClearError() {
        HalException e = assertThrows(HalException.class,
                () -> board.openSerial("/dev/ttyNOPE7", SerialConfig.baud(9600)));
        assertTrue(e.getMessage().startsWith("serial device /dev/ttyNOPE7 does not exist on Raspberry Pi 4B; "),
                e.getMessage());
        HalException named = assertThrows(HalException.class,
                () -> board.openSerial("serial1", SerialConfig.baud(9600)));
        assertTrue(named.getMessage().contains("/dev/serial1 (serial1) does not exist")
                        && named.getMessage().contains("enable the UART"), named.getMessage());
        assertTrue(assertThrows(HalException.class, () -> board.openSerial("ttyS0", SerialConfig.baud(9600)))
                .getMessage().contains("use one of serial0, serial1 or a device path"));
    }

    @Test
    void aDeviceIsOpenOnceAtATime() {
        SerialPort a = board.openSerial(socat.a.toString(), SerialConfig.baud(9600));
        assertTrue(assertThrows(HalException.class,
                () -> board.openSerial(socat.a.toString(), SerialConfig.baud(9600))).getMessage()
                .contains("is already open as a serial port"));
        a.close();
        board.openSerial(socat.a.toString(), SerialConfig.baud(9600)).close();
    }
}
