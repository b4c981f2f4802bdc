package dev.spindle.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A reply: {@code {"v":1,"id":…,"ok":true,…result}} or
 * {@code {"v":1,"id":…,"ok":false,"error":{"code":…,"message":…}}}. Exactly one per request id.
 *
 * @param id      the request id (null when the request had none readable)
 * @param ok      success
 * @param body    the whole reply object (result fields are its other fields)
 */
public record Reply(String id, boolean ok, ObjectNode body) {

    public static ObjectNode ok(String id, ObjectNode result) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        o.put("ok", true);
        if (result != null) {
            result.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("id") && !e.getKey().equals("ok") && !e.getKey().equals("v")) {
                    o.set(e.getKey(), e.getValue());
                }
            });
        }
        return o;
    }

    public static ObjectNode error(String id, ErrorCode code, String message) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        o.put("ok", false);
        ObjectNode e = o.putObject("error");
        e.put("code", code.wireName());
        e.put("message", message);
        return o;
    }

    /** Reads a reply (host side). */
    public static Reply parse(byte[] payload) throws ProtocolException {
        JsonNode n = Json.tree(payload);
        if (!n.isObject() || !n.path("ok").isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "not a reply: " + n);
        }
        JsonNode id = n.get("id");
        return new Reply(id == null || id.isNull() ? null : id.asText(), n.get("ok").asBoolean(), (ObjectNode) n);
    }

    public ErrorCode errorCode() {
        return ok ? null : ErrorCode.fromWire(body.path("error").path("code").asText(null));
    }

    public String errorMessage() {
        return ok ? null : body.path("error").path("message").asText("");
    }
}
