package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void topicsFollowTheNamespace() {
        assertEquals("spindle/v1/lab/pi-1/state", Topics.state("lab", "pi-1"));
        assertEquals("spindle/v1/lab/pi-1/cmd/ping", Topics.cmd("lab", "pi-1", "ping"));
        assertEquals("spindle/v1/lab/pi-1/cmd/+", Topics.cmdFilter("lab", "pi-1"));
        assertEquals("spindle/v1/lab/+/telemetry", Topics.fleetFilter("lab", Topics.TELEMETRY));
        Topics.Parsed p = Topics.parse("spindle/v1/lab/pi-1/cmd/log.tail").orElseThrow();
        assertEquals(new Topics.Parsed("lab", "pi-1", "cmd", "log.tail"), p);
        assertEquals("telemetry", Topics.parse("spindle/v1/lab/pi-1/telemetry").orElseThrow().kind());
        assertTrue(Topics.parse("spindle/v1/lab/_reply/x").isEmpty());
        assertTrue(Topics.parse("other/v1/lab/pi/state").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Topics.state("lab", "a/b"));
        assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.state("+", "a"));
    }

    @Test
    void errorCodesHaveStableWireNames() {
        assertEquals("bad_request", ErrorCode.BAD_REQUEST.wireName());
        assertEquals("unknown_command", ErrorCode.UNKNOWN_COMMAND.wireName());
        assertEquals("too_large", ErrorCode.TOO_LARGE.wireName());
        assertEquals("internal", ErrorCode.INTERNAL.wireName());
        assertEquals(ErrorCode.TOO_LARGE, ErrorCode.fromWire("too_large"));
        assertEquals(ErrorCode.INTERNAL, ErrorCode.fromWire("from_the_future"));
    }

    @Test
    void validRequestIsRead() throws Exception {
        Request r = Request.parse("log.tail", b("{\"v\":1,\"id\":\"a1\",\"reply\":\"r/t\",\"lines\":5,\"extra\":{}}"), 1000);
        assertEquals("a1", r.id());
        assertEquals("r/t", r.reply());
        assertEquals(5, r.integer("lines", 1, 100, 50));
        assertEquals(50, Request.parse("x", b("{\"id\":\"a\",\"reply\":\"r\"}"), 1000).integer("lines", 1, 100, 50));
        assertEquals("{\"lines\":5,\"extra\":{}}", r.args().toString());
    }

    @Test
    void badRequestsNameTheProblem() {
        Request.Invalid e = assertThrows(Request.Invalid.class, () -> Request.parse("x", b("{nope"), 1000));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
        assertNull(e.reply());

        e = assertThrows(Request.Invalid.class, () -> Request.parse("x", b("[1,2]"), 1000));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());

        e = assertThrows(Request.Invalid.class, () -> Request.parse("x", b("{\"id\":\"a\"}"), 1000));
        assertTrue(e.getMessage().contains("'reply' is missing"), e.getMessage());
        assertEquals("a", e.id());

        e = assertThrows(Request.Invalid.class, () -> Request.parse("x", b("{\"id\":\"a\",\"reply\":\"r/#\"}"), 1000));
        assertTrue(e.getMessage().contains("without wildcards"), e.getMessage());

        e = assertThrows(Request.Invalid.class, () -> Request.parse("x", b("{\"id\":7,\"reply\":\"r\"}"), 1000));
        assertEquals("r", e.reply());
        assertTrue(e.getMessage().contains("'id' must be a string"), e.getMessage());

        e = assertThrows(Request.Invalid.class,
                () -> Request.parse("x", b("{\"id\":\"a\",\"reply\":\"r\",\"pad\":\"" + "x".repeat(200) + "\"}"), 100));
        assertEquals(ErrorCode.TOO_LARGE, e.code());
        assertEquals("a", e.id());
        assertEquals("r", e.reply());
    }

    @Test
    void wrongTypedArgumentsAreBadRequests() throws Exception {
        Request r = Request.parse("x", b("{\"id\":\"a\",\"reply\":\"r\",\"lines\":\"5\",\"n\":1e3,\"on\":1}"), 1000);
        ProtocolException e = assertThrows(ProtocolException.class, () -> r.integer("lines", 1, 10, 5));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("'lines' must be an integer"), e.getMessage());
        assertThrows(ProtocolException.class, () -> r.integer("n", 1, 10));
        assertThrows(ProtocolException.class, () -> r.bool("on"));
        e = assertThrows(ProtocolException.class, () -> r.string("pin"));
        assertTrue(e.getMessage().contains("'pin' is missing"), e.getMessage());
        Request r2 = Request.parse("x", b("{\"id\":\"a\",\"reply\":\"r\",\"lines\":500}"), 1000);
        e = assertThrows(ProtocolException.class, () -> r2.integer("lines", 1, 100));
        assertTrue(e.getMessage().contains("1..100"), e.getMessage());
    }

    @Test
    void repliesHaveTheEnvelope() throws Exception {
        JsonNode ok = Reply.ok("a", Json.object().put("pong", true));
        assertEquals("{\"v\":1,\"id\":\"a\",\"ok\":true,\"pong\":true}", ok.toString());
        JsonNode err = Reply.error("a", ErrorCode.UNKNOWN_COMMAND, "no command 'x'");
        assertEquals("{\"v\":1,\"id\":\"a\",\"ok\":false,\"error\":{\"code\":\"unknown_command\",\"message\":\"no command 'x'\"}}",
                err.toString());
        Reply r = Reply.parse(b(err.toString()));
        assertFalse(r.ok());
        assertEquals(ErrorCode.UNKNOWN_COMMAND, r.errorCode());
    }

    @Test
    void messagesUseSnakeCaseAndIgnoreUnknownFields() throws Exception {
        StateMessage s = new StateMessage(1, 5, "lab", "pi", true, null, 3, "sim", "0.1", "1.0", null, 4, 2.0);
        String json = Json.text(s);
        assertTrue(json.contains("\"board_type\":\"sim\""), json);
        assertTrue(json.contains("\"telemetry_period_s\":2.0"), json);
        assertFalse(json.contains("reason"), json);
        StateMessage back = Json.read(b(json.replace("{", "{\"future_field\":[1],")), StateMessage.class);
        assertEquals(s, back);
        TelemetryMessage t = new TelemetryMessage(1, 1, 1, 2, 3.5, 10, 20, 0.1, null, null, 4, 9, "ok", "running",
                Map.of("led", 1));
        assertTrue(Json.text(t).contains("\"heap_used_bytes\":10"), Json.text(t));
        ThreadsMessage tm = new ThreadsMessage(1, 1, List.of(new ThreadsMessage.Row(1, "main", 4, 4, "waiting",
                "Lock#1", 5L, 0, null, true)), List.of());
        assertEquals(tm, Json.read(Json.bytes(tm), ThreadsMessage.class));
    }
}
