package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.testing.MosquittoBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 generated bad requests ({@link FuzzRequests}: malformed JSON, wrong types, huge strings,
 * deep nesting, unknown fields, invalid UTF-8, non-objects, unusable ids and reply topics) sent
 * over MQTT (Debian's Mosquitto, whose QoS 1 round trip is several times shorter than the
 * embedded broker's) to a running agent. Checks: every request whose id and reply
 * topic are usable gets exactly one reply with that id (an error for the ones that must fail,
 * {@code too_large} above the size limit), every one with only a usable reply topic gets one
 * reply without an id, nothing else is answered; the agent still answers a ping afterwards; no
 * file appears outside its data directory. Sent in batches of 250, each closed by a ping: the
 * agent runs commands in order, so when the ping's reply is in, every reply of the batch is.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class AgentFuzzTest {
    static final int REQUESTS = 10_000;
    static final int BATCH = 250;

    @TempDir
    Path dir;

    record Sent(FuzzRequests.Template t, int size) {
    }

    @Test
    void tenThousandBadRequestsNeverStopTheAgent() throws Exception {
        Path data = dir.resolve("data");
        Set<String> before = filesOutside(data);
        Set<String> cwdBefore = listing(Path.of(System.getProperty("user.dir")));
        long genStart = System.nanoTime();
        List<FuzzRequests.Template> cases = FuzzRequests.all().sampleStream().limit(REQUESTS).collect(Collectors.toList());
        double genSeconds = (System.nanoTime() - genStart) / 1e9;
        Map<String, AtomicInteger> kinds = new TreeMap<>();
        for (FuzzRequests.Template t : cases) {
            kinds.computeIfAbsent(t.kind(), k -> new AtomicInteger()).incrementAndGet();
        }
        MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto"));
        broker.start();
        try (broker; Agent agent = new Agent(AgentTest.config(broker.url(), data, "fz", null), BoardIo.NONE)) {
            agent.start();
            assertTrue(agent.awaitConnected(60_000));
            String replyTopic = Topics.replyTopic("test", "fuzzer");
            Map<String, JsonNode> replies = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> replyCount = new ConcurrentHashMap<>();
            AtomicInteger withoutId = new AtomicInteger();
            ConcurrentHashMap<String, CountDownLatch> barriers = new ConcurrentHashMap<>();
            Link host = new Link(LinkConfig.builder(broker.url(), "fuzzer").backoff(50, 500).build());
            host.subscribe(replyTopic, 1, m -> {
                JsonNode r = Json.MAPPER.readTree(m.payload());
                String id = r.path("id").isTextual() ? r.path("id").asText() : null;
                if (id == null) {
                    withoutId.incrementAndGet();
                    return;
                }
                replies.put(id, r);
                replyCount.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                CountDownLatch b = barriers.get(id);
                if (b != null) {
                    b.countDown();
                }
            });
            host.start();
            assertTrue(host.awaitConnected(60_000));
            long start = System.nanoTime();
            int expectWithoutId = 0;
            int mustFail = 0;
            int tooLarge = 0;
            int noReply = 0;
            for (int from = 0; from < cases.size(); from += BATCH) {
                for (int i = from; i < Math.min(cases.size(), from + BATCH); i++) {
                    FuzzRequests.Template t = cases.get(i);
                    byte[] payload = t.render("fz-" + i, replyTopic);
                    send(host, Topics.cmd("test", "fz", t.command()), payload);
                }
                String barrier = "barrier-" + from;
                CountDownLatch done = new CountDownLatch(1);
                barriers.put(barrier, done);
                // log.tail runs on the command worker, after every request queued there before it;
                // quick commands (ping, info, ...) are answered on arrival, so their replies came earlier
                send(host, Topics.cmd("test", "fz", "log.tail"), ("{\"v\":1,\"id\":\"" + barrier + "\",\"reply\":\""
                        + replyTopic + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertTrue(done.await(120, TimeUnit.SECONDS), "the agent stopped answering after request " + from);
                for (int i = from; i < Math.min(cases.size(), from + BATCH); i++) {
                    FuzzRequests.Template t = cases.get(i);
                    String id = "fz-" + i;
                    int size = t.render(id, replyTopic).length;
                    switch (t.expect()) {
                        case REPLY_WITH_ID -> {
                            AtomicInteger n = replyCount.get(id);
                            assertTrue(n != null && n.get() == 1, t.kind() + " " + id + " got " + n + " replies: "
                                    + preview(t.render(id, replyTopic)));
                            Reply r = Reply.parse(Json.MAPPER.writeValueAsBytes(replies.get(id)));
                            if (size > Wire.MAX_REQUEST_BYTES) {
                                tooLarge++;
                                assertEquals("too_large", r.errorCode() == null ? null : r.errorCode().wireName(), t.kind());
                            }
                            if (t.mustFail()) {
                                mustFail++;
                                assertFalse(r.ok(), t.kind() + " " + id + " must fail");
                            }
                        }
                        case REPLY_WITHOUT_ID -> expectWithoutId++;
                        case NO_REPLY -> {
                            noReply++;
                            assertFalse(replyCount.containsKey(id), t.kind() + " " + id + " has no usable reply topic");
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                assertEquals(expectWithoutId, withoutId.get(), "replies without an id, up to request " + from);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(agent.isConnected());
            CountDownLatch last = new CountDownLatch(1);
            barriers.put("after", last);
            send(host, Topics.cmd("test", "fz", "info"), ("{\"v\":1,\"id\":\"after\",\"reply\":\"" + replyTopic + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(last.await(60, TimeUnit.SECONDS));
            assertTrue(replies.get("after").path("ok").asBoolean(), "still answering: " + replies.get("after"));
            host.close();
            System.out.printf("agent fuzz: generated in %.1f s; %d requests over MQTT in %.1f s (%.0f/s); kinds %s; answered with id %d "
                    + "(must fail %d, too_large %d), without id %d, unanswerable %d%n", genSeconds, REQUESTS, seconds,
                    REQUESTS / seconds, kinds, replyCount.size() - 1 - (cases.size() + BATCH - 1) / BATCH, mustFail,
                    tooLarge, withoutId.get(), noReply);
        }
        assertEquals(before, filesOutside(data), "files outside the data directory");
        assertEquals(cwdBefore, listing(Path.of(System.getProperty("user.dir"))), "files in the working directory");
    }

    private static String preview(byte[] b) {
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static void send(Link host, String topic, byte[] payload) throws Exception {
        while (true) {
            try {
                host.publishNoWait(topic, payload, 1, false); // QoS 1; Paho keeps up to 1000 in flight
                return;
            } catch (LinkException e) {
                Thread.sleep(5); // Paho's in-flight window is full; the broker catches up
            }
        }
    }

    private Set<String> filesOutside(Path data) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.startsWith(data) && !p.startsWith(dir.resolve("mosquitto"))).map(p -> dir.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
