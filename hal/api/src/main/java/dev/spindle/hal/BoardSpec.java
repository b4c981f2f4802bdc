package dev.spindle.hal;

import java.util.Hashtable;
import java.util.Vector;

/**
 * What a board offers, as read from its definition file ({@code boards/<id>.properties}, see
 * {@link BoardFiles}): id, name, usable GPIO lines (BCM numbers), the 40-pin header, serial ports,
 * Pi4J provider ids and the priority map. Immutable; arrays are returned as copies.
 */
public final class BoardSpec {
    /** Header pin values that are not GPIO lines. */
    public static final String POWER_3V3 = "3V3";
    public static final String POWER_5V = "5V";
    public static final String GROUND = "GND";

    private final String file;
    private final String id;
    private final String name;
    private final String model;
    private final int[] lines;
    private final int[] reserved;
    private final String[] header;
    private final Vector serialNames;
    private final Hashtable serialDevices;
    private final String[] chips;
    private final String chipLabel;
    private final String[] pi4j;
    private final int[] priorityMap;

    BoardSpec(String file, String id, String name, String model, int[] lines, int[] reserved, String[] header,
            Vector serialNames, Hashtable serialDevices, String[] chips, String chipLabel, String[] pi4j,
            int[] priorityMap) {
        this.file = file;
        this.id = id;
        this.name = name;
        this.model = model;
        this.lines = lines;
        this.reserved = reserved;
        this.header = header;
        this.serialNames = serialNames;
        this.serialDevices = serialDevices;
        this.chips = chips;
        this.chipLabel = chipLabel;
        this.pi4j = pi4j;
        this.priorityMap = priorityMap;
    }

    /** @return the file it was loaded from */
    public String file() {
        return file;
    }

    /** @return the board id ({@code rpi4b}), equal to the file name without {@code .properties} */
    public String id() {
        return id;
    }

    /** @return the human name ({@code Raspberry Pi 4B}) */
    public String name() {
        return name;
    }

    /** @return the start of {@code /proc/device-tree/model} on this board, or null (the simulator) */
    public String detectModel() {
        return model;
    }

    /**
     * Whether the text of {@code /proc/device-tree/model} names this board: it starts with
     * {@link #detectModel()}, followed by the end, a space or a comma (so {@code Raspberry Pi 5}
     * matches {@code Raspberry Pi 5 Model B Rev 1.0} but not {@code Raspberry Pi 500 Rev 1.0}).
     *
     * @param model the model text as the kernel gives it; NUL bytes and surrounding white space are ignored
     * @return false for a board without {@code detect.model} (the simulator runs anywhere)
     */
    public boolean matchesModel(String model) {
        if (this.model == null || model == null) {
            return false;
        }
        String m = cleanModel(model);
        if (!m.startsWith(this.model)) {
            return false;
        }
        if (m.length() == this.model.length()) {
            return true;
        }
        char next = m.charAt(this.model.length());
        return next == ' ' || next == ',';
    }

    /** @return the model text without NUL bytes (the kernel's file ends with one) and surrounding white space */
    public static String cleanModel(String model) {
        StringBuffer b = new StringBuffer(model.length());
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c != 0) {
                b.append(c);
            }
        }
        return b.toString().trim();
    }

    /** @return the usable GPIO lines, BCM numbers in ascending order */
    public int[] gpioLines() {
        return copy(lines);
    }

    /** @return lines on the header that exist but are kept for the system (the HAT EEPROM bus), ascending */
    public int[] reservedLines() {
        return copy(reserved);
    }

    /** @return whether {@code bcm} is a usable GPIO line */
    public boolean isGpioLine(int bcm) {
        return indexOf(lines, bcm) >= 0;
    }

    /** @return the usable lines in compact form, e.g. {@code 2-27} */
    public String linesText() {
        return ranges(lines);
    }

    /** @return the number of header pins (40), 0 if the board has no header */
    public int headerPins() {
        return header.length - 1;
    }

    /**
     * @param pin a header pin, 1..{@link #headerPins()}
     * @return {@code 3V3}, {@code 5V}, {@code GND} or the BCM number as text
     */
    public String headerPin(int pin) {
        if (pin < 1 || pin >= header.length) {
            throw new HalException("header pin " + pin + " does not exist on " + name + "; header pins are 1-"
                    + headerPins());
        }
        return header[pin];
    }

    /** @return the BCM line on header pin {@code pin}, or -1 for power, ground or no such pin */
    public int bcmForHeaderPin(int pin) {
        if (pin < 1 || pin >= header.length) {
            return -1;
        }
        String v = header[pin];
        return BoardFiles.isNumber(v) ? Integer.parseInt(v) : -1;
    }

    /** @return the header pin of BCM line {@code bcm}, or -1 if it is not on the header */
    public int headerPinForBcm(int bcm) {
        String b = String.valueOf(bcm);
        for (int p = 1; p < header.length; p++) {
            if (header[p].equals(b)) {
                return p;
            }
        }
        return -1;
    }

    /** @return the serial port names in file order ({@code serial0}, ...) */
    public String[] serialPorts() {
        String[] s = new String[serialNames.size()];
        serialNames.copyInto(s);
        return s;
    }

    /** @return the device of a serial port name, or null if the board has no such port */
    public String serialDevice(String portName) {
        return (String) serialDevices.get(portName);
    }

    /** @return the GPIO character devices in preference order ({@code /dev/gpiochip0}); empty for the simulator */
    public String[] gpioChips() {
        String[] c = new String[chips.length];
        System.arraycopy(chips, 0, c, 0, chips.length);
        return c;
    }

    /** @return the kernel label of the GPIO chip with the header lines ({@code pinctrl-bcm2711}), or null */
    public String gpioChipLabel() {
        return chipLabel;
    }

    /** @return Pi4J provider id for digital inputs ({@code gpiod-digital-input}) */
    public String pi4jInputProvider() {
        return pi4j[0];
    }

    /** @return Pi4J provider id for digital outputs */
    public String pi4jOutputProvider() {
        return pi4j[1];
    }

    /** @return Pi4J input provider used when the first is not present, or null */
    public String pi4jInputFallback() {
        return pi4j[2];
    }

    /** @return Pi4J output provider used when the first is not present, or null */
    public String pi4jOutputFallback() {
        return pi4j[3];
    }

    /** @return the priority map for {@code dev.spindle.threading.PriorityMap.install}: 7 Java priorities */
    public int[] priorityMap() {
        return copy(priorityMap);
    }

    @Override
    public String toString() {
        return id + " (" + name + ")";
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    static int[] copy(int[] a) {
        int[] c = new int[a.length];
        System.arraycopy(a, 0, c, 0, a.length);
        return c;
    }

    /** @return sorted numbers in compact form: {@code 2-27} or {@code 0-3, 5} */
    static String ranges(int[] sorted) {
        StringBuffer b = new StringBuffer();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            b.append(b.length() == 0 ? "" : ", ").append(sorted[i]);
            if (j > i) {
                b.append('-').append(sorted[j]);
            }
            i = j + 1;
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
