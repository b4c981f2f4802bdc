package dev.spindle.protocol.mqtt;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.LongConsumer;

/**
 * The plain TCP socket the {@link Link} gives Paho: its input stream is buffered (64 KiB), an
 * error or end of stream on it is held back until something was written to the socket (Paho's
 * CONNECT) or the socket was closed, and of the reader and the writer only the first to meet a
 * broken connection reports it to Paho.
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
 * only after it set its receiver to stop, so the receiver no longer calls for a shutdown.
 *
 * <p>Paho is the only reader of the socket, so the buffered bytes cannot be missed by anyone.
 * Thread-safety: {@code written}, {@code closed} and {@code failedSide} are guarded by
 * {@code this}; a held reader waits on {@code this}, the writer and {@link #close()} notify. The
 * wait is bounded ({@link #HOLD_MAX_MS}) in case Paho never writes nor closes.
 */
final class PahoSocket extends Socket {
    /** At most this long is an error held back (Paho writes its CONNECT within milliseconds of the thread starts). */
    static final long HOLD_MAX_MS = 30_000;

    private InputStream in; // guarded by this
    private OutputStream out; // guarded by this
    private boolean written; // guarded by this
    private boolean closed; // guarded by this
    /** Which side met the broken connection first and reports it to Paho; null while none did. */
    private Side failedSide; // guarded by this
    /** Told the wall-clock time of the first write (Paho's CONNECT), once; may be null. */
    private final LongConsumer firstWrite;

    /** The two Paho threads that use the socket. */
    private enum Side { READER, WRITER }

    /** Where the payloads of received PUBLISH packets wait ({@link PayloadBypass}); null: Paho gets them as they are. */
    private final InboundPayloads payloads;

    PahoSocket(LongConsumer firstWrite) {
        this(firstWrite, null);
    }

    PahoSocket(LongConsumer firstWrite, InboundPayloads payloads) {
        this.firstWrite = firstWrite;
        this.payloads = payloads;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            InputStream buffered = new Buffered(super.getInputStream());
            in = new HeldErrors(payloads == null ? buffered : new PayloadBypass(buffered, payloads));
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new FilterOutputStream(super.getOutputStream()) {
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

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        super.close();
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
        }
        return failedSide == side;
    }

    /** Rethrows a write error when the writer is the first to fail; swallows it when the reader already reports the failure. */
    private void writeFailed(IOException e) throws IOException {
        if (claimFailure(Side.WRITER)) {
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
                int b = super.read();
                if (b < 0) {
                    holdReaderFailure();
                }
                return b;
            } catch (SocketTimeoutException e) {
                throw e; // a read timeout, not a broken connection: Paho reads on
            } catch (IOException e) {
                holdReaderFailure();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n < 0) {
                    holdReaderFailure();
                }
                return n;
            } catch (SocketTimeoutException e) {
                throw e; // a read timeout, not a broken connection: Paho reads on
            } catch (IOException e) {
                holdReaderFailure();
                throw e;
            }
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
