package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.protocol.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that accepts connections and resets them (a Mosquitto that is stopping or starting)
 * must leave no Paho connect thread stuck, and the link connects once the real broker is back.
 *
 * <p>Paho 1.2.5 starts its receiver and sender threads and polls every 100 ms until it sees each
 * running; a reset inside that window stops the thread between two polls and Paho's connect
 * thread polls forever ({@link PahoStreams} explains the fix). Without the fix, 67 of 100 such
 * connects left a stuck thread. The resets come 0 to 300 ms after the accept, covering both
 * windows.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class LinkWedgedConnectTest {
    @TempDir
    Path dir;

    @Test
    void aConnectDroppedWhilePahoStartsItsThreadsDoesNotWedgeTheLink() throws Exception {
        int port = MosquittoBroker.freePort();
        ServerSocket dropper = new ServerSocket();
        dropsConnectsThenBrokerComesBack(dropper, port, "tcp://127.0.0.1:" + port, null,
                () -> new MosquittoBroker(dir.resolve("broker"), port));
    }

    /**
     * The same over TLS: the reset comes after the TLS handshake (which Paho's connect thread does
     * before it starts the receiver and sender), inside Paho's start windows; the link's TLS
     * sockets hold it back as plain ones do ({@link PahoSslSocket}).
     */
    @Test
    void overTlsToo() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("cert"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("broker", TlsConfig.readPrivateKey(cert.key()), new char[0],
                TlsConfig.readCertificates(cert.certificate(), "test certificate").toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        int port = MosquittoBroker.freePort();
        int plainPort = MosquittoBroker.freePort();
        ServerSocket dropper = server.getServerSocketFactory().createServerSocket();
        dropsConnectsThenBrokerComesBack(dropper, port, "ssl://127.0.0.1:" + port,
                TlsConfig.of(cert.certificate(), null, null),
                () -> new MosquittoBroker(dir.resolve("broker"), plainPort).tlsListener(port, cert));
    }

    private interface BrokerFactory {
        MosquittoBroker make() throws IOException;
    }

    /**
     * Sixty connects of a link to {@code dropper} are reset 0 to 300 ms after the accept (after the
     * TLS handshake for an SSL server socket); then the real broker starts on the same port and
     * the link must connect with no Paho connect thread left stuck.
     */
    private void dropsConnectsThenBrokerComesBack(ServerSocket dropper, int port, String url, TlsConfig tls,
            BrokerFactory broker) throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        dropper.setReuseAddress(true);
        dropper.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
        Thread accept = new Thread(() -> {
            while (!dropper.isClosed()) {
                try {
                    Socket s = dropper.accept();
                    int n = accepted.incrementAndGet();
                    Thread drop = new Thread(() -> {
                        try {
                            if (s instanceof SSLSocket) {
                                ((SSLSocket) s).startHandshake();
                            }
                            Thread.sleep(n * 7 % 300); // drops at different points of Paho's connect
                            s.setSoLinger(true, 0); // a reset, like a broker going down
                            s.close();
                        } catch (IOException | InterruptedException e) {
                            // closed anyway
                        }
                    }, "drop-" + n);
                    drop.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "dropper");
        accept.start();
        LinkConfig config = LinkConfig.builder(url, "wedge")
                .tls(tls)
                .backoff(1, 5)
                .connectTimeoutS(2)
                .connectAckTimeoutMs(2000)
                .build();
        try (Link link = new Link(config)) {
            link.start();
            // each dropped connect is one chance for the race; sixty make it near certain (without the fix 67 of 100 stuck)
            while (accepted.get() < 60) {
                Thread.sleep(10);
            }
            dropper.close();
            accept.join();
            try (MosquittoBroker b = broker.make().start()) {
                assertTrue(link.awaitConnected(120_000), "the link connects to the broker that is back ("
                        + link.abandonedClients() + " wedged Paho clients replaced; last error: "
                        + link.lastErrorExplained() + ")");
                long stuck = stuckPahoConnects();
                assertEquals(0, stuck, stuck + " of " + accepted.get() + " Paho connect threads are stuck polling"
                        + " for their receiver or sender to start (PahoStreams holds the reset back to prevent it); "
                        + link.abandonedClients() + " clients replaced; threads: " + pahoThreads());
                System.out.println("LinkWedgedConnectTest " + url.substring(0, 3) + ": " + accepted.get()
                        + " dropped connects, " + stuck + " Paho connect threads stuck, " + link.abandonedClients()
                        + " Paho clients replaced");
            }
        }
    }

    /** The Paho threads of this test's link with their stacks, for a failure message. */
    private static String pahoThreads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().endsWith(": wedge")) {
                b.append('\n').append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement f : stack) {
                    b.append("\n    at ").append(f);
                }
            }
        });
        return b.toString();
    }

    /** Paho connect threads of this test's link polling forever in CommsReceiver/CommsSender.start. */
    private static long stuckPahoConnects() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("MQTT Con: wedge"))
                .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("start")
                        && (f.getClassName().endsWith(".CommsReceiver") || f.getClassName().endsWith(".CommsSender"))))
                .count();
    }
}
