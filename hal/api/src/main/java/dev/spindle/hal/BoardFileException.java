package dev.spindle.hal;

/**
 * A board definition file is wrong. The message names the file, the line (when the problem is on
 * one), the key and what is allowed, e.g.
 * {@code boards/rpi4b.properties line 7: key 'gpio.lines': '2-x' is not a BCM line; allowed: ...}.
 */
public class BoardFileException extends HalException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;

    /**
     * @param file   the file name as given to the loader
     * @param line   1-based line, or 0 when the problem is a missing key
     * @param key    the key at fault (may be null for a line that has no key)
     * @param detail what is wrong and what is allowed
     */
    public BoardFileException(String file, int line, String key, String detail) {
        super(file + (line > 0 ? " line " + line : "") + ": " + (key == null ? "" : "key '" + key + "': ") + detail);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String getFile() {
        return file;
    }

    /** @return the 1-based line, 0 for a missing key */
    public int getLine() {
        return line;
    }

    /** @return the key at fault, or null */
    public String getKey() {
        return key;
    }
}
