package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Deploys a bundle to one board over MQTT: the real {@link BoardDeployment}.
 *
 * <h2>Per board</h2>
 * <pre>
 * ask deploy.status
 *   runs the bundle already, nothing pending -> done (nothing sent)
 *   busy with the bundle (a resumed rollout)  -> skip the transfer, follow its phase
 *   otherwise -> step transferring; BundleUploader.upload (resumes from the chunks the board holds)
 * follow the board's events until one ends it:
 *   deploy_progress(phase) -> step installing / health_check
 *   deploy_done            -> done(version)
 *   deploy_failed(reason)  -> failed(reason)
 *   rollback(reason)       -> rolled_back(reason)
 * while no event comes, ask deploy.status every poll interval: events can be lost while the host
 * tool was away or the broker restarted; the status says the same (runs the bundle -> done;
 * bundle among the failed -> rolled_back when its history says so, else failed; pending phase -> step).
 * </pre>
 * Events are matched by board and by {@code data.sha256} when the event carries one (an event
 * about another bundle is ignored). The engine enforces the step timeouts and interrupts this
 * call; every wait here is interruptible.
 *
 * <p>One subscription for the whole fleet ({@code spindle/v1/{fleet}/+/events}) serves every
 * board: the handler puts an event into the queue of the board being deployed, if any.
 * Thread-safe: {@code watches} is a concurrent map; each queue is a blocking queue.
 */
public final class MqttBoardDeployment implements BoardDeployment {
    /** The command that reports a board's slots and pending deploy. */
    public static final String STATUS_COMMAND = "deploy.status";

    private final Rpc rpc;
    private final BundleUploader uploader;
    private final long rpcTimeoutMs;
    private final long pollMs;
    private final Map<String, BlockingQueue<EventMessage>> watches = new ConcurrentHashMap<>();
    private volatile boolean force; // set once before the rollout runs

    /**
     * Subscribes to the fleet's events on {@code link} (kept for the link's life).
     *
     * @param rpc        the request/reply client on the same link
     * @param uploader   sends the bundle
     * @param rpcTimeout how long to wait for a {@code deploy.status} reply
     * @param poll       how often to ask {@code deploy.status} while no event comes
     * @throws LinkException when connected but the broker refused the subscription
     */
    public MqttBoardDeployment(Link link, String fleet, Rpc rpc, BundleUploader uploader, Duration rpcTimeout,
            Duration poll) throws LinkException {
        this.rpc = rpc;
        this.uploader = uploader;
        this.rpcTimeoutMs = rpcTimeout.toMillis();
        this.pollMs = poll.toMillis();
        link.subscribe(Topics.fleetFilter(fleet, Topics.EVENTS), Wire.QOS_RELIABLE, this::onEvent);
    }

    /**
     * Installs the bundle even on boards where it failed before ({@code spindle deploy --force}):
     * their failed mark does not end the board's deploy; the events (and the board running the
     * bundle) do.
     */
    public MqttBoardDeployment force(boolean f) {
        this.force = f;
        return this;
    }

    private void onEvent(Inbound m) {
        Topics.Parsed p = Topics.parse(m.topic()).orElse(null);
        if (p == null) {
            return;
        }
        BlockingQueue<EventMessage> q = watches.get(p.board());
        if (q == null) {
            return;
        }
        try {
            EventMessage e = Json.read(m.payload(), EventMessage.class);
            if (DeployEvents.relevant(e.type())) {
                q.offer(e);
            }
        } catch (ProtocolException e) {
            // not an event: a board of another version; the status poll still works
        }
    }

    @Override
    public Outcome deploy(DeployTask task, ProgressListener listener) throws InterruptedException {
        String board = task.board();
        String sha = task.bundle().sha256();
        BlockingQueue<EventMessage> events = new LinkedBlockingQueue<>();
        if (watches.putIfAbsent(board, events) != null) {
            return Outcome.failed("internal error: board " + board + " is already being deployed by this rollout");
        }
        try {
            DeployStatus st = status(board, sha);
            if (st != null && st.runs(sha)) {
                return Outcome.done(st.activeVersion() != null ? st.activeVersion() : task.bundle().version());
            }
            if (!force && st != null && st.failedReason() != null && !st.busyWith(sha)) {
                return Outcome.failed("previously_failed: the board refuses this bundle, it failed there before ("
                        + st.failedReason() + "); fix it and deploy a new build, or use --force (docs/deploy.md)");
            }
            if (st != null && st.busyWith(sha) && DeployEvents.step(st.pendingPhase()) != null
                    && DeployEvents.step(st.pendingPhase()) != BoardState.TRANSFERRING) {
                listener.step(DeployEvents.step(st.pendingPhase()));
            } else {
                listener.step(BoardState.TRANSFERRING);
                try {
                    uploader.upload(board, task.bundle(), listener::transferred, force);
                } catch (BundleUploader.UploadException e) {
                    Outcome fromEvent = drainFinal(events, sha, task, listener);
                    return fromEvent != null ? fromEvent : Outcome.failed(e.reason() + ": " + e.getMessage());
                }
                listener.transferred(task.bundle().size(), task.bundle().size());
            }
            return follow(board, sha, task, events, listener);
        } finally {
            watches.remove(board, events);
        }
    }

    /** Waits for the event (or status) that ends the deploy. */
    private Outcome follow(String board, String sha, DeployTask task, BlockingQueue<EventMessage> events,
            ProgressListener listener) throws InterruptedException {
        while (true) {
            EventMessage e = events.poll(pollMs, TimeUnit.MILLISECONDS);
            if (e != null) {
                Outcome o = apply(e, sha, task, listener);
                if (o != null) {
                    return o;
                }
                continue;
            }
            DeployStatus st = status(board, sha);
            if (st == null) {
                continue;
            }
            if (st.runs(sha)) {
                return Outcome.done(st.activeVersion() != null ? st.activeVersion() : task.bundle().version());
            }
            if (!force && st.failedReason() != null && !st.busyWith(sha)) { // its events were lost or are late
                return st.rolledBack() ? Outcome.rolledBack(st.failedReason(), st.activeVersion())
                        : Outcome.failed(st.failedReason());
            }
            if (st.busyWith(sha)) {
                BoardState step = DeployEvents.step(st.pendingPhase());
                if (step != null) {
                    listener.step(step);
                }
            }
        }
    }

    private Outcome drainFinal(BlockingQueue<EventMessage> events, String sha, DeployTask task,
            ProgressListener listener) {
        for (EventMessage e; (e = events.poll()) != null;) {
            Outcome o = apply(e, sha, task, listener);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    /** @return the outcome an event ends the deploy with, or null (progress, or another bundle's event) */
    static Outcome apply(EventMessage e, String sha, DeployTask task, ProgressListener listener) {
        Map<String, Object> data = e.data() == null ? Map.of() : e.data();
        Object evSha = data.get("sha256");
        if (evSha != null && !sha.equalsIgnoreCase(String.valueOf(evSha))) {
            return null;
        }
        String reason = data.get("reason") == null ? e.message() : String.valueOf(data.get("reason"))
                + (data.get("detail") == null ? "" : ": " + data.get("detail"));
        String version = data.get("version") == null ? null : String.valueOf(data.get("version"));
        switch (e.type()) {
            case DeployEvents.PROGRESS -> {
                BoardState step = DeployEvents.step(data.get("phase") == null ? null : String.valueOf(data.get("phase")));
                if (step != null) {
                    listener.step(step);
                }
                return null;
            }
            case DeployEvents.DONE -> {
                return Outcome.done(version != null ? version : task.bundle().version());
            }
            case DeployEvents.FAILED -> {
                return Outcome.failed(reason == null || reason.isBlank() ? "the board reported deploy_failed" : reason);
            }
            case DeployEvents.ROLLBACK -> {
                return Outcome.rolledBack(reason == null || reason.isBlank() ? "the board rolled back" : reason, version);
            }
            default -> {
                return null;
            }
        }
    }

    /** @return the board's status, or null when it did not answer in time or does not know the command */
    private DeployStatus status(String board, String sha) throws InterruptedException {
        try {
            Reply r = rpc.call(board, STATUS_COMMAND, Map.of(), rpcTimeoutMs);
            if (!r.ok()) {
                return null;
            }
            JsonNode body = r.body();
            return DeployStatus.parse(body, sha);
        } catch (ProtocolException e) {
            return null; // no reply in time: the events or the next poll will tell; the step timeout bounds it
        }
    }
}
