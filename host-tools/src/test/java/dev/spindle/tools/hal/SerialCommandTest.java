package dev.spindle.tools.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.SpindleRun;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SerialCommandTest {
    @Test
    void listShowsTheBoardsPorts() {
        SpindleRun r = SpindleRun.of("serial", "list", "--board", "sim");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("PORT       DEVICE           STATE\n"
                + "serial0    sim:serial0      simulated\n"
                + "serial1    sim:serial1      simulated\n", r.out());
    }

    @Test
    void openRelaysStdinToThePortAndThePortToStdout() {
        InputStream saved = SerialOpen.stdin;
        try {
            SerialOpen.stdin = new ByteArrayInputStream("héllo\nspindle\n".getBytes(StandardCharsets.UTF_8));
            SpindleRun r = SpindleRun.of("serial", "open", "serial0", "--board", "sim", "--sim-loopback", "serial0",
                    "--baud", "9600", "--drain-ms", "200");
            assertEquals(ExitCodes.OK, r.code(), r.err());
            assertEquals("héllo\nspindle\n", r.out());
            assertTrue(r.err().startsWith("relaying serial port serial0 (sim:serial0, 9600 8N1)"), r.err());
        } finally {
            SerialOpen.stdin = saved;
        }
    }

    @Test
    void badPortsAndSettingsSayWhatIsAllowed() {
        SpindleRun port = SpindleRun.of("serial", "open", "ttyS0", "--board", "sim");
        assertEquals(ExitCodes.FAILURE, port.code());
        assertTrue(port.err().contains("serial port 'ttyS0' does not exist on Simulated board; use one of serial0,"
                + " serial1"), port.err());
        SpindleRun parity = SpindleRun.of("serial", "open", "serial0", "--board", "sim", "--parity", "weird");
        assertTrue(parity.err().contains("'weird' is not a parity setting; use one of none, even, odd"), parity.err());
        SpindleRun missing = SpindleRun.of("serial", "open", "/dev/ttyNOPE3", "--board", "rpi4b");
        assertTrue(missing.err().contains("serial device /dev/ttyNOPE3 does not exist on Raspberry Pi 4B"),
                missing.err());
    }
}
