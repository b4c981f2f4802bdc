package dev.spindle.protocol.mqtt;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.function.LongConsumer;

/**
 * The streams between Paho and one connection's socket, plain ({@link PahoSocket}) or TLS
 * ({@link PahoSslSocket}): the input is buffered (64 KiB), PUBLISH payloads bypass Paho's decoding
 * when a payload store is given ({@link PayloadBypass}), an error or end of stream on the input
 * is held back until something was written (Paho's CONNECT) or the socket was closed, and of the
 * reader and the writer only the first to meet a broken connection reports it to Paho. On TLS
 * these streams carry the decrypted bytes, above the TLS layer.
 *
 * <h2>Why hold the error back</h2>
 * Paho 1.2.5 connects on its own thread: TCP connect, start the receiver thread, poll every 100 ms
 * until it runs ({@code CommsReceiver.start}), the same for the sender ({@code CommsSender.start}),
 * then queue the CONNECT. When the connection is reset inside one of those windows (a broker
 * stopping or starting, a listener that resets), the receiver reads the error and shuts the
 * connection down, which stops the receiver and the sender again; a thread that started and
 * stopped between two polls is never seen running, and Paho's connect thread polls forever (it
 * ignores interrupts). Each such thread leaks; measured: 67 of 100 connects to a listener that
 * resets within 300 ms (LinkWedgedConnectTest), and a {@code spindle monitor} whose link never
 * came back after a broker restart. Holding the error until the first write moves it after the
 * start windows: the CONNECT is queued only once both threads were seen running, and the error
 * then ends the connect normally.
 *
 * <h2>Why only one side reports</h2>
 * Paho's receiver and sender each call {@code ClientComms.shutdownConnection} when their side of
 * the socket fails. Paho ignores a second call only while the first is still running; one that
 * comes after it finished (the sender preempted between its failed write and its call, while
 * the link had already started the next connect on the same client) shuts down the NEXT
 * connection: it stops that connection's receiver inside Paho's start poll, and the connect
 * thread polls forever again (1 stuck thread in about one of ten runs of LinkWedgedConnectTest's
 * 60 resets). So the first side to fail claims the failure ({@code failedSide}): a reader that
 * claimed it makes a later failed write return as if the bytes were sent (the connection is
 * known dead: the receiver's shutdown fails every waiting token and stops the sender), and a
 * writer that claimed it holds the reader's error until the socket is closed, which Paho does
 * only after it set its receiver to stop, so the receiver no longer calls for a shutdown. A
 * failed write first gives the reader {@link #READER_GRACE_MS} to claim the failure, because the
 * reader's error is the one that explains it (a broker refusing a client without a certificate
 * sends a TLS alert, which only the reader receives; the writer sees a closed socket).
 *
 * <p>Paho is the only reader of the socket, so the buffered bytes cannot be missed by anyone.
 * Thread-safety: {@code in}, {@code out}, {@code written}, {@code closed} and {@code failedSide}
 * are guarded by {@code this}; a held reader and a failed writer wait on {@code this}; the first
 * write, a claimed failure and {@link #closing()} notify. The waits are bounded
 * ({@link #HOLD_MAX_MS}, {@link #READER_GRACE_MS}) in case Paho never writes nor closes.
 */
final class PahoStreams {
    /** At most this long is an error held back (Paho writes its CONNECT within milliseconds of the thread starts). */
    static final long HOLD_MAX_MS = 30_000;
    /**
     * How long a failed write waits for the reader to meet the failure too and report it instead:
     * the reader's error says more (a TLS alert such as "certificate required", a reset), while
     * the writer often sees only "Socket is closed" (the TLS layer closes the socket on an alert
     * before the reader's exception is thrown). A dead connection fails the read at once.
     */
    static final long READER_GRACE_MS = 500;

    private InputStream in; // guarded by this
    private OutputStream out; // guarded by this
    private boolean written; // guarded by this
    private boolean closed; // guarded by this
    /** Which side met the broken connection first and reports it to Paho; null while none did. */
    private Side failedSide; // guarded by this
    /** Told the wall-clock time of the first write (Paho's CONNECT), once; may be null. */
    private final LongConsumer firstWrite;
    /** Where the payloads of received PUBLISH packets wait ({@link PayloadBypass}); null: Paho gets them as they are. */
    private final InboundPayloads payloads;

    /** The two Paho threads that use the socket. */
    private enum Side { READER, WRITER }

    PahoStreams(LongConsumer firstWrite, InboundPayloads payloads) {
        this.firstWrite = firstWrite;
        this.payloads = payloads;
    }

    /** The socket's own stream, asked for once. */
    interface Raw<T> {
        T get() throws IOException;
    }

    /** The stream Paho reads, over the socket's own input (asked for at the first call only). */
    synchronized InputStream input(Raw<InputStream> raw) throws IOException {
        if (in == null) {
            InputStream buffered = new Buffered(raw.get());
            in = new HeldErrors(payloads == null ? buffered : new PayloadBypass(buffered, payloads));
        }
        return in;
    }

    /** The stream Paho writes, over the socket's own output (asked for at the first call only). */
    synchronized OutputStream output(Raw<OutputStream> raw) throws IOException {
        if (out == null) {
            out = new FilterOutputStream(raw.get()) {
                @Override
                public void write(int b) throws IOException {
                    wrote();
                    try {
                        super.out.write(b);
                    } catch (IOException e) {
                        writeFailed(e);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    wrote();
                    try {
                        super.out.write(b, off, len);
                    } catch (IOException e) {
                        writeFailed(e);
                    }
                }

                @Override
                public void flush() throws IOException {
                    try {
                        super.out.flush();
                    } catch (IOException e) {
                        writeFailed(e);
                    }
                }
            };
        }
        return out;
    }

    /** The socket is being closed: a held reader goes on. */
    synchronized void closing() {
        closed = true;
        notifyAll();
    }

    private void wrote() {
        synchronized (this) {
            if (written) {
                return;
            }
            written = true;
            notifyAll();
        }
        if (firstWrite != null) {
            firstWrite.accept(System.currentTimeMillis()); // outside the lock: the consumer is not ours
        }
    }

    /**
     * Claims the failure for {@code side} unless the other side claimed it first.
     *
     * @return true when {@code side} reports the failure to Paho
     */
    private synchronized boolean claimFailure(Side side) {
        if (failedSide == null) {
            failedSide = side;
            notifyAll(); // a writer may be waiting in claimForWriter
        }
        return failedSide == side;
    }

    /**
     * Claims the failure for the writer, after giving the reader up to {@link #READER_GRACE_MS}
     * to claim it first (not when the socket was closed: then no read is coming).
     *
     * @return true when the writer reports the failure to Paho
     */
    private synchronized boolean claimForWriter() {
        long deadline = System.currentTimeMillis() + READER_GRACE_MS;
        boolean interrupted = false;
        while (failedSide == null && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                interrupted = true; // the grace is short; the interrupt stays set for Paho
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return claimFailure(Side.WRITER);
    }

    /** Rethrows a write error when the writer is the first to fail; swallows it when the reader reports the failure. */
    private void writeFailed(IOException e) throws IOException {
        if (claimForWriter()) {
            throw e;
        }
        // the reader reports this connection's end: a second report could shut down the next connection
    }

    /**
     * Holds the reader's error or end of stream: until something was written or the socket was
     * closed when the reader reports the failure, until the socket was closed when the writer
     * already did (at most {@link #HOLD_MAX_MS} either way).
     */
    private void holdReaderFailure() {
        boolean reports = claimFailure(Side.READER);
        awaitClosedOr(reports);
    }

    /** Waits until the socket was closed, or until something was written when {@code orWritten} (at most {@link #HOLD_MAX_MS}). */
    private synchronized void awaitClosedOr(boolean orWritten) {
        long deadline = System.currentTimeMillis() + HOLD_MAX_MS;
        boolean interrupted = false;
        while (!(orWritten && written) && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                interrupted = true; // keep holding: the point is to outlast Paho's start polls
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads through; an error or end of stream waits in {@link #holdReaderFailure()} first. */
    private final class HeldErrors extends FilterInputStream {
        HeldErrors(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return heldAtEnd(super.read());
            } catch (IOException e) {
                throw heldError(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return heldAtEnd(super.read(b, off, len));
            } catch (IOException e) {
                throw heldError(e);
            }
        }

        /** @return {@code n}, after holding the end of stream when it is one */
        private int heldAtEnd(int n) {
            if (n < 0) {
                holdReaderFailure();
            }
            return n;
        }

        /** @return {@code e}, after holding it unless it is a read timeout (not a broken connection: Paho reads on) */
        private IOException heldError(IOException e) {
            if (!(e instanceof SocketTimeoutException)) {
                holdReaderFailure();
            }
            return e;
        }
    }

    /**
     * A 64 KiB buffer whose {@link #available()} asks the socket only when the buffer is empty:
     * Paho calls it before every packet (CommsReceiver), and {@link BufferedInputStream}'s asks
     * every time, one {@code ioctl(FIONREAD)} system call per message. Paho only needs to know
     * whether bytes are waiting.
     */
    static final class Buffered extends BufferedInputStream {
        Buffered(InputStream in) {
            super(in, 64 * 1024);
        }

        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }
}
