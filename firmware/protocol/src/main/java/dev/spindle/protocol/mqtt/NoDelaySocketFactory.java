package dev.spindle.protocol.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.LongConsumer;
import javax.net.SocketFactory;

/**
 * Makes Paho's sockets with TCP_NODELAY set. Paho does not set it, so Nagle's algorithm holds
 * small packets (a PUBACK, a reply) back for tens of milliseconds; with it a QoS 1 request/reply
 * on loopback takes well under one millisecond. For TLS, {@link NoDelaySslSocketFactory} does the same.
 *
 * <p>Plain sockets also get a buffered input stream: Paho reads each packet in three or more
 * small reads (fixed header byte, length bytes one by one, the rest), and without a buffer each
 * is a system call. With it, a burst of messages is read in a few large reads (measured in
 * bench/mqtt, docs/benchmarks.md), and its {@code available()} asks the socket only when the
 * buffer is empty ({@link PahoStreams.Buffered}). Paho is the only reader of its socket, so nothing
 * else can miss the bytes that sit in the buffer.
 *
 * <p>Plain sockets also hold back a read error until Paho has written its CONNECT
 * ({@link PahoStreams}): that closes a race in Paho's connect that leaves its connect thread polling
 * forever. {@link NoDelaySslSocketFactory}'s sockets get the same streams above their TLS layer.
 */
public final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate;
    private final boolean plain;
    private final LongConsumer firstWrite;
    private final InboundPayloads payloads;

    /** Plain TCP sockets, with TCP_NODELAY and a buffered input stream. */
    public NoDelaySocketFactory() {
        this(null, null);
    }

    /**
     * Plain TCP sockets as {@link #NoDelaySocketFactory()}; {@code firstWrite} (may be null) is told
     * the wall-clock time (ms) at which each socket's first bytes (Paho's CONNECT) were written;
     * with {@code payloads}, the payloads of received PUBLISH packets bypass Paho's decoding
     * ({@link PayloadBypass}).
     */
    NoDelaySocketFactory(LongConsumer firstWrite, InboundPayloads payloads) {
        this.delegate = SocketFactory.getDefault();
        this.plain = true;
        this.firstWrite = firstWrite;
        this.payloads = payloads;
    }

    public NoDelaySocketFactory(SocketFactory delegate) {
        this.delegate = delegate;
        this.plain = false;
        this.firstWrite = null;
        this.payloads = null;
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        if (plain) {
            return noDelay(new PahoSocket(firstWrite, payloads));
        }
        return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
}
