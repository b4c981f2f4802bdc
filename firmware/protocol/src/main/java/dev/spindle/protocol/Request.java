package dev.spindle.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * A command request as received on {@code cmd/{name}}: {@code {"v":1,"id":"…","reply":"<topic>",
 * …arguments}}. Argument accessors throw {@link ProtocolException} with {@code bad_request} and a
 * message naming the field, so a command handler states its arguments in one line each.
 *
 * @param command the command name (last topic level)
 * @param id      the request id, 1..{@value Wire#MAX_ID_LENGTH} characters
 * @param reply   the topic the reply goes to
 * @param body    the whole request object (arguments are its other fields; unknown ones are ignored)
 */
public record Request(String command, String id, String reply, ObjectNode body) {

    /** A request that cannot be executed; {@link #id()} and {@link #reply()} are set when they could be read. */
    public static final class Invalid extends ProtocolException {
        private static final long serialVersionUID = 1L;
        private final String id;
        private final String reply;

        public Invalid(ErrorCode code, String message, String id, String reply) {
            super(code, message);
            this.id = id;
            this.reply = reply;
        }

        public String id() {
            return id;
        }

        /** @return the reply topic, or null when none could be read (then nobody can be answered) */
        public String reply() {
            return reply;
        }
    }

    /**
     * Reads a request. Checks, in order: the payload parses as a JSON object; {@code reply} is a
     * usable topic; {@code id} is a string of the right length; the payload is at most
     * {@code maxBytes} (checked after reading id and reply, so that the sender hears why).
     *
     * @throws Invalid with {@code bad_request} or {@code too_large}
     */
    public static Request parse(String command, byte[] payload, int maxBytes) throws Invalid {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw new Invalid(payload.length > maxBytes ? ErrorCode.TOO_LARGE : ErrorCode.BAD_REQUEST,
                    payload.length > maxBytes ? tooLarge(payload.length, maxBytes)
                            : "malformed JSON: " + Json.firstLine(e.getMessage()), null, null);
        }
        if (node == null || !node.isObject()) {
            throw new Invalid(ErrorCode.BAD_REQUEST, "a request must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()), null, null);
        }
        ObjectNode obj = (ObjectNode) node;
        JsonNode replyNode = obj.get("reply");
        String reply = replyNode != null && replyNode.isTextual() && Topics.isValidReplyTopic(replyNode.asText())
                ? replyNode.asText() : null;
        JsonNode idNode = obj.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText() : null;
        if (reply == null) {
            throw new Invalid(ErrorCode.BAD_REQUEST, replyNode == null ? "field 'reply' is missing: give the topic to answer on"
                    : "field 'reply' must be a topic name without wildcards, got " + preview(replyNode), id, null);
        }
        if (id == null || id.isEmpty() || id.length() > Wire.MAX_ID_LENGTH) {
            throw new Invalid(ErrorCode.BAD_REQUEST, idNode == null ? "field 'id' is missing: give a unique request id"
                    : "field 'id' must be a string of 1.." + Wire.MAX_ID_LENGTH + " characters, got " + preview(idNode),
                    null, reply);
        }
        if (payload.length > maxBytes) {
            throw new Invalid(ErrorCode.TOO_LARGE, tooLarge(payload.length, maxBytes), id, reply);
        }
        return new Request(command, id, reply, obj);
    }

    private static String tooLarge(int size, int max) {
        return "request is " + size + " bytes; the board accepts at most " + max;
    }

    private static String preview(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** Builds a request for sending (host side). */
    public static ObjectNode build(String id, String reply, Map<String, ?> args) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        o.put("id", id);
        o.put("reply", reply);
        if (args != null) {
            for (Map.Entry<String, ?> e : args.entrySet()) {
                o.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
            }
        }
        return o;
    }

    public byte[] bytes() {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- arguments -------------------------------------------------------------------------

    public String string(String field) throws ProtocolException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw bad("field '" + field + "' is missing");
        }
        if (!n.isTextual()) {
            throw bad("field '" + field + "' must be a string, got " + preview(n));
        }
        return n.asText();
    }

    public String string(String field, String dflt) throws ProtocolException {
        return has(field) ? string(field) : dflt;
    }

    public long integer(String field, long min, long max) throws ProtocolException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw bad("field '" + field + "' is missing");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad("field '" + field + "' must be an integer, got " + preview(n));
        }
        long v = n.asLong();
        if (v < min || v > max) {
            throw bad("field '" + field + "' must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    public long integer(String field, long min, long max, long dflt) throws ProtocolException {
        return has(field) ? integer(field, min, max) : dflt;
    }

    public boolean bool(String field) throws ProtocolException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw bad("field '" + field + "' is missing");
        }
        if (!n.isBoolean()) {
            throw bad("field '" + field + "' must be true or false, got " + preview(n));
        }
        return n.asBoolean();
    }

    public boolean has(String field) {
        JsonNode n = body.get(field);
        return n != null && !n.isNull();
    }

    /** @return the argument fields (everything but v, id, reply) */
    public ObjectNode args() {
        ObjectNode o = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("v") && !e.getKey().equals("id") && !e.getKey().equals("reply")) {
                o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}
