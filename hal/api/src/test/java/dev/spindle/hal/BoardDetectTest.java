package dev.spindle.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link BoardFiles#detect}: sample /proc/device-tree/model texts (with the kernel's trailing NUL). */
class BoardDetectTest {
    @Test
    void everyShippedPiIsDetectedFromItsModelText() {
        assertEquals("rpi3bplus", BoardFiles.detect("Raspberry Pi 3 Model B Plus Rev 1.3\0").id());
        assertEquals("rpi4b", BoardFiles.detect("Raspberry Pi 4 Model B Rev 1.4\0").id());
        assertEquals("rpi4b", BoardFiles.detect("Raspberry Pi 4 Model B Rev 1.5\0").id());
        assertEquals("rpi5", BoardFiles.detect("Raspberry Pi 5 Model B Rev 1.0\0").id());
        assertEquals("rpizero2w", BoardFiles.detect("Raspberry Pi Zero 2 W Rev 1.0\0").id());
        assertEquals("rpi4b", BoardFiles.detect("  Raspberry Pi 4 Model B Rev 1.4\n").id(), "white space is ignored");
    }

    @Test
    void unknownAndLookAlikeModelsMatchNothing() {
        assertNull(BoardFiles.detect("Raspberry Pi 3 Model B Rev 1.2\0"), "a 3B is not a 3B+");
        assertNull(BoardFiles.detect("Raspberry Pi 500 Rev 1.0\0"), "a Pi 500 is not a Pi 5");
        assertNull(BoardFiles.detect("Raspberry Pi Compute Module 4 Rev 1.0\0"));
        assertNull(BoardFiles.detect("Raspberry Pi Zero W Rev 1.1\0"));
        assertNull(BoardFiles.detect("Radxa ROCK 5B\0"));
        assertNull(BoardFiles.detect(""));
        assertNull(BoardFiles.detect("\0"));
    }

    @Test
    void theSimulatorMatchesNoModel() {
        assertFalse(BoardFiles.builtin("sim").matchesModel("Raspberry Pi 4 Model B Rev 1.4"));
        assertTrue(BoardFiles.builtin("rpi5").matchesModel("Raspberry Pi 5"));
        assertTrue(BoardFiles.builtin("rpi5").matchesModel("Raspberry Pi 5, custom"));
    }

    @Test
    void theListForMessagesNamesEachDetectableBoard() {
        String list = BoardFiles.detectList();
        assertTrue(list.contains("rpi4b ('Raspberry Pi 4 Model B')"), list);
        assertTrue(list.contains("rpizero2w ('Raspberry Pi Zero 2 W')"), list);
        assertFalse(list.contains("sim"), list);
    }
}
