package dev.spindle.protocol.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link SSLSocketFactory} whose sockets have TCP_NODELAY set (see {@link NoDelaySocketFactory}
 * for why). Paho refuses an {@code ssl://} URL unless the factory is an SSLSocketFactory, so the
 * plain wrapper cannot be used there. The unconnected sockets Paho asks for
 * ({@link #createSocket()}) are {@link PahoSslSocket}s: the link's streams above the TLS layer.
 */
final class NoDelaySslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final LongConsumer firstWrite;
    private final InboundPayloads payloads;

    /**
     * @param firstWrite told the wall-clock time (ms) of each socket's first write (Paho's CONNECT); may be null
     * @param payloads where received payloads wait ({@link PayloadBypass}); null: Paho decodes them itself
     */
    NoDelaySslSocketFactory(SSLSocketFactory delegate, LongConsumer firstWrite, InboundPayloads payloads) {
        this.delegate = delegate;
        this.firstWrite = firstWrite;
        this.payloads = payloads;
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(new PahoSslSocket((SSLSocket) delegate.createSocket(), firstWrite, payloads));
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        s.setTcpNoDelay(true);
        return delegate.createSocket(s, host, port, autoClose);
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
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
}
