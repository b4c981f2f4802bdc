package dev.spindle.protocol.transfer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Wire;
import java.util.Map;

/** The JSON messages of a transfer (docs/protocol.md, "Transfer"): field names in one place. */
final class TransferMessages {
    static final String TYPE_STATE = "state";
    static final String TYPE_ACK = "ack";
    static final String TYPE_COMPLETE = "complete";
    static final String TYPE_ERROR = "error";

    private TransferMessages() {
    }

    static byte[] open(String id, long size, int chunkSize, String name, Map<String, ?> meta, boolean fresh) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        o.put("transfer", id);
        o.put("size", size);
        o.put("chunk_size", chunkSize);
        o.put("sha256", id);
        o.put("name", name);
        if (meta != null && !meta.isEmpty()) {
            o.set("meta", Json.MAPPER.valueToTree(meta));
        }
        if (fresh) {
            o.put("fresh", true);
        }
        return Json.bytes(o);
    }

    static byte[] cancel(String id) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        o.put("transfer", id);
        return Json.bytes(o);
    }

    static byte[] state(StagedTransfer t, boolean verifying) {
        ObjectNode o = base(TYPE_STATE, t.id);
        o.put("size", t.size);
        o.put("chunk_size", t.chunkSize);
        o.put("chunks", t.chunks());
        o.put("held", t.held().held());
        o.put("have", t.held().toBase64());
        if (verifying) {
            o.put("verifying", true);
        }
        return Json.bytes(o);
    }

    static byte[] ack(StagedTransfer t, int[] got, int n) {
        ObjectNode o = base(TYPE_ACK, t.id);
        o.put("next", t.held().firstMissing());
        o.put("held", t.held().held());
        ArrayNode a = o.putArray("got");
        for (int i = 0; i < n; i++) {
            a.add(got[i]);
        }
        return Json.bytes(o);
    }

    static byte[] complete(String id, long size, boolean already) {
        ObjectNode o = base(TYPE_COMPLETE, id);
        if (size >= 0) {
            o.put("size", size);
        }
        if (already) {
            o.put("already", true);
        }
        return Json.bytes(o);
    }

    static byte[] error(String id, TransferError code, String message) {
        ObjectNode o = base(TYPE_ERROR, id);
        ObjectNode e = o.putObject("error");
        e.put("code", code.wireName());
        e.put("message", message);
        return Json.bytes(o);
    }

    private static ObjectNode base(String type, String id) {
        ObjectNode o = Json.object();
        o.put("v", Wire.VERSION);
        o.put("type", type);
        o.put("transfer", id);
        o.put("ts", System.currentTimeMillis());
        return o;
    }
}
