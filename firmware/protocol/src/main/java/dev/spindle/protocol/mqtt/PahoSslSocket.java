package dev.spindle.protocol.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The TLS socket the {@link Link} gives Paho: the JDK's {@link SSLSocket} with
 * {@link PahoStreams} over its decrypted streams, so that TLS connections get what plain ones
 * get from {@link PahoSocket} (buffered reads, PUBLISH payloads out of Paho's decoding, a read
 * error held back until Paho's CONNECT was written, one report of a broken connection).
 *
 * <p>Paho casts its socket to {@code SSLSocket} for an {@code ssl://} URL (cipher suites, SNI and
 * hostname checking through {@link #setSSLParameters}, {@link #startHandshake}), so a plain
 * wrapper cannot be used: this class is an {@code SSLSocket} that passes every method to the
 * JDK's socket ({@code tls}) and only puts {@link PahoStreams} on its streams. The handshake
 * reads and writes inside {@code tls}, below those streams: it is not the "first write" and its
 * errors reach Paho's connect thread unchanged. The inherited socket state is never used.
 */
final class PahoSslSocket extends SSLSocket {
    private final SSLSocket tls;
    private final PahoStreams streams;

    /**
     * @param tls an unconnected socket of the link's {@code SSLSocketFactory}
     * @param payloads where received payloads wait ({@link PayloadBypass}); null: Paho decodes them itself
     */
    PahoSslSocket(SSLSocket tls, LongConsumer firstWrite, InboundPayloads payloads) {
        this.tls = tls;
        this.streams = new PahoStreams(firstWrite, payloads);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return streams.input(tls::getInputStream);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return streams.output(tls::getOutputStream);
    }

    @Override
    public void close() throws IOException {
        streams.closing();
        tls.close();
    }

    // ---- the rest passes to the JDK's socket ----

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        tls.connect(endpoint);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        tls.connect(endpoint, timeout);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        tls.bind(bindpoint);
    }

    @Override
    public InetAddress getInetAddress() {
        return tls.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tls.getLocalAddress();
    }

    @Override
    public int getPort() {
        return tls.getPort();
    }

    @Override
    public int getLocalPort() {
        return tls.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tls.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tls.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return tls.getChannel();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tls.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return tls.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        tls.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return tls.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        tls.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        tls.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return tls.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        tls.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return tls.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        tls.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return tls.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        tls.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return tls.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        tls.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return tls.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        tls.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return tls.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        tls.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return tls.getReuseAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
        tls.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return tls.isConnected();
    }

    @Override
    public boolean isBound() {
        return tls.isBound();
    }

    @Override
    public boolean isClosed() {
        return tls.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return tls.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return tls.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        tls.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        tls.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return tls.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return tls.supportedOptions();
    }

    @Override
    public String toString() {
        return tls.toString();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return tls.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        tls.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return tls.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return tls.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        tls.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return tls.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return tls.getHandshakeSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls.addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls.removeHandshakeCompletedListener(listener);
    }

    /**
     * The handshake, then both streams are made at once: Paho asks for its output stream only
     * after its receiver runs, and when the broker's answer to the handshake is a fatal alert
     * (no client certificate) the TLS layer closes the socket as the receiver reads it; a socket
     * asked for a stream after that throws "Socket is closed", which Paho would report instead
     * of the alert.
     */
    @Override
    public void startHandshake() throws IOException {
        tls.startHandshake();
        getInputStream();
        getOutputStream();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        tls.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return tls.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        tls.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return tls.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        tls.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return tls.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        tls.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return tls.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return tls.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        tls.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return tls.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return tls.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        tls.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return tls.getHandshakeApplicationProtocolSelector();
    }
}
