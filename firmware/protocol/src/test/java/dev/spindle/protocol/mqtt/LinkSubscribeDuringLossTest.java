package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection lost while a SUBSCRIBE is out is no failure of {@link Link#subscribe}: the filter is
 * recorded and subscribed at the next connect. Before, the caller got "subscribe ... failed:
 * Connection lost" although the link reconnected at once (a {@code spindle fleet exec} failed so
 * in CI when the broker dropped its connection while it subscribed to its reply topic).
 *
 * <p>A proxy in front of the embedded broker passes the first connection's CONNECT and CONNACK and
 * drops that connection when its first SUBSCRIBE comes; later connections pass everything.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class LinkSubscribeDuringLossTest {
    private static final int SUBSCRIBE = 0x82; // packet type 8, flags 0b0010 (MQTT 3.1.1, 3.8.1)

    @Test
    void aSubscribeWhoseConnectionIsLostIsMadeAtTheNextConnect() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(); DroppingProxy proxy = new DroppingProxy(broker.port())) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            try (Link sub = new Link(LinkConfig.builder("tcp://127.0.0.1:" + proxy.port(), "sub").backoff(50, 200).build());
                    Link pub = new Link(LinkConfig.builder(broker.url(), "pub").build())) {
                AtomicInteger connects = new AtomicInteger();
                sub.addListener((l, n) -> connects.set(n));
                sub.start();
                pub.start();
                assertTrue(sub.awaitConnected(30_000) && pub.awaitConnected(30_000));

                // the proxy drops the connection instead of passing this SUBSCRIBE on: no exception
                sub.subscribe("t/x", 1, m -> got.add(new String(m.payload(), StandardCharsets.UTF_8)));
                assertEquals(1, proxy.dropped.get(), "the SUBSCRIBE's connection was dropped");

                // the link may not have seen the loss yet when subscribe returns: wait for its second connect
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (connects.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(2, connects.get(), "reconnected: " + sub.lastErrorExplained());
                assertTrue(proxy.accepted.get() >= 2);
                pub.publish("t/x", "after".getBytes(StandardCharsets.UTF_8), 1, false);
                assertEquals("after", got.poll(30, TimeUnit.SECONDS), "subscribed at the reconnect");
            }
        }
    }

    /** Forwards to the broker; drops the first connection at its first SUBSCRIBE. */
    private static final class DroppingProxy implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();
        private final ServerSocket server;
        private final int brokerPort;

        DroppingProxy(int brokerPort) throws IOException {
            this.brokerPort = brokerPort;
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Thread t = new Thread(this::acceptLoop, "proxy-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket("127.0.0.1", brokerPort);
                    boolean dropAtSubscribe = accepted.incrementAndGet() == 1;
                    start(() -> clientToBroker(client, upstream, dropAtSubscribe));
                    start(() -> copy(upstream, client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void start(Runnable r) {
            Thread t = new Thread(r, "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        /** Passes whole MQTT packets (fixed header, remaining length, body) on, or drops at a SUBSCRIBE. */
        private void clientToBroker(Socket client, Socket upstream, boolean dropAtSubscribe) {
            try (client; upstream) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = upstream.getOutputStream();
                while (true) {
                    int type = in.readUnsignedByte();
                    if (dropAtSubscribe && type == SUBSCRIBE) {
                        dropped.incrementAndGet();
                        return; // closes both: the client sees its connection lost with the SUBSCRIBE out
                    }
                    int length = 0;
                    int shift = 0;
                    out.write(type);
                    int b;
                    do {
                        b = in.readUnsignedByte();
                        out.write(b);
                        length |= (b & 0x7f) << shift;
                        shift += 7;
                    } while ((b & 0x80) != 0);
                    byte[] body = new byte[length];
                    in.readFully(body);
                    out.write(body);
                    out.flush();
                }
            } catch (IOException closed) {
                // either side went
            }
        }

        private static void copy(Socket from, Socket to) {
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0;) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // either side went
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
