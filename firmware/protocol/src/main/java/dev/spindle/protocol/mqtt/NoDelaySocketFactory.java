package dev.spindle.protocol.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Makes Paho's sockets with TCP_NODELAY set. Paho does not set it, so Nagle's algorithm holds
 * small packets (a PUBACK, a reply) back for tens of milliseconds; with it a QoS 1 request/reply
 * on loopback takes well under one millisecond. Wraps the default or an SSL factory.
 */
public final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate;

    public NoDelaySocketFactory() {
        this(SocketFactory.getDefault());
    }

    public NoDelaySocketFactory(SocketFactory delegate) {
        this.delegate = delegate;
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
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
