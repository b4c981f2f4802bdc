package dev.spindle.hal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.util.Hashtable;
import java.util.Vector;

/**
 * Reads and validates board definition files ({@code boards/<id>.properties}).
 *
 * <h2>Format</h2>
 * One {@code key=value} per line, UTF-8; blank lines and lines starting with {@code #} are ignored;
 * spaces around keys and values are trimmed; a key may appear once. The keys (all required unless
 * marked optional):
 * <pre>
 * id                  lower-case letters, digits and '-'; equal to the file name without .properties
 * name                the human name, e.g. Raspberry Pi 4B
 * detect.model        optional: the start of /proc/device-tree/model on this board, up to a space,
 *                     a comma or the end (BoardSpec.matchesModel); the agent detects its board by it
 * gpio.lines          usable BCM lines: numbers 0-63 and ranges, comma-separated (2-27)
 * gpio.reserved       optional: header lines kept for the system, same syntax (0-1: the HAT EEPROM bus)
 * gpio.chips          optional: /dev/gpiochipN devices in preference order, comma-separated
 * gpio.chip.label     optional: the kernel label of the chip with the header lines (pinctrl-bcm2711)
 * header.pins         40, or 0 for a board without a header
 * header.1 .. header.N  one per header pin: 3V3, 5V, GND or a BCM number from gpio.lines or gpio.reserved;
 *                     every gpio.lines entry appears exactly once when the board has a header
 * serial.NAME         at least one: a port name (letters, digits) and its device, /dev/... or sim:...
 * pi4j.input          Pi4J digital input provider id (gpiod-digital-input, linuxfs-digital-input, ...)
 * pi4j.output         Pi4J digital output provider id
 * pi4j.input.fallback  optional: the provider used when the first one is not present
 * pi4j.output.fallback optional
 * priority.map        7 Java priorities 1-10, lowest Zerynth priority first, never decreasing
 * </pre>
 * Every error is a {@link BoardFileException} naming the file, line, key and what is allowed.
 *
 * <p>CLDC 8: the parser needs only a {@link Reader}; opening files is the caller's business
 * ({@link #builtin(String)} reads the definitions shipped in this jar).
 */
public final class BoardFiles {
    /** The board definitions shipped in this jar, as {@code /boards/<id>.properties}. */
    public static final String[] BUILTIN_IDS = {"rpi3bplus", "rpi4b", "rpi5", "rpizero2w", "sim"};

    static final String[] PI4J_PROVIDERS = {"gpiod", "linuxfs", "pigpio", "mock"};

    private static final String[] FIXED_KEYS = {"id", "name", "detect.model", "gpio.lines", "gpio.reserved",
        "gpio.chips", "gpio.chip.label", "header.pins", "pi4j.input", "pi4j.output", "pi4j.input.fallback",
        "pi4j.output.fallback", "priority.map"};
    private static final String ALLOWED_KEYS = "id, name, detect.model, gpio.lines, gpio.reserved, gpio.chips,"
            + " gpio.chip.label, header.pins, header.1 .. header.N, serial.NAME, pi4j.input, pi4j.output,"
            + " pi4j.input.fallback, pi4j.output.fallback, priority.map";
    private static final int MAX_LINE = 63;

    private BoardFiles() {
    }

    /** @return the built-in definition with this id (see {@link #BUILTIN_IDS}) */
    public static BoardSpec builtin(String id) {
        boolean known = false;
        for (int i = 0; i < BUILTIN_IDS.length; i++) {
            known |= BUILTIN_IDS[i].equals(id);
        }
        if (!known) {
            throw new HalException("no built-in board '" + id + "'; use one of " + builtinList()
                    + ", or load your own file with BoardFiles.parse");
        }
        String resource = "/boards/" + id + ".properties";
        InputStream in = BoardFiles.class.getResourceAsStream(resource);
        if (in == null) {
            throw new HalException("board definition " + resource + " is missing from the classpath;"
                    + " rebuild spindle-hal-api (it copies boards/*.properties into the jar)");
        }
        try {
            try {
                return parse("boards/" + id + ".properties", new InputStreamReader(in, "UTF-8"));
            } finally {
                in.close();
            }
        } catch (IOException e) {
            throw new HalException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * The built-in definition whose {@code detect.model} names this model (see
     * {@link BoardSpec#matchesModel}); the longest {@code detect.model} wins if several match.
     *
     * @param model the text of {@code /proc/device-tree/model} (a trailing NUL is fine)
     * @return the definition, or null when no built-in board matches
     */
    public static BoardSpec detect(String model) {
        BoardSpec best = null;
        for (int i = 0; i < BUILTIN_IDS.length; i++) {
            BoardSpec s = builtin(BUILTIN_IDS[i]);
            if (s.matchesModel(model) && (best == null || s.detectModel().length() > best.detectModel().length())) {
                best = s;
            }
        }
        return best;
    }

    /** @return the built-in ids with their {@code detect.model}, for messages: {@code rpi4b ('Raspberry Pi 4 Model B'), ...} */
    public static String detectList() {
        StringBuffer b = new StringBuffer();
        for (int i = 0; i < BUILTIN_IDS.length; i++) {
            String m = builtin(BUILTIN_IDS[i]).detectModel();
            if (m != null) {
                b.append(b.length() == 0 ? "" : ", ").append(BUILTIN_IDS[i]).append(" ('").append(m).append("')");
            }
        }
        return b.toString();
    }

    /** @return the built-in ids, comma-separated */
    public static String builtinList() {
        StringBuffer b = new StringBuffer();
        for (int i = 0; i < BUILTIN_IDS.length; i++) {
            b.append(i == 0 ? "" : ", ").append(BUILTIN_IDS[i]);
        }
        return b.toString();
    }

    /**
     * Parses and validates a definition.
     *
     * @param fileName the name used in messages and checked against {@code id} (a path is fine:
     *                 {@code boards/rpi4b.properties})
     * @param in       the text; read to the end, not closed
     * @throws BoardFileException naming the file, line, key and what is allowed
     * @throws IOException        if reading fails
     */
    public static BoardSpec parse(String fileName, Reader in) throws IOException {
        Hashtable values = new Hashtable();
        Hashtable lineOf = new Hashtable();
        Vector serialNames = new Vector();
        StringBuffer line = new StringBuffer();
        int lineNo = 0;
        boolean eof = false;
        while (!eof) {
            int c = in.read();
            if (c == -1) {
                eof = true;
            } else if (c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
                continue;
            }
            if (eof && line.length() == 0) {
                break;
            }
            lineNo++;
            String text = line.toString().trim();
            line.setLength(0);
            if (text.length() == 0 || text.charAt(0) == '#') {
                continue;
            }
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new BoardFileException(fileName, lineNo, null, "'" + text + "' is not key=value;"
                        + " each line is key=value, a comment starting with #, or blank");
            }
            String key = text.substring(0, eq).trim();
            String value = text.substring(eq + 1).trim();
            checkKnownKey(fileName, lineNo, key);
            if (values.containsKey(key)) {
                throw new BoardFileException(fileName, lineNo, key, "set again (first on line " + lineOf.get(key)
                        + "); each key may appear once");
            }
            if (value.length() == 0) {
                throw new BoardFileException(fileName, lineNo, key, "has no value; "
                        + (key.startsWith("header.") ? "allowed: 3V3, 5V, GND or a BCM line number" : "remove the"
                        + " line if the key is optional, or give a value"));
            }
            values.put(key, value);
            lineOf.put(key, new Integer(lineNo));
            if (key.startsWith("serial.")) {
                serialNames.addElement(key.substring("serial.".length()));
            }
        }
        return new Checker(fileName, values, lineOf).build(serialNames);
    }

    private static void checkKnownKey(String file, int lineNo, String key) {
        for (int i = 0; i < FIXED_KEYS.length; i++) {
            if (FIXED_KEYS[i].equals(key)) {
                return;
            }
        }
        if (key.startsWith("header.") && isNumber(key.substring(7))) {
            return;
        }
        if (key.startsWith("serial.")) {
            String name = key.substring(7);
            if (name.length() > 0 && isLowerAlnum(name, false)) {
                return;
            }
            throw new BoardFileException(file, lineNo, key, "a serial port name is lower-case letters and digits"
                    + " (serial.serial0=/dev/serial0)");
        }
        throw new BoardFileException(file, lineNo, key, "unknown key; allowed keys: " + ALLOWED_KEYS);
    }

    static boolean isNumber(String s) {
        if (s.length() == 0 || s.length() > 4) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean isLowerAlnum(String s, boolean dash) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || dash && c == '-' && i > 0)) {
                return false;
            }
        }
        return s.length() > 0;
    }

    /** Validates the collected values of one file. */
    private static final class Checker {
        private final String file;
        private final Hashtable values;
        private final Hashtable lineOf;

        Checker(String file, Hashtable values, Hashtable lineOf) {
            this.file = file;
            this.values = values;
            this.lineOf = lineOf;
        }

        BoardSpec build(Vector serialNames) {
            String id = required("id", "lower-case letters, digits and '-', equal to the file name");
            if (!isLowerAlnum(id, true)) {
                throw fail("id", "'" + id + "' is not an id; allowed: lower-case letters, digits and '-' (rpi4b)");
            }
            String base = file.substring(file.lastIndexOf('/') + 1);
            if (!base.equals(id + ".properties")) {
                throw fail("id", "'" + id + "' does not match the file name " + base + "; name the file "
                        + id + ".properties or set id=" + (base.endsWith(".properties")
                        ? base.substring(0, base.length() - ".properties".length()) : base));
            }
            String name = required("name", "the board's human name, e.g. Raspberry Pi 4B");
            String model = optional("detect.model");
            int[] lines = lineList("gpio.lines", true);
            int[] reserved = lineList("gpio.reserved", false);
            for (int i = 0; i < reserved.length; i++) {
                if (BoardSpec.indexOf(lines, reserved[i]) >= 0) {
                    throw fail("gpio.reserved", "line " + reserved[i] + " is also in gpio.lines; a line is either"
                            + " usable or reserved");
                }
            }
            String[] chips = chips();
            String label = optional("gpio.chip.label");
            String[] header = header(lines, reserved);
            Hashtable devices = new Hashtable();
            if (serialNames.isEmpty()) {
                throw fail("serial.NAME", "is missing; give at least one serial port, e.g."
                        + " serial.serial0=/dev/serial0 (or sim:serial0 on the simulator)");
            }
            for (int i = 0; i < serialNames.size(); i++) {
                String key = "serial." + serialNames.elementAt(i);
                String dev = (String) values.get(key);
                if (!(dev.startsWith("/dev/") && dev.length() > 5 || dev.startsWith("sim:") && dev.length() > 4)) {
                    throw fail(key, "'" + dev + "' is not a serial device; allowed: a /dev/ path"
                            + " (/dev/ttyAMA0) or sim:NAME for the simulator");
                }
                devices.put(serialNames.elementAt(i), dev);
            }
            String[] pi4j = {
                provider("pi4j.input", "input", true),
                provider("pi4j.output", "output", true),
                provider("pi4j.input.fallback", "input", false),
                provider("pi4j.output.fallback", "output", false)};
            int[] prio = priorityMap();
            return new BoardSpec(file, id, name, model, lines, reserved, header, serialNames, devices, chips, label,
                    pi4j, prio);
        }

        private String required(String key, String allowed) {
            String v = (String) values.get(key);
            if (v == null) {
                throw new BoardFileException(file, 0, key, "is missing; add " + key + "=... (" + allowed + ")");
            }
            return v;
        }

        private String optional(String key) {
            return (String) values.get(key);
        }

        private BoardFileException fail(String key, String detail) {
            Integer line = (Integer) lineOf.get(key);
            return new BoardFileException(file, line == null ? 0 : line.intValue(), key, detail);
        }

        private int[] lineList(String key, boolean isRequired) {
            String text = isRequired ? required(key, "BCM numbers and ranges, e.g. 2-27") : optional(key);
            if (text == null) {
                return new int[0];
            }
            String allowed = "; allowed: BCM line numbers 0-" + MAX_LINE + " and ranges like 2-27, comma-separated";
            Vector out = new Vector();
            String[] parts = split(text);
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                int dash = p.indexOf('-');
                String a = dash < 0 ? p : p.substring(0, dash).trim();
                String b = dash < 0 ? p : p.substring(dash + 1).trim();
                if (!isNumber(a) || !isNumber(b)) {
                    throw fail(key, "'" + p + "' is not a BCM line or range" + allowed);
                }
                int from = Integer.parseInt(a);
                int to = Integer.parseInt(b);
                if (to > MAX_LINE || from > to) {
                    throw fail(key, "'" + p + "' is out of range" + allowed);
                }
                for (int n = from; n <= to; n++) {
                    Integer v = new Integer(n);
                    if (out.contains(v)) {
                        throw fail(key, "line " + n + " is listed twice; list each line once");
                    }
                    out.addElement(v);
                }
            }
            int[] r = new int[out.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Integer) out.elementAt(i)).intValue();
            }
            sort(r);
            return r;
        }

        private String[] chips() {
            String text = optional("gpio.chips");
            if (text == null) {
                return new String[0];
            }
            String[] parts = split(text);
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].startsWith("/dev/gpiochip") || !isNumber(parts[i].substring(13))) {
                    throw fail("gpio.chips", "'" + parts[i] + "' is not a GPIO chip; allowed: /dev/gpiochipN paths,"
                            + " comma-separated, preferred first");
                }
            }
            return parts;
        }

        private String[] header(int[] lines, int[] reserved) {
            String countText = required("header.pins", "40 for the Raspberry Pi header, 0 for none");
            if (!countText.equals("40") && !countText.equals("0")) {
                throw fail("header.pins", "'" + countText + "' is not supported; allowed: 40 (the Raspberry Pi"
                        + " 40-pin header) or 0 (no header)");
            }
            int count = Integer.parseInt(countText);
            String[] header = new String[count + 1];
            header[0] = "";
            for (java.util.Enumeration e = values.keys(); e.hasMoreElements();) {
                String key = (String) e.nextElement();
                if (key.startsWith("header.") && !key.equals("header.pins")) {
                    int pin = Integer.parseInt(key.substring(7));
                    if (pin < 1 || pin > count) {
                        throw fail(key, "pin " + pin + " is outside the header; allowed: header.1 .. header."
                                + count + (count == 0 ? " (header.pins is 0: remove the header.N lines)" : ""));
                    }
                }
            }
            Hashtable seen = new Hashtable();
            for (int pin = 1; pin <= count; pin++) {
                String key = "header." + pin;
                String v = required(key, "3V3, 5V, GND or a BCM line number; every header pin is listed");
                if (v.equals(BoardSpec.POWER_3V3) || v.equals(BoardSpec.POWER_5V) || v.equals(BoardSpec.GROUND)) {
                    header[pin] = v;
                    continue;
                }
                if (!isNumber(v)) {
                    throw fail(key, "'" + v + "' is not a pin function; allowed: 3V3, 5V, GND or a BCM line number");
                }
                int bcm = Integer.parseInt(v);
                if (BoardSpec.indexOf(lines, bcm) < 0 && BoardSpec.indexOf(reserved, bcm) < 0) {
                    throw fail(key, "BCM line " + bcm + " is neither in gpio.lines (" + BoardSpec.ranges(lines)
                            + ") nor in gpio.reserved (" + BoardSpec.ranges(reserved) + "); add it to one of them");
                }
                Integer bcmKey = new Integer(bcm);
                if (seen.containsKey(bcmKey)) {
                    throw fail(key, "BCM line " + bcm + " is already on header pin " + seen.get(bcmKey)
                            + "; a line is on one pin");
                }
                seen.put(bcmKey, new Integer(pin));
                header[pin] = String.valueOf(bcm);
            }
            if (count > 0) {
                for (int i = 0; i < lines.length; i++) {
                    if (!seen.containsKey(new Integer(lines[i]))) {
                        throw fail("gpio.lines", "line " + lines[i] + " is on no header pin; map it with header.N="
                                + lines[i] + " or remove it from gpio.lines");
                    }
                }
            }
            return header;
        }

        private String provider(String key, String kind, boolean isRequired) {
            String v = isRequired ? required(key, "a Pi4J provider id such as gpiod-digital-" + kind) : optional(key);
            if (v == null) {
                return null;
            }
            String allowed = "";
            for (int i = 0; i < PI4J_PROVIDERS.length; i++) {
                String id = PI4J_PROVIDERS[i] + "-digital-" + kind;
                if (id.equals(v)) {
                    return v;
                }
                allowed += (i == 0 ? "" : ", ") + id;
            }
            throw fail(key, "'" + v + "' is not a Pi4J digital " + kind + " provider; allowed: " + allowed);
        }

        private int[] priorityMap() {
            String text = required("priority.map", "7 Java priorities 1-10, e.g. 1,2,4,5,6,8,10");
            String[] parts = split(text);
            if (parts.length != 7) {
                throw fail("priority.map", "has " + parts.length + " entries; give exactly 7 Java priorities"
                        + " (for Zerynth priorities 1..7, lowest first), e.g. 1,2,4,5,6,8,10");
            }
            int[] map = new int[7];
            for (int i = 0; i < 7; i++) {
                if (!isNumber(parts[i]) || Integer.parseInt(parts[i]) < 1 || Integer.parseInt(parts[i]) > 10) {
                    throw fail("priority.map", "entry " + (i + 1) + " is '" + parts[i] + "'; allowed: Java"
                            + " priorities 1-10");
                }
                map[i] = Integer.parseInt(parts[i]);
                if (i > 0 && map[i] < map[i - 1]) {
                    throw fail("priority.map", "entry " + (i + 1) + " (" + map[i] + ") is below entry " + i + " ("
                            + map[i - 1] + "); entries must not decrease");
                }
            }
            return map;
        }
    }

    /** @return the comma-separated parts, trimmed, empty parts kept (so that they can be reported) */
    static String[] split(String text) {
        Vector parts = new Vector();
        int start = 0;
        while (true) {
            int comma = text.indexOf(',', start);
            parts.addElement(text.substring(start, comma < 0 ? text.length() : comma).trim());
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        String[] r = new String[parts.size()];
        parts.copyInto(r);
        return r;
    }

    static void sort(int[] a) {
        for (int i = 1; i < a.length; i++) {
            int v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }
}
