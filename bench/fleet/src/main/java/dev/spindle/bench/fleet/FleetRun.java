package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Stats;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.tools.sim.Footprint;
import dev.spindle.tools.sim.SimFleet;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fleet-at-scale run (docs/benchmarks.md, "Fleet at scale"): a Mosquitto of its own, N
 * simulated boards ({@link SimFleet}, real agents) at one telemetry message per period, one
 * unshared {@code spindle monitor --json} and K monitors sharing a subscription group, and the
 * harness's raw subscriber as the yardstick. Phases: ingest window; broker restart (stop,
 * start again on the same port) and the reconnect storm, read from Mosquitto's own log; a second
 * ingest window after the storm; rollouts of a signed bundle with the real {@code spindle deploy}
 * ({@link #rollouts}) against the broker's raw fan-out of the same bytes ({@link RawFanout}). A
 * {@code spindle dashboard} process, when asked for, is read like a browser during the ingest
 * windows ({@link DashboardProcess}). Hang guards only; the caller judges nothing but lost
 * messages and the boards' end states.
 */
final class FleetRun {
    /**
     * @param rollout   the rollout phase, or null for none
     * @param dashboard whether a {@code spindle dashboard} runs and its fleet stream is measured
     */
    record Config(int boards, int sharedMonitors, int windowS, double periodS, double startRate, Rollout rollout,
            boolean dashboard) {
    }

    /**
     * The rollout phase.
     *
     * @param smallBoards   boards of the first rollout: with {@code all}, that many extra boards
     *                      started for it (fresh ones, see {@link FleetApp} on why boards that run
     *                      an app are not deployed to twice in one JVM); without, the first ones of the fleet
     * @param all           then a second rollout (another version) to every board of the fleet
     * @param bundleBytes   size of the signed bundle
     * @param waves         {@code spindle deploy --waves}
     * @param parallel      {@code spindle deploy --parallel}, and the raw fan-out's parallel streams
     * @param healthGraceMs the boards' {@code deploy.health.grace.ms}
     */
    record Rollout(int smallBoards, boolean all, int bundleBytes, String waves, int parallel, long healthGraceMs) {
    }

    static final String FLEET = "bench";
    static final String PREFIX = "sim-";
    static final long HANG_GUARD_MS = 10 * 60_000;

    private FleetRun() {
    }

    static ObjectNode run(Config c, Path dir) throws Exception {
        ObjectNode r = Json.object();
        run(c, dir, r);
        return r;
    }

    /**
     * The run, writing its figures into {@code r} as each phase ends: when a phase fails, {@code r}
     * holds what the phases before it measured (FleetBench still writes those).
     */
    static void run(Config c, Path dir, ObjectNode r) throws Exception {
        r.put("boards", c.boards()).put("periodS", c.periodS()).put("windowS", c.windowS())
                .put("sharedMonitors", c.sharedMonitors());
        int port = freePort();
        MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), port).persistent()
                .logConnections() // the storm is counted from its "New client connected" lines
                .configure("sys_interval 1"); // the broker's byte counters ($SYS/broker/bytes/...) every second
        broker.start();
        RolloutBundle bundles = c.rollout() == null ? null : new RolloutBundle(dir.resolve("bundles"));
        System.clearProperty(FleetApp.STOP_ALL);
        Footprint before = Footprint.now();
        SimFleet fleet = new SimFleet(new SimFleet.Settings(broker.url(), FLEET, PREFIX, c.periodS(),
                Files.createDirectories(dir.resolve("boards")), null, null, 2, bundles == null ? SimFleet.Deploy.NONE
                        : new SimFleet.Deploy(List.of(bundles.trust()), c.rollout().healthGraceMs())));
        List<MonitorProcess> shared = new ArrayList<>();
        MonitorProcess monitor = null;
        DashboardProcess dashboard = null;
        Reference ref = null;
        try {
            long t0 = System.currentTimeMillis();
            fleet.start(1, c.boards(), c.startRate());
            check(fleet.awaitAllOnline(HANG_GUARD_MS), "not every board connected: " + fleet.online() + " of " + c.boards()
                    + "; broker log: " + tail(broker.log()));
            r.put("startS", (System.currentTimeMillis() - t0) / 1000.0);
            progress("all " + c.boards() + " boards online after " + r.path("startS").asDouble() + " s");
            ref = new Reference(broker.url(), FLEET);
            monitor = new MonitorProcess("monitor", broker.url(), FLEET, null, dir.resolve("monitor.err"));
            for (int i = 0; i < c.sharedMonitors(); i++) {
                shared.add(new MonitorProcess("shared-" + i, broker.url(), FLEET, "bench", dir.resolve("shared-" + i + ".err")));
            }
            if (c.dashboard()) {
                dashboard = new DashboardProcess(broker.url(), FLEET, dir.resolve("dashboard"));
            }
            awaitOutput(monitor, dir);
            for (MonitorProcess m : shared) {
                awaitOutput(m, dir);
            }
            Footprint after = Footprint.now();
            ObjectNode mem = r.putObject("memory");
            mem.put("heapKiBPerBoard", (after.heapBytes() - before.heapBytes()) / 1024.0 / c.boards());
            mem.put("rssKiBPerBoard", (after.rssBytes() - before.rssBytes()) / 1024.0 / c.boards());
            mem.put("threadsPerBoard", (after.threads() - before.threads()) / (double) c.boards());
            mem.put("simJvmRssMiB", after.rssBytes() / 1048576.0);
            mem.put("monitorRssMiB", monitor.rssBytes() / 1048576.0);
            if (dashboard != null) {
                mem.put("dashboardRssMiB", dashboard.rssBytes() / 1048576.0);
            }

            progress("monitors running; ingest window of " + c.windowS() + " s");
            r.set("ingest", window(c, ref, monitor, shared, dashboard));
            progress("ingest: " + r.path("ingest") + "; restarting the broker");
            r.set("restart", restart(c, broker, dir.resolve("broker"), fleet));
            long back = System.currentTimeMillis();
            // the monitors are subscribed again before the window; the unshared one was seen stuck in
            // Paho's connect after the restart (its CommsSender.start), recorded, not fatal
            ((ObjectNode) r.get("restart")).put("monitorBack", awaitTelemetrySince(monitor, back, 30_000));
            for (MonitorProcess m : shared) {
                check(awaitTelemetrySince(m, back, 120_000), m.name + " shows no telemetry after the broker restart: "
                        + Files.readString(dir.resolve(m.name + ".err")));
            }
            progress("restart: " + r.path("restart") + "; second ingest window");
            r.set("ingestAfterRestart", window(c, ref, monitor, shared, dashboard));
            mem.put("monitorRssMiBAtEnd", monitor.rssBytes() / 1048576.0);
            if (dashboard != null) {
                mem.put("dashboardRssMiBAtEnd", dashboard.rssBytes() / 1048576.0);
            }
            if (c.rollout() != null) {
                progress("after the restart: " + r.path("ingestAfterRestart") + "; rollouts");
                RolloutPhase.run(c, broker.url(), fleet, ref, bundles, dir.resolve("rollout"), r.putObject("rollout"));
            }
        } finally {
            System.setProperty(FleetApp.STOP_ALL, "true"); // every board's deployed app ends now: fast stops
            if (dashboard != null) {
                dashboard.close();
            }
            for (MonitorProcess m : shared) {
                m.close();
            }
            if (monitor != null) {
                monitor.close();
            }
            if (ref != null) {
                ref.close();
            }
            fleet.close();
            broker.stop();
            System.clearProperty(FleetApp.STOP_ALL);
        }
    }

    /** One ingest window: what the broker delivered (reference) against what the monitors printed. */
    private static ObjectNode window(Config c, Reference ref, MonitorProcess monitor, List<MonitorProcess> shared,
            DashboardProcess dashboard) throws InterruptedException {
        long from = System.currentTimeMillis();
        Thread.sleep(c.windowS() * 1000L);
        long to = System.currentTimeMillis();
        Thread.sleep(5000); // what was published in the window reaches every consumer
        Set<String> expected = new HashSet<>();
        for (Map.Entry<String, Long> e : ref.telemetry.entrySet()) {
            long ts = Long.parseLong(e.getKey().substring(e.getKey().indexOf('|') + 1));
            if (ts >= from && ts < to) {
                expected.add(e.getKey());
            }
        }
        ObjectNode w = Json.object();
        w.put("published", c.boards() * (long) Math.round(c.windowS() / c.periodS()));
        w.put("brokerDelivered", expected.size());
        long lost = 0;
        List<Long> delays = new ArrayList<>();
        for (String k : expected) {
            Long d = monitor.telemetry.get(k);
            if (d == null) {
                lost++;
            } else {
                delays.add(d);
            }
        }
        w.put("monitorLost", lost);
        long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        w.put("delayP50Ms", Stats.percentile(sorted, 0.50));
        w.put("delayP99Ms", Stats.percentile(sorted, 0.99));
        w.put("delayMaxMs", sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        w.put("msgPerS", expected.size() / ((to - from) / 1000.0));
        if (dashboard != null) {
            List<Long> dd = new ArrayList<>();
            for (Map.Entry<String, Long> e : dashboard.updates.entrySet()) {
                long ts = Long.parseLong(e.getKey().substring(e.getKey().indexOf('|') + 1));
                if (ts >= from && ts < to) {
                    dd.add(e.getValue());
                }
            }
            long[] ds = dd.stream().mapToLong(Long::longValue).sorted().toArray();
            w.put("dashboardUpdates", ds.length); // board updates pushed (several messages of a tick make one)
            w.put("dashboardDelayP50Ms", Stats.percentile(ds, 0.50));
            w.put("dashboardDelayP99Ms", Stats.percentile(ds, 0.99));
            w.put("dashboardDelayMaxMs", ds.length == 0 ? -1 : ds[ds.length - 1]);
            if (dashboard.failure() != null) {
                w.put("dashboardStreamEnded", dashboard.failure());
            }
        }
        if (!shared.isEmpty()) {
            long sharedLost = 0;
            long duplicates = 0;
            long[] counts = new long[shared.size()];
            for (String k : expected) {
                int seen = 0;
                for (int i = 0; i < shared.size(); i++) {
                    if (shared.get(i).telemetry.containsKey(k)) {
                        counts[i]++;
                        seen++;
                    }
                }
                sharedLost += seen == 0 ? 1 : 0;
                duplicates += Math.max(0, seen - 1);
            }
            w.put("sharedLost", sharedLost);
            w.put("sharedDuplicates", duplicates);
            w.putPOJO("sharedCounts", counts);
            long max = Arrays.stream(counts).max().orElse(0);
            long min = Arrays.stream(counts).min().orElse(0);
            double mean = Arrays.stream(counts).average().orElse(0);
            w.put("sharedSpread", mean == 0 ? 0 : (max - min) / mean);
        }
        return w;
    }

    /**
     * Stops Mosquitto and starts it again on the same port; waits until every board is connected
     * (a link reports connected only after it resubscribed, docs/protocol.md), and reads the
     * reconnects per second from the broker's log ({@link StormLog}).
     */
    static ObjectNode restart(Config c, MosquittoBroker broker, Path brokerDir, SimFleet fleet) throws Exception {
        Path log = brokerDir.resolve("mosquitto.log"); // the helper's log_dest
        long logBefore = Files.exists(log) ? Files.size(log) : 0;
        String note = "queued while the broker was down";
        int delivered;
        long stopAt;
        long startedAt;
        long allBack;
        try (EventWatch events = new EventWatch(broker.url(), FLEET, note)) {
            stopAt = System.currentTimeMillis();
            broker.stop();
            fleet.noteAll(note); // every board queues one event on disk while it has no broker
            broker.start();
            startedAt = System.currentTimeMillis();
            check(fleet.awaitAllOnline(HANG_GUARD_MS), "after the broker restart only " + fleet.online() + " of "
                    + c.boards() + " boards came back");
            allBack = System.currentTimeMillis();
            delivered = events.await(c.boards(), 30_000);
        }
        byte[] all = Files.readAllBytes(log);
        String after = new String(all, (int) Math.min(logBefore, all.length), (int) (all.length - Math.min(logBefore,
                all.length)), StandardCharsets.UTF_8);
        StormLog storm = StormLog.parse(after, PREFIX);
        int peak = StormLog.peak(storm.accepted());
        ObjectNode o = Json.object();
        o.put("brokerDownMs", startedAt - stopAt);
        o.put("eventsQueuedWhileDown", c.boards());
        o.put("eventsDelivered", delivered);
        o.put("eventsLost", c.boards() - delivered);
        o.put("allBackS", (allBack - startedAt) / 1000.0);
        o.put("reconnects", storm.reconnects());
        // the target is judged on when the boards reached the broker (sockets accepted), what the
        // spread controls; CONNECTs processed are reported next to it (docs/benchmarks.md)
        o.put("peakReconnectsPerS", peak);
        o.put("peakFractionOfFleet", peak / (double) c.boards());
        o.put("secondsWithReconnects", storm.accepted().size());
        o.putPOJO("reconnectsPerSecond", new ArrayList<>(storm.accepted().values()));
        o.put("peakConnectsProcessedPerS", StormLog.peak(storm.connected()));
        o.putPOJO("connectsProcessedPerSecond", new ArrayList<>(storm.connected().values()));
        // the same seconds, from the broker's stop on, for reading next to the boards' side
        o.putPOJO("acceptedFromStop", ConnectSteps.fromSecond(storm.accepted(), stopAt / 1000));
        o.putPOJO("connectsProcessedFromStop", ConnectSteps.fromSecond(storm.connected(), stopAt / 1000));
        o.set("boardSide", ConnectSteps.of(fleet.connectTimings(), stopAt).toJson());
        return o;
    }

    /** @return whether the monitor printed telemetry read after {@code since} within {@code ms} */
    private static boolean awaitTelemetrySince(MonitorProcess m, long since, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (m.lastTelemetryAt <= since) {
            if (!m.process.isAlive() || System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static void awaitOutput(MonitorProcess m, Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (m.telemetry.isEmpty()) {
            check(m.process.isAlive() && System.currentTimeMillis() < deadline, m.name + " shows no telemetry: "
                    + Files.readString(dir.resolve(m.name + ".err")));
            Thread.sleep(50);
        }
    }

    static void progress(String what) {
        System.err.println("bench-fleet: " + what);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
