package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.Request;
import dev.spindle.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What {@link Rpc} sends, without a broker: request bytes and request ids. */
class RpcRequestTest {
    private static Rpc rpc() throws LinkException {
        // never started: the reply subscription is only recorded
        return new Rpc(new Link(LinkConfig.builder("tcp://127.0.0.1:1", "tool-x1").build()), "lab");
    }

    @Test
    void requestWithoutArgumentsIsTheBytesOfRequestBuild() throws Exception {
        Rpc rpc = rpc();
        String[] ids = {"tool-x1-1-00ff00ff00ff00ff", "q\"uote", "back\\slash", "new\nline", "ctl\u0001", "caf\u00e9",
            "smile\ud83d\ude00", "/slash/", "x"};
        for (String id : ids) {
            byte[] expected = Request.build(id, rpc.replyTopic(), null).toString().getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, rpc.requestBytes(id, null), id);
            assertArrayEquals(expected, rpc.requestBytes(id, Map.of()), id);
            Request back = Request.parse("ping", rpc.requestBytes(id, null), Wire.MAX_REQUEST_BYTES);
            assertEquals(id, back.id());
            assertEquals(rpc.replyTopic(), back.reply());
        }
    }

    @Test
    void requestWithArgumentsCarriesThem() throws Exception {
        Rpc rpc = rpc();
        Request r = Request.parse("gpio.write", rpc.requestBytes("id-1", Map.of("pin", 17, "value", true)),
                Wire.MAX_REQUEST_BYTES);
        assertEquals("id-1", r.id());
        assertEquals(17, r.integer("pin", 0, 100));
        assertTrue(r.bool("value"));
    }

    @Test
    void idsAreUniqueWithACounterAndFreshRandomBits() throws Exception {
        Rpc rpc = rpc();
        Pattern form = Pattern.compile("tool-x1-(\\d+)-([0-9a-f]{16})");
        Set<String> randoms = new HashSet<>();
        int n = RequestIds.POOL; // eight refills of the random pool
        for (int i = 1; i <= n; i++) {
            String id = rpc.newId();
            Matcher m = form.matcher(id);
            assertTrue(m.matches(), id);
            assertEquals(i, Long.parseLong(m.group(1)), id);
            randoms.add(m.group(2));
        }
        assertEquals(n, randoms.size(), "64 random bits per id, none reused");
        assertTrue(randoms.stream().anyMatch(r -> r.charAt(0) >= '8'), "the top bit is used too");
    }
}
