package dev.spindle.hal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BoardFilesTest {
    private static final String FILE = "boards/rpi4b.properties";

    private static String shipped(String id) throws IOException {
        return new String(Files.readAllBytes(new File("../../boards/" + id + ".properties").toPath()),
                StandardCharsets.UTF_8);
    }

    @Test
    void everyShippedFileLoadsAndIsListed() throws IOException {
        TreeSet<String> onDisk = new TreeSet<>();
        for (File f : new File("../../boards").listFiles()) {
            if (f.getName().endsWith(".properties")) {
                onDisk.add(f.getName().replace(".properties", ""));
            }
        }
        assertEquals(onDisk, new TreeSet<>(Arrays.asList(BoardFiles.BUILTIN_IDS)),
                "BoardFiles.BUILTIN_IDS must list every file in boards/");
        for (String id : BoardFiles.BUILTIN_IDS) {
            BoardSpec s = BoardFiles.builtin(id);
            assertEquals(id, s.id());
            assertEquals(40, s.headerPins());
            assertEquals("2-27", s.linesText());
            assertEquals(26, s.gpioLines().length);
            assertArrayEquals(new int[] {1, 2, 4, 5, 6, 8, 10}, s.priorityMap());
            // The header is the same on every board: spot checks from the published pinout.
            assertEquals(2, s.bcmForHeaderPin(3));
            assertEquals(17, s.bcmForHeaderPin(11));
            assertEquals(21, s.bcmForHeaderPin(40));
            assertEquals(-1, s.bcmForHeaderPin(6));
            assertEquals(-1, s.bcmForHeaderPin(1), "3V3 is not a line");
            assertEquals("GND", s.headerPin(39));
            assertEquals(12, s.headerPinForBcm(18));
            assertTrue(s.serialPorts().length >= 1);
        }
    }

    @Test
    void piSpecificFacts() {
        BoardSpec pi4 = BoardFiles.builtin("rpi4b");
        assertEquals("Raspberry Pi 4B", pi4.name());
        assertEquals("/dev/serial0", pi4.serialDevice("serial0"));
        assertEquals("gpiod-digital-input", pi4.pi4jInputProvider());
        assertEquals("linuxfs-digital-output", pi4.pi4jOutputFallback());
        assertEquals("pinctrl-bcm2711", pi4.gpioChipLabel());
        BoardSpec pi5 = BoardFiles.builtin("rpi5");
        assertArrayEquals(new String[] {"/dev/gpiochip0", "/dev/gpiochip4"}, pi5.gpioChips());
        assertEquals("pinctrl-rp1", pi5.gpioChipLabel());
        assertEquals("/dev/ttyAMA0", pi5.serialDevice("serial0"));
        BoardSpec sim = BoardFiles.builtin("sim");
        assertNull(sim.detectModel());
        assertEquals(0, sim.gpioChips().length);
        assertEquals("sim:serial1", sim.serialDevice("serial1"));
        assertEquals("mock-digital-input", sim.pi4jInputProvider());
        assertNull(sim.pi4jInputFallback());
    }

    @Test
    void unknownBuiltinNamesTheChoices() {
        HalException e = assertThrows(HalException.class, () -> BoardFiles.builtin("rpi9"));
        assertTrue(e.getMessage().contains("rpi3bplus, rpi4b, rpi5, rpizero2w, sim"), e.getMessage());
    }

    /** Replaces the first line starting with {@code prefix} (null appends) by {@code replacement} (null deletes). */
    private static String edit(String text, String prefix, String replacement) {
        if (prefix == null) {
            return text + replacement + "\n";
        }
        StringBuilder b = new StringBuilder();
        boolean done = false;
        for (String line : text.split("\n", -1)) {
            if (!done && line.startsWith(prefix)) {
                done = true;
                if (replacement != null) {
                    b.append(replacement).append('\n');
                }
            } else {
                b.append(line).append('\n');
            }
        }
        assertTrue(done, "no line starts with " + prefix);
        return b.toString();
    }

    private static int lineOf(String text, String prefix) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(prefix)) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * One broken file per rule: {@code prefix} is the line replaced ("-" appends, an empty replacement
     * deletes); the error must name the file, the key, the line where the problem is on one, and the
     * expected words.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not key=value        | name=           | just text               | -          | is not key=value",
        "unknown key          | name=           | colour=red              | colour     | unknown key; allowed keys: id, name",
        "duplicate key        | -               | name=Again              | name       | set again (first on line",
        "empty value          | name=           | name=                   | name       | has no value",
        "missing name         | name=           |                         | name       | is missing; add name=",
        "bad id               | id=             | id=RPi_4                | id         | lower-case letters, digits and '-'",
        "id vs file name      | id=             | id=rpi3bplus            | id         | does not match the file name rpi4b.properties",
        "bad line             | gpio.lines=     | gpio.lines=2-x          | gpio.lines | is not a BCM line or range; allowed: BCM line numbers 0-63",
        "line out of range    | gpio.lines=     | gpio.lines=2-99         | gpio.lines | out of range",
        "line twice           | gpio.lines=     | gpio.lines=2-27,5       | gpio.lines | line 5 is listed twice",
        "reserved overlaps    | gpio.reserved=  | gpio.reserved=0-2       | gpio.reserved | line 2 is also in gpio.lines",
        "bad chip             | gpio.chips=     | gpio.chips=/dev/gpio0   | gpio.chips | allowed: /dev/gpiochipN paths",
        "header size          | header.pins=    | header.pins=26          | header.pins | allowed: 40",
        "pin outside header   | -               | header.41=GND           | header.41  | outside the header; allowed: header.1 .. header.40",
        "bad pin function     | header.1=       | header.1=12V            | header.1   | allowed: 3V3, 5V, GND or a BCM line number",
        "pin not a line       | header.1=       | header.1=40             | header.1   | BCM line 40 is neither in gpio.lines (2-27) nor in gpio.reserved (0-1)",
        "line on two pins     | header.1=       | header.1=17             | header.11  | BCM line 17 is already on header pin 1",
        "line on no pin       | header.40=      | header.40=GND           | gpio.lines | line 21 is on no header pin",
        "missing header pin   | header.40=      |                         | header.40  | is missing",
        "bad serial name      | serial.serial1= | serial.Serial-1=/dev/x  | serial.Serial-1 | lower-case letters and digits",
        "bad serial device    | serial.serial1= | serial.serial1=ttyS0    | serial.serial1 | allowed: a /dev/ path",
        "bad provider         | pi4j.input=     | pi4j.input=gpiod-digital-output | pi4j.input | allowed: gpiod-digital-input, linuxfs-digital-input, pigpio-digital-input, mock-digital-input",
        "priority count       | priority.map=   | priority.map=1,2,3      | priority.map | has 3 entries; give exactly 7",
        "priority range       | priority.map=   | priority.map=1,2,4,5,6,8,11 | priority.map | entry 7 is '11'; allowed: Java priorities 1-10",
        "priority decreasing  | priority.map=   | priority.map=1,2,4,3,6,8,10 | priority.map | entry 4 (3) is below entry 3 (4); entries must not decrease",
    })
    void brokenFileIsReported(String rule, String prefix, String replacement, String key, String expected)
            throws IOException {
        String text = shipped("rpi4b");
        String broken = "-".equals(prefix) ? edit(text, null, replacement) : edit(text, prefix, replacement);
        BoardFileException e = assertThrows(BoardFileException.class,
                () -> BoardFiles.parse(FILE, new StringReader(broken)), rule);
        String m = e.getMessage();
        assertTrue(m.startsWith(FILE), m);
        assertTrue(m.contains(expected), rule + ": " + m);
        if (!"-".equals(key)) {
            assertEquals(key, e.getKey(), m);
            assertTrue(m.contains("key '" + key + "'"), m);
        }
        int expectedLine = replacement == null
                ? 0 : lineOf(broken, "-".equals(prefix) || key.equals("-") ? replacement : key + "=");
        if (replacement != null && !"line on two pins".equals(rule) && !"line on no pin".equals(rule)) {
            assertEquals(expectedLine, e.getLine(), m);
            assertTrue(m.contains(" line " + expectedLine + ": "), m);
        }
    }

    @Test
    void missingSerialPortIsReported() throws IOException {
        String text = edit(edit(shipped("rpi4b"), "serial.serial0=", null), "serial.serial1=", null);
        BoardFileException e = assertThrows(BoardFileException.class,
                () -> BoardFiles.parse(FILE, new StringReader(text)));
        assertTrue(e.getMessage().contains("key 'serial.NAME': is missing; give at least one serial port"),
                e.getMessage());
    }

    @Test
    void commentsBlankLinesCrlfAndSpacesAreAccepted() throws IOException {
        String text = shipped("sim").replace("\n", "\r\n").replace("name=Simulated board", "  name =  Simulated board ");
        BoardSpec s = BoardFiles.parse("x/sim.properties", new StringReader("# extra comment\n\n" + text));
        assertEquals("Simulated board", s.name());
    }
}
