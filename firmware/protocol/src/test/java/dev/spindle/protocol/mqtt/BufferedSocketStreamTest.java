package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The buffered socket stream of {@link PahoSocket} (Paho's plain sockets): {@code available()} asks the socket only when empty. */
class BufferedSocketStreamTest {
    /** Counts how often the "socket" is asked. */
    private static final class Counting extends ByteArrayInputStream {
        int asked;

        Counting(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int available() {
            asked++;
            return super.available();
        }
    }

    @Test
    void availableUsesTheBufferFirst() throws IOException {
        Counting socket = new Counting(new byte[] {1, 2, 3, 4, 5});
        PahoStreams.Buffered in = new PahoStreams.Buffered(socket);
        assertEquals(5, in.available(), "empty buffer: the socket is asked");
        assertEquals(1, socket.asked);
        assertEquals(1, in.read()); // fills the buffer with all 5
        assertEquals(4, in.available());
        assertEquals(4, in.available());
        assertEquals(1, socket.asked, "bytes in the buffer: no system call");
        assertEquals(4, in.readNBytes(4).length);
        assertEquals(0, in.available(), "drained: the socket is asked again");
        assertEquals(2, socket.asked);
        assertEquals(-1, in.read());
    }
}
