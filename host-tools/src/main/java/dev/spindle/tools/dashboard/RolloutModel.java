package dev.spindle.tools.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollouts the dashboard heard of on {@code spindle/v1/{fleet}/_rollout/+} (published by
 * {@code spindle deploy}, docs/protocol.md "Rollout progress"): the newest {@value #KEEP} by
 * creation time, each as its last message. Tracks which rollouts changed since the last
 * {@link #drain}. Thread-safe: every method synchronizes on this.
 */
final class RolloutModel {
    /** Rollouts kept (older ones are dropped). */
    static final int KEEP = 10;
    private static final String PREFIX = "spindle/v1/";

    private final String fleet;
    private final Map<String, ObjectNode> rollouts = new HashMap<>(); // id -> last message
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> dirtyBoards = new HashSet<>();

    RolloutModel(String fleet) {
        this.fleet = fleet;
    }

    /** Takes a message of the rollout topic. @return true when it changed something */
    synchronized boolean accept(String topic, byte[] payload) {
        String prefix = PREFIX + fleet + "/_rollout/";
        if (!topic.startsWith(prefix)) {
            return false;
        }
        String id = topic.substring(prefix.length());
        if (id.isEmpty() || id.contains("/")) {
            return false;
        }
        if (payload.length == 0) { // a cleared retained message
            ObjectNode old = rollouts.remove(id);
            if (old != null) {
                markBoards(old);
                dirty.add(id);
            }
            return old != null;
        }
        ObjectNode o;
        try {
            JsonNode n = Json.MAPPER.readTree(payload);
            if (!(n instanceof ObjectNode) || !n.path("boards").isArray()) {
                return false;
            }
            o = (ObjectNode) n;
        } catch (java.io.IOException | RuntimeException e) {
            return false; // unreadable: ignored
        }
        o.put("id", id); // the topic names it; a payload cannot claim another one
        ObjectNode old = rollouts.put(id, o);
        if (old != null) {
            markBoards(old);
        }
        markBoards(o);
        dirty.add(id);
        while (rollouts.size() > KEEP) {
            String oldest = rollouts.values().stream().min(Comparator.comparingLong(r -> r.path("created_ms").asLong()))
                    .map(r -> r.path("id").asText()).orElseThrow();
            markBoards(rollouts.remove(oldest));
            dirty.add(oldest);
        }
        return true;
    }

    private void markBoards(ObjectNode r) {
        for (JsonNode b : r.path("boards")) {
            dirtyBoards.add(b.path("board").asText());
        }
    }

    /** The changes since the last call: ids of rollouts changed or removed, and boards they touch. */
    record Changes(Set<String> rollouts, Set<String> boards) {
        boolean isEmpty() {
            return rollouts.isEmpty();
        }
    }

    synchronized Changes drain() {
        Changes c = new Changes(new HashSet<>(dirty), new HashSet<>(dirtyBoards));
        dirty.clear();
        dirtyBoards.clear();
        return c;
    }

    /** @return the given rollouts (all when null), newest first; an id no longer known goes to {@code removed} */
    synchronized ObjectNode message(Set<String> ids, long now) {
        ObjectNode o = Json.object();
        o.put("now", now);
        o.put("full", ids == null);
        ArrayNode list = o.putArray("rollouts");
        ArrayNode removed = o.putArray("removed");
        List<ObjectNode> out = new ArrayList<>();
        if (ids == null) {
            out.addAll(rollouts.values());
        } else {
            for (String id : ids) {
                ObjectNode r = rollouts.get(id);
                if (r == null) {
                    removed.add(id);
                } else {
                    out.add(r);
                }
            }
        }
        out.sort(Comparator.comparingLong((ObjectNode r) -> r.path("created_ms").asLong()).reversed());
        out.forEach(list::add);
        return o;
    }

    /**
     * A board's part of every rollout that includes it, newest first: the rollout's id, bundle,
     * status and the board's entry (state, bytes, total, reason…).
     */
    synchronized ArrayNode forBoard(String board) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode r : rollouts.values()) {
            for (JsonNode b : r.path("boards")) {
                if (board.equals(b.path("board").asText())) {
                    ObjectNode x = Json.object();
                    x.put("id", r.path("id").asText());
                    x.set("bundle", r.path("bundle"));
                    x.put("status", r.path("status").asText());
                    x.put("finished", r.path("finished").asBoolean());
                    x.put("created_ms", r.path("created_ms").asLong());
                    x.put("updated_ms", r.path("updated_ms").asLong());
                    x.put("user", r.path("user").asText(""));
                    x.put("host", r.path("host").asText(""));
                    x.set("entry", b);
                    out.add(x);
                    break;
                }
            }
        }
        out.sort(Comparator.comparingLong((ObjectNode r) -> r.path("created_ms").asLong()).reversed());
        ArrayNode a = Json.MAPPER.createArrayNode();
        out.forEach(a::add);
        return a;
    }
}
