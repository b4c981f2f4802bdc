package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backpressure (a slow consumer loses nothing) and inline handlers (run on Paho's thread). */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class LinkDeliveryTest {
    @Test
    void withBackpressureASlowConsumerWithATinyQueueLosesNothing() throws Exception {
        int n = 300;
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Link slow = new Link(LinkConfig.builder(broker.url(), "slow").queueCapacity(4).backpressure(true).build());
                Link fast = new Link(LinkConfig.builder(broker.url(), "fast").build())) {
            slow.subscribe("t/slow/+", 1, m -> {
                got.add(new String(m.payload(), StandardCharsets.UTF_8));
                Thread.sleep(1);
            });
            slow.start();
            fast.start();
            assertTrue(slow.awaitConnected(30_000) && fast.awaitConnected(30_000));
            for (int i = 0; i < n; i++) {
                fast.publish("t/slow/" + (i % 3), Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (got.size() < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, slow.droppedMessages());
            assertEquals(n, got.size(), "all arrived");
            for (int i = 0; i < n; i++) {
                assertEquals(Integer.toString(i), got.get(i), "in order");
            }
        }
    }

    @Test
    void inlineHandlersRunOnPahosThreadAndOthersOnTheWorker() throws Exception {
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Link link = new Link(LinkConfig.builder(broker.url(), "inline").build())) {
            link.subscribeInline("t/in", 1, m -> threads.add("inline " + Thread.currentThread().getName()));
            link.subscribe("t/+", 1, m -> threads.add("queued " + Thread.currentThread().getName()));
            link.start();
            assertTrue(link.awaitConnected(30_000));
            link.publish("t/in", new byte[] {1}, 1, false);
            List<String> two = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String s = threads.poll(30, TimeUnit.SECONDS);
                assertTrue(s != null, "both handlers ran: " + two);
                two.add(s);
            }
            Collections.sort(two);
            assertTrue(two.get(0).startsWith("inline MQTT"), two.toString());
            assertTrue(two.get(1).startsWith("queued mqtt-inline-worker"), two.toString());
        }
    }

    @Test
    void inlineFirstHandlesWhatItAcceptsAndPassesTheRestToTheWorker() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Link link = new Link(LinkConfig.builder(broker.url(), "first").build())) {
            link.subscribeInlineFirst("t/first/+", 1, m -> {
                String what = new String(m.payload(), StandardCharsets.UTF_8);
                if (what.equals("throw")) {
                    throw new IllegalStateException("inline handler failing on purpose");
                }
                seen.add("inline " + what + " " + Thread.currentThread().getName());
                return what.equals("accept");
            }, m -> seen.add("worker " + new String(m.payload(), StandardCharsets.UTF_8) + " "
                    + Thread.currentThread().getName()));
            link.start();
            assertTrue(link.awaitConnected(30_000));
            for (String what : new String[] {"accept", "decline", "throw"}) {
                link.publish("t/first/x", what.getBytes(StandardCharsets.UTF_8), 1, false);
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String s = seen.poll(30, TimeUnit.SECONDS);
                assertTrue(s != null, "four calls: " + got);
                got.add(s);
            }
            Collections.sort(got);
            assertTrue(got.get(0).startsWith("inline accept MQTT"), got.toString());
            assertTrue(got.get(1).startsWith("inline decline MQTT"), got.toString());
            assertTrue(got.get(2).startsWith("worker decline mqtt-first-worker"), got.toString());
            assertTrue(got.get(3).startsWith("worker throw mqtt-first-worker"), got.toString());
            link.publish("t/first/x", "accept".getBytes(StandardCharsets.UTF_8), 1, false);
            assertTrue(seen.poll(30, TimeUnit.SECONDS).startsWith("inline accept"));
            assertEquals(null, seen.poll(200, TimeUnit.MILLISECONDS), "an accepted message never reaches the worker");
        }
    }

    @Test
    void anInlineHandlerMayPublishNoWaitAtQos1WithoutDeadlock() throws Exception {
        int n = 500;
        BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Link echo = new Link(LinkConfig.builder(broker.url(), "echo").build());
                Link client = new Link(LinkConfig.builder(broker.url(), "client").build())) {
            // answers on Paho's callback thread; Paho completes the echoes' PUBACKs on that same thread
            echo.subscribeInlineFirst("t/echo/in", 1, m -> {
                try {
                    echo.publishNoWait("t/echo/out", m.payload(), 1, false);
                    return true;
                } catch (LinkException e) {
                    return false; // window full or not connected: the worker answers
                }
            }, m -> echo.publish("t/echo/out", m.payload(), 1, false));
            client.subscribe("t/echo/out", 1, m -> echoes.add(new String(m.payload(), StandardCharsets.UTF_8)));
            echo.start();
            client.start();
            assertTrue(echo.awaitConnected(30_000) && client.awaitConnected(30_000));
            for (int i = 0; i < n; i++) {
                client.publishNoWait("t/echo/in", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            java.util.Set<String> got = new java.util.HashSet<>();
            while (got.size() < n) {
                String s = echoes.poll(60, TimeUnit.SECONDS);
                assertTrue(s != null, "echoes stopped after " + got.size());
                got.add(s);
            }
        }
    }
}
