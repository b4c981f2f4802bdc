package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a rollout's progress on {@code spindle/v1/{fleet}/_rollout/{id}} (retained, QoS 1) so
 * that every dashboard of the fleet sees it, not only the host that deploys (docs/protocol.md,
 * "Rollout progress"). A {@link RolloutListener} that passes every call on to the view it wraps.
 *
 * <p>Algorithm: the publisher keeps its own copy of the rollout (the engine owns the original),
 * updated by the listener calls; every call that changes it bumps {@code version}. A sender thread
 * ({@code rollout-publisher}) publishes the whole rollout whenever {@code version} is newer than
 * the version it last published, then sleeps {@link #MIN_INTERVAL_MS}: at most a few messages per
 * second, and every state change is in the next message (changes in between are coalesced).
 * Transfer progress only bumps the version, so it rides along. When every board has reached a
 * final state, the listener call that saw it publishes the final message itself and waits for the
 * broker's acknowledgement (so it is retained before {@code spindle deploy} exits), and the sender
 * thread ends. A publish that fails (broker away) is logged and retried with the next message.
 *
 * <p>Locking: {@code lock} guards {@code rollout} (and its boards), {@code transfer},
 * {@code wave}, {@code stopReason}, {@code version}, {@code finished}; {@code sendLock} guards
 * {@code failing} and the writes of {@code sentVersion} (volatile: the sender reads it under {@code lock}).
 * Publishing happens outside {@code lock}; {@code sendLock} serializes publishes so that an older
 * snapshot never overtakes a newer one (taken before {@code lock}, never after).
 */
public final class RolloutPublisher implements RolloutListener {
    private static final System.Logger LOG = System.getLogger(RolloutPublisher.class.getName());
    /** Payload format version. */
    public static final int FORMAT = 1;
    /** Least time between two messages of one rollout. */
    static final long MIN_INTERVAL_MS = 250;

    private final Link link;
    private final String topic;
    private final RolloutListener view;
    private final Object lock = new Object();
    private final Object sendLock = new Object();
    private final RolloutRecord rollout; // guarded by lock
    private final Map<String, RolloutRecord.Board> boards = new LinkedHashMap<>(); // guarded by lock
    private final Map<String, long[]> transfer = new LinkedHashMap<>(); // guarded by lock: {bytes, total}
    private int wave; // guarded by lock
    private String stopReason; // guarded by lock
    private long version = 1; // guarded by lock
    private volatile long sentVersion; // written under sendLock; read under lock by the sender's wait
    private boolean failing; // guarded by sendLock: the last publish failed (log once per outage)
    private boolean finished; // guarded by lock
    private final Thread sender;

    private RolloutPublisher(Link link, RolloutRecord rec, RolloutListener view) {
        this.link = link;
        this.view = view;
        this.rollout = rec.copy();
        this.topic = topic(rec.fleet, rec.id);
        for (RolloutRecord.Board b : rollout.boards) {
            boards.put(b.board, b);
        }
        this.sender = new Thread(this::sendLoop, "rollout-publisher");
        sender.setDaemon(true);
    }

    /**
     * Starts publishing {@code rec} (call before the engine runs: the engine owns {@code rec}
     * afterwards) and returns the listener to give the {@link RolloutEngine}.
     *
     * @param view the user interface the calls are passed on to
     */
    public static RolloutPublisher start(Link link, RolloutRecord rec, RolloutListener view) {
        RolloutPublisher p = new RolloutPublisher(link, rec, view);
        p.sender.start();
        return p;
    }

    /** @return {@code spindle/v1/{fleet}/_rollout/{id}} */
    public static String topic(String fleet, String id) {
        return "spindle/v1/" + Topics.checkId("fleet", fleet) + "/_rollout/" + Topics.checkId("rollout", id);
    }

    /** @return the filter for every rollout of a fleet */
    public static String filter(String fleet) {
        return "spindle/v1/" + Topics.checkId("fleet", fleet) + "/_rollout/+";
    }

    @Override
    public void waveStarted(int w, int waves, List<String> names) {
        synchronized (lock) {
            wave = w;
            changedLocked();
        }
        view.waveStarted(w, waves, names);
    }

    @Override
    public void boardChanged(RolloutRecord.Board board) {
        boolean last;
        synchronized (lock) {
            RolloutRecord.Board b = board.copy();
            boards.put(b.board, b);
            changedLocked();
            last = !finished && boards.values().stream().allMatch(x -> x.state.isFinal());
            if (last) {
                finished = true;
            }
        }
        view.boardChanged(board);
        if (last) {
            sendNow();
            sender.interrupt();
        }
    }

    @Override
    public void transferred(String board, long bytes, long total) {
        synchronized (lock) {
            transfer.put(board, new long[] {bytes, total});
            changedLocked();
        }
        view.transferred(board, bytes, total);
    }

    @Override
    public void stopping(String reason) {
        synchronized (lock) {
            stopReason = reason;
            changedLocked();
        }
        view.stopping(reason);
    }

    /**
     * The engine returned: publishes {@code result} as the final, retained state. Needed when the
     * rollout was stopped (Ctrl-C) with boards not in a final state: without it the topic would
     * keep saying "running". Idempotent; also ends the sender thread.
     */
    public void finish(RolloutRecord result) {
        synchronized (lock) {
            for (RolloutRecord.Board b : result.boards) {
                boards.put(b.board, b.copy());
            }
            if (stopReason == null && !boards.values().stream().allMatch(x -> x.state.isFinal())) {
                stopReason = "stopped before every board finished (spindle deploy --resume " + result.id + ")";
            }
            finished = true;
            changedLocked();
        }
        sendNow();
        sender.interrupt();
    }

    private void changedLocked() {
        version++;
        lock.notifyAll();
    }

    /** @return the message as it would be published now */
    ObjectNode snapshot() {
        synchronized (lock) {
            return payloadLocked();
        }
    }

    private ObjectNode payloadLocked() {
        ObjectNode o = Json.object();
        o.put("v", FORMAT);
        o.put("id", rollout.id);
        o.put("fleet", rollout.fleet);
        boolean anySkipped = boards.values().stream().anyMatch(b -> b.state == BoardState.SKIPPED);
        o.put("status", !finished ? RolloutRecord.RUNNING
                : anySkipped || stopReason != null ? RolloutRecord.STOPPED : RolloutRecord.COMPLETED);
        o.put("finished", finished);
        if (stopReason != null) {
            o.put("stop_reason", stopReason);
        }
        o.put("user", rollout.user);
        o.put("host", rollout.host);
        o.put("created_ms", rollout.createdMs);
        o.put("updated_ms", System.currentTimeMillis());
        ObjectNode bundle = o.putObject("bundle");
        bundle.put("name", rollout.bundle.name);
        bundle.put("version", rollout.bundle.version);
        bundle.put("sha256", rollout.bundle.sha256);
        bundle.put("size", rollout.bundle.size);
        ObjectNode plan = o.putObject("plan");
        plan.put("waves", rollout.plan.waves);
        ArrayNode ends = plan.putArray("wave_ends");
        for (int e : rollout.plan.waveEnds) {
            ends.add(e);
        }
        plan.put("max_failures", rollout.plan.maxFailures);
        plan.put("parallel", rollout.plan.parallel);
        o.put("wave", wave);
        o.put("waves", rollout.plan.waveEnds.length);
        ObjectNode counts = o.putObject("counts");
        for (BoardState s : BoardState.values()) {
            long n = boards.values().stream().filter(b -> b.state == s).count();
            if (n > 0) {
                counts.put(s.wireName(), n);
            }
        }
        ArrayNode list = o.putArray("boards");
        for (RolloutRecord.Board b : boards.values()) {
            ObjectNode x = list.addObject();
            x.put("board", b.board);
            x.put("wave", b.wave);
            x.put("state", b.state.wireName());
            long[] t = transfer.get(b.board);
            if (t != null) {
                x.put("bytes", t[0]);
                x.put("total", t[1]);
            }
            if (b.reason != null) {
                x.put("reason", b.reason);
            }
            if (b.timedOutIn != null) {
                x.put("timed_out_in", b.timedOutIn.wireName());
            }
            if (b.version != null) {
                x.put("version", b.version);
            }
            x.put("attempts", b.attempts);
            if (b.startedMs > 0) {
                x.put("started_ms", b.startedMs);
            }
            if (b.endedMs > 0) {
                x.put("ended_ms", b.endedMs);
            }
        }
        return o;
    }

    private void sendLoop() {
        while (true) {
            synchronized (lock) {
                try {
                    while (!finished && version == sentVersion) {
                        lock.wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (finished) {
                    return;
                }
            }
            boolean ok = sendNow();
            try {
                Thread.sleep(ok ? MIN_INTERVAL_MS : 4 * MIN_INTERVAL_MS);
            } catch (InterruptedException e) {
                return; // finished: the final message was sent by the listener call
            }
        }
    }

    /**
     * Publishes the newest snapshot unless it was published already; waits for the broker's ack.
     *
     * @return false when the publish failed (it is retried by the sender thread)
     */
    private boolean sendNow() {
        synchronized (sendLock) {
            long v;
            byte[] payload;
            synchronized (lock) {
                v = version;
                if (v == sentVersion) {
                    return true;
                }
                payload = payloadLocked().toString().getBytes(StandardCharsets.UTF_8);
            }
            try {
                link.publish(topic, payload, Wire.QOS_RELIABLE, true);
                sentVersion = v;
                failing = false;
                return true;
            } catch (LinkException e) {
                if (!failing) {
                    LOG.log(System.Logger.Level.WARNING, "rollout progress not published on " + topic
                            + " (dashboards do not see it until the broker is back): " + e.getMessage());
                }
                failing = true;
                return false;
            }
        }
    }
}
