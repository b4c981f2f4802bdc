package dev.spindle.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged files, the bitmap and the chunk header on their own. */
class StagedTransferTest {
    private static final String ID = "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;

    @Test
    void theBitmapOnDiskOnlyHoldsSyncedChunksAndSurvivesAReopen() throws Exception {
        StagedTransfer t = StagedTransfer.create(dir, ID, 10_000, 1024, "x.zip", Json.object());
        assertEquals(10, t.chunks());
        assertEquals(10_000 - 9 * 1024, t.expectedLength(9));
        t.write(3, new byte[1024], 0, 1024);
        t.sync();
        t.write(5, new byte[1024], 0, 1024); // written, not synced: a crash now may lose it
        assertEquals(1, StagedTransfer.readBitmap(StagedTransfer.bitmapFile(dir, ID), 10_000, 1024, 10).held(),
                "the bitmap on disk marks only the synced chunk");
        assertFalse(t.write(3, new byte[1024], 0, 1024), "a held chunk is not written again");
        t.close(); // syncs
        StagedTransfer again = StagedTransfer.reopen(dir, ID, 10_000, 1024);
        assertTrue(again.held().has(3) && again.held().has(5));
        assertEquals(2, again.held().held());
        assertEquals(0, again.held().firstMissing());
        again.close();
        assertNull(StagedTransfer.reopen(dir, ID, 10_000, 2048), "other chunk size: not a resume");
        assertNull(StagedTransfer.reopen(dir, ID, 9_999, 1024), "other size: not a resume");
    }

    @Test
    void aDamagedBitmapCountsAsEmpty() throws Exception {
        StagedTransfer t = StagedTransfer.create(dir, ID, 4096, 1024, "", Json.object());
        for (int i = 0; i < 4; i++) {
            t.write(i, new byte[1024], 0, 1024);
        }
        t.close();
        Path bitmap = StagedTransfer.bitmapFile(dir, ID);
        byte[] good = Files.readAllBytes(bitmap);
        assertEquals(4, StagedTransfer.readBitmap(bitmap, 4096, 1024, 4).held());
        byte[] flipped = good.clone();
        flipped[24] ^= 0x01;
        Files.write(bitmap, flipped);
        assertEquals(0, StagedTransfer.readBitmap(bitmap, 4096, 1024, 4).held(), "checksum catches a flipped bit");
        Files.write(bitmap, java.util.Arrays.copyOf(good, 10));
        assertEquals(0, StagedTransfer.readBitmap(bitmap, 4096, 1024, 4).held(), "truncated");
        Files.write(bitmap, new byte[0]);
        assertEquals(0, StagedTransfer.reopen(dir, ID, 4096, 1024).held().held(), "empty file");
    }

    @Test
    void chunkSetAndHeaderRoundTrip() {
        ChunkSet s = new ChunkSet(11);
        s.add(0);
        s.add(9);
        ChunkSet back = ChunkSet.fromBase64(11, s.toBase64());
        assertEquals(2, back.held());
        assertTrue(back.has(9) && !back.has(8));
        assertEquals(2, s.toBytes().length);
        assertEquals(0x01, s.toBytes()[0]);
        assertEquals(0x02, s.toBytes()[1], "chunk 9 is bit 1 of byte 1");
        assertThrows(IllegalArgumentException.class, () -> ChunkSet.fromBytes(11, new byte[] {0, (byte) 0x80}),
                "a bit past the last chunk");
        byte[] p = ChunkHeader.payload(70_000, 3);
        assertEquals(70_000, ChunkHeader.index(p));
        assertEquals(ChunkHeader.LENGTH + 3, p.length);
        p[0] = 'X';
        assertThrows(IllegalArgumentException.class, () -> ChunkHeader.index(p));
        assertThrows(IllegalArgumentException.class, () -> ChunkHeader.index(new byte[3]));
        assertTrue(TransferTopics.isValidId(ID));
        assertFalse(TransferTopics.isValidId("../" + ID.substring(3)));
        assertEquals(ID, TransferTopics.idOf(TransferTopics.topic("f", "b", ID, "chunk")));
    }
}
