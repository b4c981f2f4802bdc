package dev.spindle.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes sure a request id runs at most once: the replies to the last {@code capacity} request
 * ids, and the ids running right now. A repeated id is answered with the same reply instead of
 * running the command again (a tool resends after a timeout; QoS 1 may deliver twice).
 *
 * <h2>Algorithm</h2>
 * Commands run on two threads (quick ones on Paho's receiving thread, the others on the link's
 * worker, see {@link CommandDispatcher}), so "look up, else run, then store" is made atomic by a
 * claim: {@link #claim} looks the id up and, when it is new, marks it running, in one step under
 * the monitor. Only the claimer runs the command; it stores the reply with {@link #complete}
 * (or gives the claim back with {@link #abandon} when the command ended abnormally). A copy of
 * the request that comes while the id is running is not run: its reply topic is parked and
 * returned by {@link #complete}, so the claimer answers it too (once per distinct topic).
 *
 * <p>The monitor of this object guards {@code replies} and {@code running}; nothing is called
 * while holding it.
 */
final class ReplyCache {
    /** At most this many other reply topics are parked per running id (copies from the same tool share one). */
    static final int MAX_PARKED = 8;

    /** What {@link #claim} found. */
    enum Kind {
        /** New id: it is now marked running; the caller runs it and calls {@link #complete} or {@link #abandon}. */
        RUN,
        /** Answered before: send {@link Claim#reply()} again. */
        CACHED,
        /** Running on another thread: this copy's reply topic was parked; nothing to do. */
        RUNNING
    }

    /** @param reply the stored reply when {@link Kind#CACHED}, else null */
    record Claim(Kind kind, byte[] reply) {
        static final Claim RUN = new Claim(Kind.RUN, null);
        static final Claim RUNNING = new Claim(Kind.RUNNING, null);
    }

    /** A running id: the runner's reply topic and those of copies that came meanwhile. */
    private record Running(String replyTopic, Set<String> parked) {
    }

    private final Map<String, byte[]> replies; // guarded by this; least recently stored first
    private final Map<String, Running> running = new HashMap<>(); // guarded by this

    ReplyCache(int capacity) {
        replies = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Looks {@code id} up and claims it when new (see the class comment).
     *
     * @param replyTopic where this copy of the request wants its reply
     */
    synchronized Claim claim(String id, String replyTopic) {
        byte[] cached = replies.get(id);
        if (cached != null) {
            return new Claim(Kind.CACHED, cached);
        }
        Running r = running.get(id);
        if (r == null) {
            running.put(id, new Running(replyTopic, new LinkedHashSet<>()));
            return Claim.RUN;
        }
        if (!r.replyTopic().equals(replyTopic) && r.parked().size() < MAX_PARKED) {
            r.parked().add(replyTopic);
        }
        return Claim.RUNNING;
    }

    /**
     * Stores the reply of a claimed id and ends its claim.
     *
     * @return the reply topics of copies that came while it ran (other than the claimer's), to be answered too
     */
    synchronized List<String> complete(String id, byte[] reply) {
        replies.put(id, reply);
        Running r = running.remove(id);
        return r == null || r.parked().isEmpty() ? List.of() : new ArrayList<>(r.parked());
    }

    /** Gives a claim back without a reply (the command ended abnormally): a resent request runs it again. */
    synchronized void abandon(String id) {
        running.remove(id);
    }

    synchronized byte[] get(String id) {
        return replies.get(id);
    }

    synchronized int size() {
        return replies.size();
    }

    synchronized int runningCount() {
        return running.size();
    }
}
