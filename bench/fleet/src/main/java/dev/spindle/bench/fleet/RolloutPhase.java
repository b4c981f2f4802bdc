package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.transfer.SenderOptions;
import dev.spindle.tools.sim.SimFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollout phase of {@link FleetRun} (docs/benchmarks.md, "The rollout phase and its raw
 * peer"): the small rollout, then (when asked) the rollout to the whole fleet, each with the real
 * {@code spindle deploy} ({@link DeployProcess}) and followed by the raw fan-out of the same bytes
 * to as many receivers ({@link RawFanout}), with the broker's byte counters ({@link BrokerBytes})
 * around both. Runs on the harness's thread.
 */
final class RolloutPhase {
    private RolloutPhase() {
    }

    /**
     * The rollout phase: the small rollout, then (when asked) the rollout to the whole fleet, each
     * followed by the raw fan-out of the same bytes to as many receivers ({@link RawFanout}).
     * Each rollout's figures go into {@code o} when it ends, so that a failure in the second keeps
     * the first.
     */
    static void run(FleetRun.Config c, String url, SimFleet fleet, Reference ref, RolloutBundle bundles, Path dir,
            ObjectNode o) throws Exception {
        FleetRun.Rollout ro = c.rollout();
        o.put("bundleBytes", ro.bundleBytes()).put("waves", ro.waves()).put("parallel", ro.parallel())
                .put("healthGraceMs", ro.healthGraceMs());
        try (BrokerBytes bytes = new BrokerBytes(url)) {
            List<String> small = new ArrayList<>();
            if (ro.all()) { // fresh boards for the small rollout: the fleet's own get the big one
                fleet.start(c.boards() + 1, c.boards() + ro.smallBoards(), c.startRate());
                FleetRun.check(fleet.awaitAllOnline(FleetRun.HANG_GUARD_MS), "the " + ro.smallBoards()
                        + " boards for the small rollout did not all connect: " + fleet.online() + " of " + fleet.size());
                for (int i = c.boards() + 1; i <= c.boards() + ro.smallBoards(); i++) {
                    small.add(fleet.boardId(i));
                }
            } else {
                for (int i = 1; i <= Math.min(ro.smallBoards(), c.boards()); i++) {
                    small.add(fleet.boardId(i));
                }
            }
            if (!small.isEmpty()) {
                Path b = bundles.signed("1.0.0", ro.bundleBytes(), 1);
                o.set("small", rollout(c, url, b, bundles.trust(), small, ro, bytes, dir.resolve("small"), fleet, ref));
                FleetRun.progress("small rollout: " + o.path("small"));
            }
            if (ro.all()) {
                List<String> all = new ArrayList<>();
                for (int i = 1; i <= c.boards(); i++) {
                    all.add(fleet.boardId(i));
                }
                Path b = bundles.signed("2.0.0", ro.bundleBytes(), 2);
                o.set("all", rollout(c, url, b, bundles.trust(), all, ro, bytes, dir.resolve("all"), fleet, ref));
                FleetRun.progress("rollout to the fleet: " + o.path("all"));
            }
        }
    }

    /**
     * One rollout and its yardstick. Bytes are the broker's own counters (in + out) over the
     * phase, less the fleet's background traffic (telemetry, monitors) at the rate measured just
     * before: {@code net = gross - rate * duration}.
     */
    private static ObjectNode rollout(FleetRun.Config c, String url, Path bundle, Path trust, List<String> boards,
            FleetRun.Rollout ro, BrokerBytes bytes, Path dir, SimFleet fleet, Reference ref) throws Exception {
        awaitFreshTelemetry(c, boards, ref);
        BrokerBytes.Reading b0 = bytes.next();
        Thread.sleep(2000);
        BrokerBytes.Reading b1 = bytes.next();
        double rate = (b1.minus(b0).received() + b1.minus(b0).sent()) / (double) b1.minus(b0).atMs(); // bytes/ms
        BrokerBytes.Reading d0 = bytes.next();
        ObjectNode x = DeployProcess.run(url, FleetRun.FLEET, bundle, trust, boards, fleet.size(), ro.waves(), ro.parallel(), dir,
                FleetRun.HANG_GUARD_MS);
        BrokerBytes.Reading d = bytes.next().minus(d0);
        x.put("brokerBytesIn", d.received()).put("brokerBytesOut", d.sent());
        x.put("brokerBytesNet", Math.round(d.received() + d.sent() - rate * d.atMs()));
        x.put("backgroundBytesPerS", Math.round(rate * 1000));
        byte[] data = Files.readAllBytes(bundle);
        BrokerBytes.Reading r0 = bytes.next();
        RawFanout.Result raw = RawFanout.run(url, data, SenderOptions.defaults().chunkSize(),
                SenderOptions.defaults().window(), boards.size(), ro.parallel(), dir.resolve("raw"));
        BrokerBytes.Reading rd = bytes.next().minus(r0);
        ObjectNode rw = x.putObject("raw");
        rw.put("s", raw.nanos() / 1e9).put("payloadBytes", raw.bytes());
        rw.put("brokerBytesIn", rd.received()).put("brokerBytesOut", rd.sent());
        rw.put("brokerBytesNet", Math.round(rd.received() + rd.sent() - rate * rd.atMs()));
        x.put("payloadBytes", (long) data.length * boards.size());
        x.put("timeRatio", x.path("rolloutS").asDouble() / rw.path("s").asDouble());
        x.put("bytesRatio", x.path("brokerBytesNet").asDouble() / Math.max(1, rw.path("brokerBytesNet").asDouble()));
        return x;
    }

    /**
     * Waits until every target has sent telemetry within the last period, so that
     * {@code spindle deploy} sees them all online: it refuses a named board that is stale (no
     * telemetry for 3 periods), and boards just started on a loaded machine send their first
     * telemetry late (run A of the 1,000-board benchmark stopped there, docs/benchmarks.md).
     */
    private static void awaitFreshTelemetry(FleetRun.Config c, List<String> boards, Reference ref) throws InterruptedException {
        long since = System.currentTimeMillis() - Math.round(c.periodS() * 1000);
        List<String> missing = ref.awaitTelemetry(boards, since, FleetRun.HANG_GUARD_MS);
        FleetRun.check(missing.isEmpty(), missing.size() + " of the " + boards.size() + " boards of the rollout sent no"
                + " telemetry in " + FleetRun.HANG_GUARD_MS / 1000 + " s, e.g. " + missing.subList(0, Math.min(5, missing.size())));
        FleetRun.progress("all " + boards.size() + " boards of the rollout report telemetry");
    }
}
