package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The raw fan-out peer: its publisher child process delivers every byte of every stream. */
class RawFanoutTest {
    @Test
    @Timeout(120) // hang guard
    void everyStreamArrivesWhole(@TempDir Path dir) throws Exception {
        byte[] data = new byte[100_000 + 123]; // a last chunk shorter than the others
        new Random(5).nextBytes(data);
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            RawFanout.Result r = RawFanout.run(broker.url(), data, 16 << 10, 4, 5, 2, dir);
            assertEquals(5L * data.length, r.bytes());
            assertEquals(5, r.streams());
            assertTrue(r.nanos() >= 0, "from the publisher's start to the last byte: " + r.nanos());
        }
    }

    @Test
    void aPublisherWithoutItsStartLineIsAnError() {
        assertEquals(1234L, RawFanout.startedAt("noise\nstarted 1234\n"));
        assertThrows(IllegalStateException.class, () -> RawFanout.startedAt("Exception in thread main\n"));
    }
}
