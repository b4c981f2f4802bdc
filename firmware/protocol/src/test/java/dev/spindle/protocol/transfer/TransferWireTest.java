package dev.spindle.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver driven with hand-made messages, as a third-party sender would: a checksum
 * mismatch, malformed and hostile input, a second transfer while one is active.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class TransferWireTest {
    private static final int CHUNK = 4096;

    @TempDir
    Path dir;
    private static EmbeddedBroker broker; // one for the class: stopping Moquette takes about 2 s
    private TestBoard board;
    private Link host;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startBroker() throws Exception {
        EmbeddedBroker.quietLogging();
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws Exception {
        board = new TestBoard(broker.url(), "pi-1", dir.resolve("board"),
                ReceiverOptions.defaults().withMaxBundleBytes(1 << 20).withIdleSupersedeMs(60_000));
        host = TestBoard.link(broker.url(), "host-1");
        host.subscribe(Topics.board(TestBoard.FLEET, "pi-1") + "/xfer/+/ack", 1, m -> answers.add(Json.MAPPER.readTree(m.payload())));
        host.start();
        assertTrue(host.awaitConnected(30_000));
    }

    @AfterEach
    void stop() {
        host.close();
        board.close();
    }

    private void send(String id, String kind, byte[] payload) throws Exception {
        host.publish(Topics.board(TestBoard.FLEET, "pi-1") + "/xfer/" + id + "/" + kind, payload, 1, false);
    }

    private void open(String id, String json) throws Exception {
        send(id, TransferTopics.OPEN, json.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode answer(String type) throws InterruptedException {
        JsonNode n = answers.poll(30, TimeUnit.SECONDS);
        assertNotNull(n, "no " + type + " answer");
        assertEquals(type, n.path("type").asText(), n.toString());
        return n;
    }

    private static byte[] chunk(int index, byte[] data, int off, int len) {
        byte[] p = ChunkHeader.payload(index, len);
        System.arraycopy(data, off, p, ChunkHeader.LENGTH, len);
        return p;
    }

    @Test
    void dataThatDoesNotMatchTheIdIsDiscardedAndNothingIsHandedOver() throws Exception {
        byte[] data = new byte[3 * CHUNK + 10];
        new Random(1).nextBytes(data);
        String wrongId = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {1}));
        open(wrongId, "{\"v\":1,\"size\":" + data.length + ",\"chunk_size\":" + CHUNK + "}");
        JsonNode state = answer("state");
        assertEquals(4, state.path("chunks").asInt());
        assertEquals(0, state.path("held").asInt());
        for (int i = 0; i < 4; i++) {
            send(wrongId, "chunk", chunk(i, data, i * CHUNK, Math.min(CHUNK, data.length - i * CHUNK)));
        }
        JsonNode error = null;
        for (int i = 0; i < 10 && error == null; i++) {
            JsonNode n = answers.poll(30, TimeUnit.SECONDS);
            assertNotNull(n);
            if ("error".equals(n.path("type").asText())) {
                error = n;
            }
        }
        assertNotNull(error);
        assertEquals("checksum_mismatch", error.path("error").path("code").asText());
        assertTrue(error.path("error").path("message").asText().contains("send the bundle again"), error.toString());
        assertTrue(board.handed.isEmpty(), "nothing handed over");
        try (var files = Files.list(board.staging)) {
            assertEquals(0, files.count(), "the bad data was deleted");
        }
    }

    @Test
    void malformedAndHostileInputIsAnsweredAndTheBoardKeepsWorking() throws Exception {
        String id = "ab".repeat(32);
        open(id, "not json");
        assertEquals("bad_request", answer("error").path("error").path("code").asText());
        open(id, "{\"size\":10,\"chunk_size\":\"x\"}");
        JsonNode e = answer("error");
        assertTrue(e.path("error").path("message").asText().contains("chunk_size"), e.toString());
        open(id, "{\"size\":" + (2 << 20) + ",\"chunk_size\":4096}");
        assertEquals("too_large", answer("error").path("error").path("code").asText());
        open(id, "{\"size\":100,\"chunk_size\":4096,\"transfer\":\"" + "cd".repeat(32) + "\"}");
        assertEquals("bad_request", answer("error").path("error").path("code").asText());
        open(id, "{\"size\":100,\"chunk_size\":4096,\"meta\":[1]}");
        assertEquals("bad_request", answer("error").path("error").path("code").asText());
        send(id, "chunk", chunk(0, new byte[100], 0, 100));
        assertEquals("unknown_transfer", answer("error").path("error").path("code").asText());

        // path tricks and upper case never name a file, and get no answer (there is no valid ack topic)
        for (String bad : new String[] {"..", "AB".repeat(32), "ab".repeat(31), "x".repeat(64)}) {
            open(bad, "{\"size\":100,\"chunk_size\":4096}");
        }
        open(id, "{\"size\":100,\"chunk_size\":4096}");
        JsonNode st = answer("state");
        assertEquals(id, st.path("transfer").asText(), "only the valid open was answered");
        assertNull(answers.poll(300, TimeUnit.MILLISECONDS));
        try (var files = Files.list(board.staging)) {
            assertTrue(files.allMatch(p -> p.getFileName().toString().startsWith(id + ".")));
        }

        Thread.sleep(1100); // chunk errors are answered at most once a second per transfer
        send(id, "chunk", new byte[] {'S', 'X', 9, 0, 0, 0, 0, 0});
        assertTrue(answer("error").path("error").path("message").asText().contains("version"));
        Thread.sleep(1100);
        send(id, "chunk", chunk(0, new byte[99], 0, 99));
        assertTrue(answer("error").path("error").path("message").asText().contains("expected 100"));
        Thread.sleep(1100);
        send(id, "chunk", chunk(7, new byte[100], 0, 100));
        assertTrue(answer("error").path("error").path("message").asText().contains("out of range"));

        String other = "ef".repeat(32);
        open(other, "{\"size\":100,\"chunk_size\":4096}");
        JsonNode busy = answer("error");
        assertEquals("busy", busy.path("error").path("code").asText());
        assertEquals(other, busy.path("transfer").asText());

        send(id, "chunk", chunk(0, new byte[100], 0, 100));
        JsonNode ack = answer("ack");
        assertEquals(1, ack.path("next").asInt());
        assertEquals(0, ack.path("got").get(0).asInt());
        JsonNode err = answer("error");
        assertEquals("checksum_mismatch", err.path("error").path("code").asText(), "100 zero bytes are not " + id);
    }
}
