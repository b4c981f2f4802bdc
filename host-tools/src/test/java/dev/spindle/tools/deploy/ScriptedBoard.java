package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.LinkException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SCRIPTED STAND-IN for the board side of a deploy (fast, and able to hang or misbehave on
 * cue; DeployWithAgentsTest deploys to real agents): a real MQTT client on a real broker that publishes a retained {@code state}, answers
 * {@code deploy.status}, and after {@link #received} publishes the events the docs promise
 * ({@code deploy_progress}, then {@code deploy_done}, {@code deploy_failed} or {@code rollback}).
 * Used to test {@link MqttBoardDeployment} and {@code spindle deploy} against the protocol.
 */
final class ScriptedBoard implements AutoCloseable {
    /** What the board does with a bundle it received. */
    enum Script { SUCCEED, FAIL, ROLL_BACK, SUCCEED_SILENTLY, ROLL_BACK_SILENTLY, HANG }

    final String fleet;
    final String board;
    private final Link link;
    private final String boardType;
    private boolean ready; // guarded by this
    private final AtomicLong seq = new AtomicLong();
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger statusCalls = new AtomicInteger();
    private volatile Script script;
    private volatile String activeSha = "00".repeat(32);
    private volatile String activeVersion = "1.0.0";
    private volatile String pendingSha;
    private volatile String pendingPhase;
    private volatile String rolledBackSha; // ROLL_BACK_SILENTLY: in "failed" and "history" of the status

    ScriptedBoard(String brokerUrl, String fleet, String board, String boardType, Script script) throws Exception {
        this.fleet = fleet;
        this.board = board;
        this.script = script;
        link = new Link(LinkConfig.builder(brokerUrl, board + "-scripted").backoff(50, 500).build());
        link.subscribe(Topics.cmd(fleet, board, MqttBoardDeployment.STATUS_COMMAND), Wire.QOS_RELIABLE, m -> {
            statusCalls.incrementAndGet();
            Request r = Request.parse(MqttBoardDeployment.STATUS_COMMAND, m.payload(), Wire.MAX_REQUEST_BYTES);
            link.publish(r.reply(), Reply.ok(r.id(), status()).toString().getBytes(), Wire.QOS_RELIABLE, false);
        });
        this.boardType = boardType;
        link.start(); // several boards connect at once; ready() waits
    }

    /** Waits for the connection and publishes the retained birth {@code state} (once). */
    synchronized void ready() throws Exception {
        if (ready) {
            return;
        }
        if (!link.awaitConnected(30_000)) {
            throw new IllegalStateException("scripted board cannot connect");
        }
        StateMessage s = new StateMessage(Wire.VERSION, System.currentTimeMillis(), fleet, board, true, null, 1,
                boardType, "0.1.0", "1.0.0", "a", System.currentTimeMillis(), 5);
        link.publish(Topics.state(fleet, board), Json.bytes(s), Wire.QOS_RELIABLE, true);
        ready = true;
    }

    void script(Script s) {
        script = s;
    }

    /** The board already runs this bundle. */
    void runs(String sha, String version) {
        activeSha = sha;
        activeVersion = version;
    }

    /** The board is in the middle of deploying this bundle. */
    void busyWith(String sha, String phase) {
        pendingSha = sha;
        pendingPhase = phase;
    }

    private ObjectNode status() {
        // the shape of DeployController.status() on a real agent
        ObjectNode o = Json.object();
        o.put("active", "a");
        o.put("previous", "b");
        o.put("firmware_name", "app");
        o.put("firmware_version", activeVersion);
        o.put("busy", pendingSha != null);
        ObjectNode slots = o.putObject("slots");
        slots.putObject("a").put("status", "good").put("bundle", "app").put("version", activeVersion)
                .put("sha256", activeSha);
        slots.putObject("b").put("status", "empty");
        if (pendingSha != null) {
            o.putObject("pending").put("op", pendingPhase).put("id", "d-1").put("slot", "b").put("sha256", pendingSha);
        } else {
            o.putNull("pending");
        }
        ArrayNode failed = o.putArray("failed");
        ArrayNode history = o.putArray("history");
        String rb = rolledBackSha;
        if (rb != null) { // as DeployController records an automatic rollback
            failed.addObject().put("sha256", rb).put("bundle", "app").put("version", "1.2.0")
                    .put("reason", "health_check_failed").put("detail", "app exited with 1");
            history.addObject().put("ts", 1).put("id", "d-0").put("outcome", "deployed").put("sha256", rb);
            history.addObject().put("ts", 2).put("id", "d-1").put("outcome", "rolled_back").put("sha256", rb)
                    .put("reason", "health_check_failed");
        }
        return o;
    }

    /** The uploader delivered the bundle: act out the script (on another thread, as a board would). */
    void received(BundleInfo b) {
        received.incrementAndGet();
        Script s = script;
        Thread t = new Thread(() -> {
            try {
                pendingSha = b.sha256();
                pendingPhase = "installing";
                if (s != Script.SUCCEED_SILENTLY && s != Script.ROLL_BACK_SILENTLY) {
                    event(DeployEvents.PROGRESS, Map.of("phase", "installing", "sha256", b.sha256()));
                    // an event about another bundle must be ignored
                    event(DeployEvents.FAILED, Map.of("reason", "other bundle", "sha256", "ff".repeat(32)));
                    event(DeployEvents.PROGRESS, Map.of("phase", "health_check", "sha256", b.sha256()));
                }
                switch (s) {
                    case SUCCEED -> {
                        activate(b);
                        event(DeployEvents.DONE, Map.of("version", b.version(), "sha256", b.sha256()));
                    }
                    case SUCCEED_SILENTLY -> activate(b);
                    case FAIL -> {
                        pendingSha = null;
                        event(DeployEvents.FAILED, Map.of("reason", "untrusted_key", "detail", "signed by key 3f2a",
                                "sha256", b.sha256()));
                    }
                    case ROLL_BACK -> {
                        pendingSha = null;
                        event(DeployEvents.ROLLBACK, Map.of("reason", "health_check_failed", "detail",
                                "app exited with 1", "version", activeVersion, "sha256", b.sha256()));
                    }
                    case ROLL_BACK_SILENTLY -> { // events lost: only deploy.status tells
                        rolledBackSha = b.sha256();
                        pendingSha = null;
                    }
                    case HANG -> {
                    }
                }
            } catch (LinkException e) {
                throw new IllegalStateException(e);
            }
        }, "scripted-" + board);
        t.setDaemon(true);
        t.start();
    }

    private void activate(BundleInfo b) {
        activeSha = b.sha256();
        activeVersion = b.version();
        pendingSha = null;
    }

    private void event(String type, Map<String, Object> data) throws LinkException {
        EventMessage e = new EventMessage(Wire.VERSION, System.currentTimeMillis(), 1, seq.incrementAndGet(), type,
                EventMessage.INFO, type, null, null, new LinkedHashMap<>(data));
        link.publish(Topics.events(fleet, board), Json.bytes(e), Wire.QOS_RELIABLE, false);
    }

    @Override
    public void close() {
        link.close();
    }
}
