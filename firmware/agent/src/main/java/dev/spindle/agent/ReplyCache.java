package dev.spindle.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replies to the last {@code capacity} request ids, so that a repeated id is answered with
 * the same reply instead of running the command again (a tool resends after a timeout; QoS 1 may
 * deliver twice).
 */
final class ReplyCache {
    private final Map<String, byte[]> replies; // guarded by this

    ReplyCache(int capacity) {
        replies = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized byte[] get(String id) {
        return replies.get(id);
    }

    synchronized void put(String id, byte[] reply) {
        replies.put(id, reply);
    }

    synchronized int size() {
        return replies.size();
    }
}
