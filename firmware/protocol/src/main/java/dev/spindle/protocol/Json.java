package dev.spindle.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration of the protocol: snake_case field names, nulls left out, unknown
 * fields ignored (a newer board may add fields; an older tool must still read it).
 */
public final class Json {
    /** Thread-safe once configured (Jackson's contract); shared by everything. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    public static byte[] bytes(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static String text(Object message) {
        try {
            return MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads a message record; throws {@link ProtocolException} with {@code bad_request} when it does not fit. */
    public static <T> T read(byte[] payload, Class<T> type) throws ProtocolException {
        try {
            return MAPPER.readValue(payload, type);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "not a valid " + type.getSimpleName() + " message: " + firstLine(e.getMessage()), e);
        }
    }

    public static JsonNode tree(byte[] payload) throws ProtocolException {
        try {
            return MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + firstLine(e.getMessage()), e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
