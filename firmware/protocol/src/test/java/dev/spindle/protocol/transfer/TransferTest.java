package dev.spindle.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sender and receiver through the embedded broker (Moquette): transfer, resume both ways, limits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class TransferTest {
    private static final int CHUNK = 16 * 1024;
    private static final SenderOptions OPTIONS = SenderOptions.defaults().withChunk(CHUNK, 8);

    @TempDir
    Path dir;
    private static EmbeddedBroker broker; // one for the class: stopping Moquette takes about 2 s
    private TestBoard board;
    private Link host;

    @BeforeAll
    static void startBroker() throws Exception {
        EmbeddedBroker.quietLogging();
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws Exception {
        board = new TestBoard(broker.url(), "pi-1", dir.resolve("board"), ReceiverOptions.defaults().withSync(8, 1000));
        host = TestBoard.link(broker.url(), "host-1");
        host.start();
        assertTrue(host.awaitConnected(30_000));
    }

    @AfterEach
    void stop() {
        host.close();
        board.close();
    }

    @Test
    void aFileArrivesIntactIsHandedOverOnceAndASecondSendFindsItThere() throws Exception {
        Path file = TestBoard.randomFile(dir, "app-1.2.zip", 40 * CHUNK + 123, 1);
        List<TransferProgress> progress = new CopyOnWriteArrayList<>();
        TransferResult r = new TransferSender(host, TestBoard.FLEET, OPTIONS.withFresh(false))
                .send("pi-1", file, Map.of("version", "1.2"), new TransferListener() {
                    @Override
                    public void progress(TransferProgress p) {
                        progress.add(p);
                    }

                    @Override
                    public void verifying(TransferProgress p) {
                        progress.add(p);
                    }
                });
        assertEquals(41, r.chunks());
        assertEquals(41, r.chunksSent() - r.chunksResent(), "every chunk sent once (plus resends)");
        assertEquals(0, r.heldAtStart());
        assertFalse(r.alreadyComplete());
        assertEquals(1, board.handed.size());
        TestBoard.Handed h = board.handed.get(0);
        assertEquals(TransferSender.sha256(file), h.sha256());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(h.copy()));
        assertEquals("1.2", h.meta().get("version"));
        assertEquals("app-1.2.zip", h.meta().get("name"));
        TransferProgress last = progress.get(progress.size() - 1);
        assertEquals(file.toFile().length(), last.bytesAcked(), "progress reaches the file size");
        assertEquals(41, last.chunksAcked());
        try (var files = Files.list(board.staging)) {
            assertEquals(List.of(h.sha256() + ".done"), files.map(p -> p.getFileName().toString()).toList(),
                    "only the done marker stays in staging");
        }

        TransferResult again = new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-1", file, null, TransferListener.NONE);
        assertTrue(again.alreadyComplete());
        assertEquals(0, again.chunksSent());
        assertEquals(1, board.handed.size(), "not handed over twice");

        TransferResult fresh = new TransferSender(host, TestBoard.FLEET, OPTIONS.withFresh(true))
                .send("pi-1", file, null, TransferListener.NONE);
        assertFalse(fresh.alreadyComplete());
        assertEquals(41, fresh.chunksSent() - fresh.chunksResent());
        assertEquals(2, board.handed.size(), "fresh sends it again");
    }

    /**
     * The write order the kill -9 trials (DeployKillTrialsTest) rely on, seen from inside: at every
     * step the bitmap on disk marks only chunks whose bytes are in the part file; each sync forces
     * the data before it writes the bitmap; the bitmap is gone before the part is promoted.
     */
    @Test
    void atEveryStepTheBitmapOnDiskClaimsOnlyChunksWhoseBytesAreThere() throws Exception {
        Path file = TestBoard.randomFile(dir, "app-3.zip", 30 * CHUNK + 7, 3);
        byte[] want = Files.readAllBytes(file);
        String id = TransferSender.sha256(file);
        Path bitmap = StagedTransfer.bitmapFile(board.staging, id);
        Path part = StagedTransfer.partFile(board.staging, id);
        int chunks = StagedTransfer.chunkCount(want.length, CHUNK);
        List<String> steps = new CopyOnWriteArrayList<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        board.onStep = step -> {
            steps.add(step);
            try {
                if (step.equals(TransferReceiver.STEP_PROMOTED)) {
                    if (Files.exists(bitmap) || !Files.exists(StagedTransfer.bundleFile(board.staging, id))) {
                        wrong.add("promoted: the bitmap must be gone and the bundle there");
                    }
                    return;
                }
                if (!Files.exists(bitmap)) {
                    return;
                }
                ChunkSet held = StagedTransfer.readBitmap(bitmap, want.length, CHUNK, chunks);
                byte[] got = Files.readAllBytes(part);
                for (int i = 0; i < chunks; i++) {
                    int from = i * CHUNK;
                    int to = Math.min(want.length, from + CHUNK);
                    if (held.has(i) && !java.util.Arrays.equals(want, from, to, got, from, to)) {
                        wrong.add(step + ": chunk " + i + " is in the bitmap but not on disk");
                    }
                }
            } catch (java.io.IOException e) {
                wrong.add(step + ": " + e);
            }
        };
        new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-1", file, null, TransferListener.NONE);
        assertEquals(List.of(), wrong);
        assertEquals(chunks, steps.stream().filter(TransferReceiver.STEP_CHUNK_WRITTEN::equals).count());
        long forced = steps.stream().filter(TransferReceiver.STEP_DATA_FORCED::equals).count();
        assertTrue(forced >= chunks / 8, "a sync every 8 chunks: " + steps);
        for (int k = 0; k < steps.size(); k++) {
            if (steps.get(k).equals(TransferReceiver.STEP_DATA_FORCED)) {
                assertEquals(TransferReceiver.STEP_BITMAP_WRITTEN, steps.get(k + 1), "data forced, then the bitmap");
            }
        }
        List<String> end = steps.subList(steps.size() - 4, steps.size());
        assertEquals(List.of(TransferReceiver.STEP_VERIFIED, TransferReceiver.STEP_PROMOTED,
                TransferReceiver.STEP_HANDED_OVER, TransferReceiver.STEP_DONE_RECORDED), end);
    }

    @Test
    void aRestartedReceiverResumesAndOnlyMissingChunksAreSentAgain() throws Exception {
        Path file = TestBoard.randomFile(dir, "b.zip", 64 * CHUNK, 2);
        AtomicInteger ackedAtRestart = new AtomicInteger(-1);
        AtomicReference<TransferProgress> reopened = new AtomicReference<>();
        TransferResult r = new TransferSender(host, TestBoard.FLEET, new SenderOptions(CHUNK, 4, 1000, 500, 30_000,
                30_000, 30_000, 30_000, 0, false)).send("pi-1", file, null, new TransferListener() {
                    @Override
                    public void progress(TransferProgress p) {
                        if (ackedAtRestart.get() < 0 && p.chunksAcked() >= 20) {
                            ackedAtRestart.set(p.chunksAcked());
                            try {
                                board.restartReceiver();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }

                    @Override
                    public void opened(TransferProgress p, boolean resumed) {
                        if (resumed) {
                            reopened.set(p);
                        }
                    }
                });
        TransferProgress p = reopened.get();
        assertNotNull(p, "the sender opened again after the receiver restarted");
        assertTrue(p.chunksAcked() >= ackedAtRestart.get(), "the new receiver holds what was acked: " + p.chunksAcked()
                + " >= " + ackedAtRestart.get());
        assertEquals(p.chunksAcked(), board.opens.get(board.opens.size() - 1)[0], "the board re-read its bitmap");
        long sentAfter = r.chunksSent() - p.chunksSent();
        long resentAfter = r.chunksResent() - p.chunksResent();
        assertEquals(64 - p.chunksAcked(), sentAfter - resentAfter, "after the resume only the missing chunks were sent");
        assertEquals(1, board.handed.size());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(board.handed.get(0).copy()));
    }

    @Test
    void aSenderThatDiesIsResumedByTheNextOne() throws Exception {
        Path file = TestBoard.randomFile(dir, "c.zip", 48 * CHUNK + 5, 3);
        Link dying = TestBoard.link(broker.url(), "host-dying");
        dying.start();
        assertTrue(dying.awaitConnected(30_000));
        // progress after every ack (progressEveryMs 0): with the default 200 ms a fast machine
        // finishes the 49 chunks before the first progress call, and the sender never "dies"
        TransferSender first = new TransferSender(dying, TestBoard.FLEET,
                new SenderOptions(CHUNK, 2, 5_000, 2_000, 30_000, 60_000, 300_000, 120_000, 0, false));
        AtomicInteger ackedAtDeath = new AtomicInteger();
        TransferException dead = assertThrows(TransferException.class, () -> first.send("pi-1", file, null,
                new TransferListener() {
                    @Override
                    public void progress(TransferProgress p) {
                        if (p.chunksAcked() >= 10 && ackedAtDeath.get() == 0) {
                            ackedAtDeath.set(p.chunksAcked());
                            dying.closeAbruptly(); // the host process dies: no cancel reaches the board
                            first.cancel();
                        }
                    }
                }));
        assertEquals(TransferError.CANCELLED, dead.code());
        assertTrue(board.handed.isEmpty());

        TransferResult r = new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-1", file, null, TransferListener.NONE);
        assertTrue(r.heldAtStart() >= ackedAtDeath.get(), r.heldAtStart() + " >= " + ackedAtDeath.get());
        assertEquals(49 - r.heldAtStart(), r.chunksSent() - r.chunksResent(), "only the missing chunks were sent");
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(board.handed.get(0).copy()));
    }

    @Test
    void aTruncatedBitmapCountsAsEmptyAndTheTransferStillCompletes() throws Exception {
        Path file = TestBoard.randomFile(dir, "d.zip", 32 * CHUNK, 4);
        String id = TransferSender.sha256(file);
        AtomicInteger stage = new AtomicInteger();
        TransferResult r = new TransferSender(host, TestBoard.FLEET, new SenderOptions(CHUNK, 2, 1000, 500, 30_000,
                30_000, 30_000, 30_000, 0, false)).send("pi-1", file, null, new TransferListener() {
                    @Override
                    public void progress(TransferProgress p) {
                        if (p.chunksAcked() >= 12 && stage.compareAndSet(0, 1)) {
                            try {
                                board.receiver.close(); // syncs the bitmap
                                Path bitmap = board.staging.resolve(id + ".bitmap");
                                try (RandomAccessFile f = new RandomAccessFile(bitmap.toFile(), "rw")) {
                                    f.setLength(f.length() / 2);
                                }
                                board.restartReceiver();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                });
        assertEquals(0, board.opens.get(board.opens.size() - 1)[0], "the broken bitmap counted as no chunk held");
        assertTrue(r.opens() >= 2);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(board.handed.get(0).copy()));
    }

    @Test
    void limitsAreRefusedWithAClearError() throws Exception {
        Path file = TestBoard.randomFile(dir, "big.zip", 8 * CHUNK, 5);
        board.close();
        try (TestBoard small = new TestBoard(broker.url(), "pi-2", dir.resolve("small"),
                ReceiverOptions.defaults().withMaxBundleBytes(4 * CHUNK));
                TestBoard full = new TestBoard(broker.url(), "pi-3", dir.resolve("full"),
                        ReceiverOptions.defaults().withMinFreeBytes(Long.MAX_VALUE / 4))) {
            TransferException tooLarge = assertThrows(TransferException.class,
                    () -> new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-2", file, null, TransferListener.NONE));
            assertEquals(TransferError.TOO_LARGE, tooLarge.code());
            assertTrue(tooLarge.getMessage().contains("larger than this board accepts"), tooLarge.getMessage());
            TransferException noSpace = assertThrows(TransferException.class,
                    () -> new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-3", file, null, TransferListener.NONE));
            assertEquals(TransferError.NO_SPACE, noSpace.code());
            assertTrue(noSpace.getMessage().contains("not enough disk space"), noSpace.getMessage());
            TransferException badChunk = assertThrows(TransferException.class,
                    () -> new TransferSender(host, TestBoard.FLEET, OPTIONS.withChunk(100, 4)).send("pi-2", TestBoard.randomFile(dir, "s.zip", 2 * CHUNK, 7), null,
                            TransferListener.NONE));
            assertEquals(TransferError.BAD_REQUEST, badChunk.code());
            assertTrue(badChunk.getMessage().contains("chunk_size"), badChunk.getMessage());
            try (var files = Files.list(small.staging)) {
                assertEquals(0, files.count(), "nothing staged for refused transfers");
            }
        }
    }

    @Test
    void aBoardThatNeverAnswersEndsInATimeout() throws Exception {
        Path file = TestBoard.randomFile(dir, "e.zip", 3 * CHUNK, 6);
        TransferException e = assertThrows(TransferException.class, () -> new TransferSender(host, TestBoard.FLEET,
                OPTIONS.withTimeouts(500, 1500, 2000, 2000, 2000)).send("nobody", file, null, TransferListener.NONE));
        assertTrue(e.isTimeout());
        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
    }

    @Test
    void aChunkCorruptedOnTheBoardEndsInAChecksumMismatchAndNothingIsHandedOver() throws Exception {
        Path file = TestBoard.randomFile(dir, "f.zip", 24 * CHUNK, 8);
        String id = TransferSender.sha256(file);
        AtomicInteger stage = new AtomicInteger();
        TransferException e = assertThrows(TransferException.class, () -> new TransferSender(host, TestBoard.FLEET,
                new SenderOptions(CHUNK, 2, 1000, 500, 30_000, 30_000, 30_000, 30_000, 0, false)).send("pi-1", file, null,
                        new TransferListener() {
                            @Override
                            public void progress(TransferProgress p) {
                                if (p.chunksAcked() >= 4 && stage.compareAndSet(0, 1)) {
                                    // chunk 0 is held: flip one of its bytes on the board's disk
                                    try (RandomAccessFile f = new RandomAccessFile(
                                            board.staging.resolve(id + ".part").toFile(), "rw")) {
                                        int b = f.read();
                                        f.seek(0);
                                        f.write(b ^ 0xff);
                                    } catch (java.io.IOException x) {
                                        throw new IllegalStateException(x);
                                    }
                                }
                            }
                        }));
        assertEquals(TransferError.CHECKSUM_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("send the bundle again"), e.getMessage());
        assertTrue(board.handed.isEmpty(), "nothing handed over");
        assertTrue(board.failures.stream().anyMatch(f -> f.startsWith("checksum_mismatch")), board.failures.toString());
        try (var files = Files.list(board.staging)) {
            assertEquals(0, files.count(), "the bad data was deleted");
        }
        TransferResult again = new TransferSender(host, TestBoard.FLEET, OPTIONS).send("pi-1", file, null, TransferListener.NONE);
        assertEquals(0, again.heldAtStart(), "a send after the mismatch starts over");
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(board.handed.get(0).copy()));
    }
}
