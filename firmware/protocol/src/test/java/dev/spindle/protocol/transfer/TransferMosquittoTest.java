package dev.spindle.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.testing.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Through Debian's Mosquitto: a full transfer, and one that survives a broker restart. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class TransferMosquittoTest {
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aTransferCompletesAndSurvivesABrokerRestartInTheMiddle() throws Exception {
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto")).start();
                TestBoard board = new TestBoard(broker.url(), "pi-1", dir.resolve("board"), ReceiverOptions.defaults());
                Link host = TestBoard.link(broker.url(), "host-1")) {
            host.start();
            assertTrue(host.awaitConnected(30_000));
            Path small = TestBoard.randomFile(dir, "a.zip", 20 * CHUNK + 1, 1);
            TransferResult first = new TransferSender(host, TestBoard.FLEET, SenderOptions.defaults())
                    .send("pi-1", small, null, TransferListener.NONE);
            assertEquals(21, first.chunks());
            assertEquals(1, first.opens());
            assertArrayEquals(Files.readAllBytes(small), Files.readAllBytes(board.handed.get(0).copy()));

            Path file = TestBoard.randomFile(dir, "b.zip", 96 * CHUNK, 2);
            AtomicBoolean restarted = new AtomicBoolean();
            List<String> pauses = new CopyOnWriteArrayList<>();
            SenderOptions slow = new SenderOptions(CHUNK, 2, 2000, 500, 30_000, 30_000, 60_000, 30_000, 0, false);
            TransferResult r = new TransferSender(host, TestBoard.FLEET, slow).send("pi-1", file, null, new TransferListener() {
                @Override
                public void progress(TransferProgress p) {
                    if (p.chunksAcked() >= 30 && restarted.compareAndSet(false, true)) {
                        try {
                            broker.stop(); // both links lose the connection; in-flight chunks are gone
                            Thread.sleep(300);
                            broker.start(); // same port: the links reconnect by themselves
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }

                @Override
                public void paused(String reason) {
                    pauses.add(reason);
                }
            });
            assertTrue(restarted.get());
            assertTrue(r.opens() >= 2, "opened again after the reconnect: " + r.opens());
            assertTrue(r.heldAtStart() == 0);
            assertEquals(2, board.handed.size());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(board.handed.get(1).copy()));
            assertTrue(pauses.stream().anyMatch(s -> s.contains("not connected")) || host.connectCount() >= 2,
                    "the sender noticed the broker restart: " + pauses);
        }
    }
}
