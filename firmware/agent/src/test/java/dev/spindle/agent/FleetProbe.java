package dev.spindle.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.Rpc;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A test's view of a fleet over a real MQTT connection: every message of the fleet, an Rpc, a FleetView. */
final class FleetProbe implements AutoCloseable {
    record Msg(String kind, String board, JsonNode body) {
    }

    final Link link;
    final Rpc rpc;
    final FleetView view = new FleetView();
    private final List<Msg> messages = new ArrayList<>(); // guarded by this

    FleetProbe(String url, String fleet) throws Exception {
        this(url, fleet, LinkConfig.toolClientId("probe"), true);
    }

    /** @param clean false for a persistent session: the broker queues messages while the probe is away */
    FleetProbe(String url, String fleet, String clientId, boolean clean) throws Exception {
        link = new Link(LinkConfig.builder(url, clientId).backoff(50, 500).cleanSession(clean)
                .reconnectSpread(2_000) // a probe needs no fleet-wide pacing after a broker restart
                .build());
        link.subscribe("spindle/v1/" + fleet + "/+/+", 1, m -> {
            view.accept(m, System.currentTimeMillis());
            Topics.Parsed p = Topics.parse(m.topic()).orElseThrow();
            JsonNode body;
            try {
                body = Json.tree(m.payload());
            } catch (ProtocolException e) {
                return;
            }
            synchronized (this) {
                messages.add(new Msg(p.kind(), p.board(), body));
                notifyAll();
            }
        });
        link.start();
        if (!link.awaitConnected(30_000)) {
            throw new AssertionError("probe cannot connect to " + url);
        }
        rpc = new Rpc(link, fleet);
    }

    /** Waits (hang guard 60 s) for a message of {@code kind} matching {@code p}, counting from the first. */
    synchronized Msg await(String kind, Predicate<JsonNode> p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            for (Msg m : messages) {
                if (m.kind().equals(kind) && p.test(m.body())) {
                    return m;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("no " + kind + " message as expected; got " + summary());
            }
            wait(left);
        }
    }

    synchronized List<JsonNode> all(String kind) {
        List<JsonNode> out = new ArrayList<>();
        for (Msg m : messages) {
            if (m.kind().equals(kind)) {
                out.add(m.body());
            }
        }
        return out;
    }

    synchronized void clear() {
        messages.clear();
    }

    private String summary() {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = messages.size() - 1; i >= 0 && shown < 30; i--) {
            Msg m = messages.get(i);
            if (!m.kind().equals("telemetry")) {
                b.append("\n  ").append(m.kind()).append(' ').append(m.body());
                shown++;
            }
        }
        return b.toString();
    }

    /** Waits until {@code cond} holds (hang guard 60 s). */
    static void until(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.lang.Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
