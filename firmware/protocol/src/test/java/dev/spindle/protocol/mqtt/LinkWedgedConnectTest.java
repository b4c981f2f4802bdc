package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.testing.MosquittoBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that accepts connections and resets them (a Mosquitto that is stopping or starting)
 * must leave no Paho connect thread stuck, and the link connects once the real broker is back.
 *
 * <p>Paho 1.2.5 starts its receiver and sender threads and polls every 100 ms until it sees each
 * running; a reset inside that window stops the thread between two polls and Paho's connect
 * thread polls forever ({@link PahoSocket} explains the fix). Without the fix, 67 of 100 such
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
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket dropper = new ServerSocket();
        dropper.setReuseAddress(true);
        dropper.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
        Thread accept = new Thread(() -> {
            while (!dropper.isClosed()) {
                try {
                    Socket s = dropper.accept();
                    int n = accepted.incrementAndGet();
                    Thread drop = new Thread(() -> {
                        try {
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
        LinkConfig config = LinkConfig.builder("tcp://127.0.0.1:" + port, "wedge")
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
            try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), port).start()) {
                assertTrue(link.awaitConnected(120_000), "the link connects to the broker that is back ("
                        + link.abandonedClients() + " wedged Paho clients replaced; last error: "
                        + link.lastErrorExplained() + ")");
                long stuck = stuckPahoConnects();
                assertEquals(0, stuck, stuck + " of " + accepted.get() + " Paho connect threads are stuck polling"
                        + " for their receiver or sender to start (PahoSocket holds the reset back to prevent it); "
                        + link.abandonedClients() + " clients replaced; threads: " + pahoThreads());
                System.out.println("LinkWedgedConnectTest: " + accepted.get() + " dropped connects, " + stuck
                        + " Paho connect threads stuck, " + link.abandonedClients() + " Paho clients replaced");
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
