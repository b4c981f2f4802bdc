package dev.spindle.bundle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Writes zips byte by byte, so that tests can craft what java.util.zip refuses to write. */
final class RawZip {
    /** One entry; fields are public to be bent by tests. */
    static final class Entry {
        byte[] name;
        byte[] data;
        boolean deflate = true;
        Long declaredSize;
        int madeBy = 20;
        long external;
        byte[] extra = new byte[0];
    }

    private final List<Entry> entries = new ArrayList<>();

    Entry add(String name, byte[] data) {
        Entry e = new Entry();
        e.name = name.getBytes(StandardCharsets.UTF_8);
        e.data = data;
        entries.add(e);
        return e;
    }

    Entry symlink(String name, String target) {
        Entry e = add(name, target.getBytes(StandardCharsets.UTF_8));
        e.deflate = false;
        e.madeBy = 3 << 8 | 20;
        e.external = (0120777L << 16);
        return e;
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        for (Entry e : entries) {
            CRC32 crc = new CRC32();
            crc.update(e.data);
            byte[] comp = e.deflate ? deflate(e.data) : e.data;
            long usize = e.declaredSize != null ? e.declaredSize : e.data.length;
            int offset = out.size();
            ByteBuffer lh = le(30);
            lh.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800)
                    .putShort((short) (e.deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x5021)
                    .putInt((int) crc.getValue()).putInt(comp.length).putInt((int) usize)
                    .putShort((short) e.name.length).putShort((short) e.extra.length);
            out.writeBytes(lh.array());
            out.writeBytes(e.name);
            out.writeBytes(e.extra);
            out.writeBytes(comp);
            ByteBuffer ch = le(46);
            ch.putInt(0x02014b50).putShort((short) e.madeBy).putShort((short) 20).putShort((short) 0x0800)
                    .putShort((short) (e.deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x5021)
                    .putInt((int) crc.getValue()).putInt(comp.length).putInt((int) usize)
                    .putShort((short) e.name.length).putShort((short) e.extra.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt((int) e.external).putInt(offset);
            cd.writeBytes(ch.array());
            cd.writeBytes(e.name);
            cd.writeBytes(e.extra);
        }
        int cdOffset = out.size();
        out.writeBytes(cd.toByteArray());
        ByteBuffer eocd = le(22);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(cd.size()).putInt(cdOffset).putShort((short) 0);
        out.writeBytes(eocd.array());
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            o.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return o.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
