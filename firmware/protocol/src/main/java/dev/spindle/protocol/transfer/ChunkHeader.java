package dev.spindle.protocol.transfer;

/**
 * The binary payload of a {@code chunk} message: an 8-byte header, then the chunk's raw bytes
 * (no base64, no JSON).
 *
 * <pre>
 * offset 0  'S' 'X'       magic (0x53 0x58)
 * offset 2  0x01          format version
 * offset 3  0x00          flags (none defined; must be 0)
 * offset 4  uint32 BE     chunk index (0-based); the bytes belong at index × chunk_size
 * offset 8  …             the chunk's bytes: chunk_size, the last chunk the rest of the file
 * </pre>
 */
public final class ChunkHeader {
    public static final int LENGTH = 8;
    static final byte MAGIC_0 = 'S';
    static final byte MAGIC_1 = 'X';
    static final byte VERSION = 1;

    private ChunkHeader() {
    }

    /** @return a payload buffer with the header written and room for {@code dataLength} bytes at {@link #LENGTH} */
    public static byte[] payload(int index, int dataLength) {
        byte[] p = new byte[LENGTH + dataLength];
        p[0] = MAGIC_0;
        p[1] = MAGIC_1;
        p[2] = VERSION;
        p[3] = 0;
        p[4] = (byte) (index >>> 24);
        p[5] = (byte) (index >>> 16);
        p[6] = (byte) (index >>> 8);
        p[7] = (byte) index;
        return p;
    }

    /**
     * @return the chunk index of a well-formed payload
     * @throws IllegalArgumentException naming what is wrong (too short, magic, version, flags, index)
     */
    public static int index(byte[] payload) {
        if (payload == null || payload.length < LENGTH) {
            throw new IllegalArgumentException("chunk message of " + (payload == null ? 0 : payload.length)
                    + " bytes is shorter than its " + LENGTH + "-byte header");
        }
        if (payload[0] != MAGIC_0 || payload[1] != MAGIC_1) {
            throw new IllegalArgumentException("chunk message does not start with 'SX'");
        }
        if (payload[2] != VERSION) {
            throw new IllegalArgumentException("chunk format version " + payload[2] + " is not supported (only 1)");
        }
        if (payload[3] != 0) {
            throw new IllegalArgumentException("chunk flags " + payload[3] + " are not supported (must be 0)");
        }
        int index = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8)
                | (payload[7] & 0xff);
        if (index < 0) {
            throw new IllegalArgumentException("chunk index " + Integer.toUnsignedString(index) + " is out of range");
        }
        return index;
    }
}
