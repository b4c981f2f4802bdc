package dev.spindle.protocol.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * The embedded MQTT broker: Moquette 0.17 in this process, for {@code spindle broker},
 * {@code spindle demo} and the fast tests. Production fleets use Mosquitto (docs/operations).
 *
 * <p>Settings and why (measured on Moquette 0.17, see docs/protocol.md "Brokers"):
 * <ul>
 * <li>{@code telemetry_enabled=false}: otherwise Moquette posts host details to its authors.</li>
 * <li>bound to 127.0.0.1 unless a host is given.</li>
 * <li>the port is picked (free) before start and passed in: Moquette's {@code getPort()} is
 *     unreliable right after start.</li>
 * <li>persistence off unless a directory is given (its default creates {@code ./data} with a
 *     64 MiB page file).</li>
 * <li>message size raised to {@link #MAX_MESSAGE_BYTES} (deploy chunks), session queues raised,
 *     buffers flushed at once, TCP_NODELAY on.</li>
 * <li>its loggers at WARN: at INFO it writes a line per packet.</li>
 * <li>always stopped: its worker threads are not daemons, so a broker left running (also after a
 *     failed start on a taken port) keeps the JVM alive. {@link #start} stops it itself when the
 *     start fails; {@link #close()} is idempotent.</li>
 * </ul>
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Largest MQTT packet accepted: 1 MiB, enough for 256 KiB deploy chunks with headroom. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    static {
        quietLogging();
    }

    private final String host;
    private final int port;
    private final Path dataDir;
    private final Object lock = new Object();
    private Server server; // guarded by lock; null once stopped

    private EmbeddedBroker(String host, int port, Path dataDir, Server server) {
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.server = server;
    }

    /** Sets Moquette's and Netty's SLF4J loggers to WARN unless the user chose a level (slf4j-simple reads these). */
    public static void quietLogging() {
        for (String name : new String[] {"io.moquette", "io.netty", "messageLogger"}) {
            String key = "org.slf4j.simpleLogger.log." + name;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /** Starts on 127.0.0.1 on a free port, without persistence. */
    public static EmbeddedBroker start() throws IOException {
        return start("127.0.0.1", 0, null);
    }

    /**
     * Starts the broker.
     *
     * @param host    the address to bind; 127.0.0.1 for this machine only, 0.0.0.0 for the network
     * @param port    the port; 0 picks a free one
     * @param dataDir where to keep retained messages and sessions across restarts, or null for none
     * @throws IOException when it cannot bind (the message names the port and what to do)
     */
    public static EmbeddedBroker start(String host, int port, Path dataDir) throws IOException {
        return start(host, port, dataDir, null);
    }

    /** Sees every message the broker accepts, on Moquette's interceptor thread, in order. */
    @FunctionalInterface
    public interface PublishObserver {
        void published(String clientId, String topic, byte[] payload);
    }

    /**
     * {@link #start(String, int, Path)} with an observer of every published message (tests and
     * the demo use it to see traffic without subscribing).
     */
    public static EmbeddedBroker start(String host, int port, Path dataDir, PublishObserver observer) throws IOException {
        int chosen = port == 0 ? freePort(host) : port;
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(chosen));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty("netty.tcp_nodelay", "true");
        p.setProperty("netty.epoll", "false");
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("session_queue_size", "4096");
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            p.setProperty("persistence_enabled", "true");
            p.setProperty("data_path", dataDir.toAbsolutePath().toString() + "/");
        } else {
            p.setProperty("persistence_enabled", "false");
        }
        Server server = new Server();
        try {
            server.startServer(new MemoryConfig(p),
                    observer == null ? Collections.emptyList() : List.of(new Observer(observer)));
        } catch (IOException | RuntimeException e) {
            stopQuietly(server);
            throw new IOException("cannot start the embedded broker on " + host + ":" + chosen + ": " + e.getMessage()
                    + " (is the port taken? pick another with --port, or 0 for a free one)", e);
        }
        return new EmbeddedBroker(host, chosen, dataDir, server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stopServer();
        } catch (RuntimeException e) {
            // it never fully started; nothing more to release
        }
    }

    /** @return a free TCP port on {@code host} (another process may take it before use; rare on loopback) */
    public static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** May be null: persistence is off. */
    public Path dataDir() {
        return dataDir;
    }

    /** {@code tcp://host:port}, with 127.0.0.1 for a wildcard bind. */
    public String url() {
        return "tcp://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }

    public boolean isRunning() {
        synchronized (lock) {
            return server != null;
        }
    }

    /** Stops the broker (about 2 s with Moquette 0.17); clients see their connection drop. */
    @Override
    public void close() {
        Server s;
        synchronized (lock) {
            s = server;
            server = null;
        }
        if (s != null) {
            s.stopServer();
        }
    }

    /** Moquette hands each interceptor a retained duplicate of the message: it must release it. */
    private static final class Observer extends AbstractInterceptHandler {
        private final PublishObserver observer;

        Observer(PublishObserver observer) {
            this.observer = observer;
        }

        @Override
        public String getID() {
            return "spindle-observer";
        }

        @Override
        public void onPublish(InterceptPublishMessage msg) {
            try {
                ByteBuf buf = msg.getPayload();
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                observer.published(msg.getClientID(), msg.getTopicName(), bytes);
            } catch (RuntimeException e) {
                // an observer's failure must not disturb the broker
            } finally {
                ReferenceCountUtil.release(msg.getPayload());
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
        }
    }
}
