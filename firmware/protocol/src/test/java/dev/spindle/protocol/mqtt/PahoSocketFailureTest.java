package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Of Paho's two threads on a {@link PahoSocket}, only the first to meet a reset reports it: a
 * second report could shut down Paho's next connection (the class comment of PahoSocket). Each
 * test connects to a loopback listener that resets the connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // hang guard only
class PahoSocketFailureTest {
    private ServerSocket listener;
    private PahoSocket socket;

    @BeforeEach
    void connectAndReset() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        socket = new PahoSocket(null, null);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
        try (Socket accepted = listener.accept()) {
            accepted.setSoLinger(true, 0); // close sends a reset
        }
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
        listener.close();
    }

    @Test
    void aWriteAfterTheReaderMetTheResetDoesNotReportItAgain() throws Exception {
        InputStream in = socket.getInputStream();
        AtomicReference<Throwable> readerSaw = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                in.read();
            } catch (Throwable t) {
                readerSaw.set(t);
            }
        }, "reader");
        reader.start();
        awaitWaiting(reader); // met the reset, held until something is written
        assertNull(readerSaw.get(), "the reader's error is held until the first write");

        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 20; i++) { // a reset socket fails every write; none may reach Paho's sender
            out.write(new byte[] {0x10, 0x00});
            out.flush();
        }
        reader.join(10_000);
        assertInstanceOf(IOException.class, readerSaw.get(), "the first write released the reader's error");
    }

    @Test
    void aReaderAfterTheWriterMetTheResetIsHeldUntilTheSocketCloses() throws Exception {
        OutputStream out = socket.getOutputStream();
        IOException writeError = null;
        for (int i = 0; i < 500 && writeError == null; i++) { // the reset arrives at once on loopback; the loop only waits for it
            try {
                out.write(new byte[] {0x10, 0x00});
                out.flush();
                Thread.sleep(10);
            } catch (IOException e) {
                writeError = e;
            }
        }
        assertNotNull(writeError, "the writer, the first to meet the reset, reports it");

        InputStream in = socket.getInputStream();
        AtomicReference<Throwable> readerSaw = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                int b = in.read(); // end of stream or the reset, as the kernel reports it after the failed write
                readerSaw.set(b < 0 ? new IOException("end of stream") : new AssertionError("read returned " + b));
            } catch (Throwable t) {
                readerSaw.set(t);
            }
        }, "reader");
        reader.start();
        awaitWaiting(reader);
        assertNull(readerSaw.get(), "the reader's error is held although bytes were written: the writer reports this failure");

        socket.close();
        reader.join(10_000);
        assertInstanceOf(IOException.class, readerSaw.get(), "closing the socket released the reader's end of stream or error");
        assertThrows(IOException.class, () -> out.write(1), "a write to the closed socket still fails");
    }

    /**
     * A writer that meets the failure first waits a moment for the reader, whose error says more
     * (on TLS the alert, e.g. "certificate required"; the writer sees only a closed socket), and
     * lets it report.
     */
    @Test
    void aFailedWriteLetsTheReaderReportWhenItFailsMomentsLater() throws Exception {
        OutputStream out = socket.getOutputStream();
        AtomicReference<Throwable> writerSaw = new AtomicReference<>();
        AtomicReference<Throwable> readerSaw = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 500 && readerSaw.get() == null; i++) { // the reset arrives at once on loopback
                    out.write(new byte[] {0x10, 0x00});
                    out.flush();
                    Thread.sleep(10);
                }
            } catch (Throwable t) {
                writerSaw.set(t);
            }
        }, "writer");
        writer.start();
        while (writer.isAlive() && !inMethod(writer, "claimForWriter")) { // failed, waiting for the reader
            Thread.sleep(1);
        }
        assertNull(writerSaw.get(), "the failed write waits for the reader before it reports");

        InputStream in = socket.getInputStream();
        Thread reader = new Thread(() -> {
            try {
                int b = in.read();
                readerSaw.set(b < 0 ? new IOException("end of stream") : new AssertionError("read returned " + b));
            } catch (Throwable t) {
                readerSaw.set(t);
            }
        }, "reader");
        reader.start();
        reader.join(10_000);
        writer.join(10_000);
        assertInstanceOf(IOException.class, readerSaw.get(), "the reader reports the failure");
        assertNull(writerSaw.get(), "the writer's error is not reported a second time");
    }

    private static boolean inMethod(Thread t, String method) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aWriteFailsAsUsualWhenNoSideFailedBefore() throws Exception {
        OutputStream out = socket.getOutputStream();
        IOException seen = null;
        for (int i = 0; i < 500 && seen == null; i++) {
            try {
                out.write(new byte[] {0x10, 0x00});
                out.flush();
                Thread.sleep(10);
            } catch (IOException e) {
                seen = e;
            }
        }
        assertNotNull(seen);
        IOException again = assertThrows(IOException.class, () -> {
            out.write(new byte[] {0x10, 0x00});
            out.flush();
        });
        assertTrue(again.getMessage() != null && !again.getMessage().isEmpty(), "the error says what happened");
    }

    /** Waits until {@code t} blocks (held by the socket) or ends. */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        while (t.isAlive() && t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.TIMED_WAITING, t.getState(), t.getName() + " is held");
    }
}
