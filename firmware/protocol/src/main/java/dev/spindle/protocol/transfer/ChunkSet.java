package dev.spindle.protocol.transfer;

import java.util.Base64;
import java.util.BitSet;

/**
 * Which chunks of a transfer are held: a bitmap of {@code count} bits. On the wire (the
 * {@code have} field) and on disk it is {@code ceil(count / 8)} bytes, chunk {@code i} in byte
 * {@code i / 8}, bit {@code i % 8} (least significant first), base64 on the wire.
 * Not thread-safe: owned by one transfer, used under its lock.
 */
public final class ChunkSet {
    private final int count;
    private final BitSet bits;
    private int held;

    public ChunkSet(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("chunk count " + count);
        }
        this.count = count;
        this.bits = new BitSet(count);
    }

    public static ChunkSet fromBytes(int count, byte[] bytes) {
        if (bytes.length != byteLength(count)) {
            throw new IllegalArgumentException("a bitmap of " + count + " chunks has " + byteLength(count)
                    + " bytes, not " + bytes.length);
        }
        ChunkSet s = new ChunkSet(count);
        BitSet b = BitSet.valueOf(bytes);
        if (b.length() > count) {
            throw new IllegalArgumentException("bitmap marks chunk " + (b.length() - 1) + " of only " + count);
        }
        s.bits.or(b);
        s.held = b.cardinality();
        return s;
    }

    public static ChunkSet fromBase64(int count, String base64) {
        return fromBytes(count, Base64.getDecoder().decode(base64));
    }

    public static int byteLength(int count) {
        return (count + 7) / 8;
    }

    public int count() {
        return count;
    }

    public int held() {
        return held;
    }

    public boolean isComplete() {
        return held == count;
    }

    public boolean has(int index) {
        return bits.get(index);
    }

    /** @return true when the chunk was not held before */
    public boolean add(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + count);
        }
        if (bits.get(index)) {
            return false;
        }
        bits.set(index);
        held++;
        return true;
    }

    /** @return the lowest chunk not held, or {@link #count()} when all are */
    public int firstMissing() {
        int i = bits.nextClearBit(0);
        return Math.min(i, count);
    }

    /** @return the lowest chunk not held at or after {@code from}, or {@link #count()} */
    public int nextMissing(int from) {
        return Math.min(bits.nextClearBit(from), count);
    }

    public byte[] toBytes() {
        byte[] out = new byte[byteLength(count)];
        byte[] b = bits.toByteArray();
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    public ChunkSet copy() {
        ChunkSet c = new ChunkSet(count);
        c.bits.or(bits);
        c.held = held;
        return c;
    }
}
