package dev.spindle.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void choicesParseCaseInsensitivelyAndNameTheAllowedValues() {
        assertSame(Pull.UP, Pull.parse("UP"));
        assertSame(Edge.BOTH, Edge.parse(" both "));
        assertSame(FlowControl.RTS_CTS, FlowControl.parse("rts_cts"));
        assertSame(StopBits.ONE_POINT_FIVE, StopBits.parse("1.5"));
        assertSame(Shutdown.KEEP, Shutdown.parse("keep"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parity.parse("weird"));
        assertEquals("'weird' is not a parity setting; use one of none, even, odd, mark, space", e.getMessage());
        assertEquals(3, Edge.values().length);
    }

    @Test
    void configsAreImmutableCopies() {
        OutputConfig o = OutputConfig.DEFAULT.initialHigh(true).shutdown(Shutdown.KEEP);
        assertEquals(false, OutputConfig.DEFAULT.isInitialHigh());
        assertSame(Shutdown.LOW, OutputConfig.DEFAULT.getShutdown());
        assertTrue(o.isInitialHigh());
        assertSame(Shutdown.KEEP, o.getShutdown());
        InputConfig i = InputConfig.DEFAULT.pull(Pull.DOWN).debounceMs(5).listenerPriority(7);
        assertSame(Pull.NONE, InputConfig.DEFAULT.getPull());
        assertEquals(5, i.getDebounceMs());
        assertEquals(7, i.getListenerPriority());
        SerialConfig s = SerialConfig.baud(9600).parity(Parity.EVEN).stopBits(StopBits.TWO).dataBits(7);
        assertEquals("9600 7E2", s.toString());
        assertEquals(11.0, s.bitsPerByte());
        assertEquals("115200 8N1", SerialConfig.baud(115200).toString());
    }

    @Test
    void badSettingsSayWhatIsAllowed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SerialConfig.baud(0)).getMessage()
                .contains("use a positive rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SerialConfig.baud(9600).dataBits(9))
                .getMessage().contains("use 5, 6, 7 or 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputConfig.DEFAULT.debounceMs(-1))
                .getMessage().contains("use 0 (off) or more"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputConfig.DEFAULT.listenerPriority(8))
                .getMessage().contains("PRIO_HIGHEST (7)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OutputConfig.DEFAULT.shutdown(null))
                .getMessage().contains("low, high, keep"));
    }
}
