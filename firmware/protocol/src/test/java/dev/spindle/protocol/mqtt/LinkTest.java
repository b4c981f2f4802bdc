package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The link against the embedded broker: connect, resubscribe, first connect retried, will, RPC. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class LinkTest {
    private static Link link(String url, String id) {
        return new Link(LinkConfig.builder(url, id).backoff(50, 500).build());
    }

    @Test
    void firstConnectIsRetriedAndSubscriptionsSurviveABrokerRestart() throws Exception {
        int port = EmbeddedBroker.freePort("127.0.0.1");
        String url = "tcp://127.0.0.1:" + port;
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        AtomicInteger connects = new AtomicInteger();
        try (Link sub = link(url, "sub"); Link pub = link(url, "pub")) {
            sub.subscribe("t/+", 1, m -> got.add(new String(m.payload(), StandardCharsets.UTF_8)));
            sub.addListener((l, n) -> connects.set(n));
            sub.start();
            pub.start();
            assertFalse(sub.awaitConnected(300), "no broker yet");
            LinkException down = assertThrows(LinkException.class, () -> pub.publish("t/a", new byte[1], 1, false));
            assertTrue(down.getMessage().contains("not connected"), down.getMessage());
            try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port, null)) {
                assertTrue(sub.awaitConnected(30_000) && pub.awaitConnected(30_000));
                Link.ConnectTiming first = sub.lastConnectTiming();
                assertEquals(-1, first.slotMs(), "a first connect waits for no slot: " + first);
                assertTrue(first.attemptMs() <= first.connectSentMs() && first.connectSentMs() <= first.connectedMs(),
                        first.toString());
                pub.publish("t/a", "one".getBytes(StandardCharsets.UTF_8), 1, false);
                assertEquals("one", got.poll(30, TimeUnit.SECONDS));
            }
            try (EmbeddedBroker again = EmbeddedBroker.start("127.0.0.1", port, null)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (connects.get() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(2, connects.get(), "reconnected once");
                // the reconnect's steps in order; it waited for a slot of the spread (a lost connection)
                Link.ConnectTiming t = sub.lastConnectTiming();
                assertTrue(t.slotMs() > 0 && t.slotMs() <= t.attemptMs(), t.toString());
                assertTrue(t.attemptMs() <= t.connectSentMs() && t.connectSentMs() <= t.connackMs()
                        && t.connackMs() <= t.connectedMs(), t.toString());
                assertTrue(pub.awaitConnected(30_000));
                pub.publish("t/b", "two".getBytes(StandardCharsets.UTF_8), 1, false);
                assertEquals("two", got.poll(30, TimeUnit.SECONDS), "resubscribed after reconnect");
            }
        }
    }

    @Test
    void abruptCloseFiresTheWillCleanCloseDoesNot() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(); Link watcher = link(broker.url(), "watcher")) {
            BlockingQueue<String> wills = new LinkedBlockingQueue<>();
            watcher.subscribe("will/+", 1, m -> wills.add(m.topic()));
            watcher.start();
            assertTrue(watcher.awaitConnected(30_000));
            for (String name : new String[] {"clean", "crash"}) {
                Link l = new Link(LinkConfig.builder(broker.url(), name)
                        .will(() -> new Will("will/" + name, new byte[] {1}, 1, false)).build());
                l.start();
                assertTrue(l.awaitConnected(30_000));
                if (name.equals("clean")) {
                    l.close();
                } else {
                    l.closeAbruptly();
                }
            }
            assertEquals("will/crash", wills.poll(30, TimeUnit.SECONDS));
            assertEquals(null, wills.poll(500, TimeUnit.MILLISECONDS), "no will for the clean close");
        }
    }

    @Test
    void rpcRoundTripAndLatency() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(); Link board = link(broker.url(), "board");
                Link tool = link(broker.url(), LinkConfig.toolClientId("test"))) {
            AtomicInteger executed = new AtomicInteger();
            board.subscribe(Topics.cmdFilter("lab", "b1"), 1, m -> {
                Request r = Request.parse("ping", m.payload(), 1024);
                executed.incrementAndGet();
                board.publish(r.reply(), Reply.ok(r.id(), null).toString().getBytes(StandardCharsets.UTF_8), 1, false);
            });
            board.start();
            tool.start();
            assertTrue(board.awaitConnected(30_000) && tool.awaitConnected(30_000));
            Rpc rpc = new Rpc(tool, "lab");
            assertTrue(rpc.call("b1", "ping", null, 30_000).ok());
            int n = 200;
            long[] rtt = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                assertTrue(rpc.call("b1", "ping", null, 30_000).ok());
                rtt[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtt);
            System.out.printf("Moquette QoS1 request/reply with TCP_NODELAY: p50 %.3f ms, p99 %.3f ms%n",
                    rtt[n / 2] / 1e6, rtt[n * 99 / 100] / 1e6);
            assertEquals(n + 1, executed.get());
            rpc.setResendEveryMs(100);
            ProtocolException e = assertThrows(ProtocolException.class, () -> rpc.call("nobody", "ping", null, 300));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("is the board online"), e.getMessage());
        }
    }
}
