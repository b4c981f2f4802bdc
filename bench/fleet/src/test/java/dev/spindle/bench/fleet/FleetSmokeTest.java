package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short fleet run of {@code make test}: 100 simulated boards (real agents) through a real
 * Mosquitto, a monitor and two shared monitors, a dashboard, a broker restart, and a small rollout
 * (a signed 64 KiB bundle to the 100 boards in three waves with the real {@code spindle deploy}).
 * Judges counts only (nothing lost by the shared monitors, every board back, every board on the
 * new version), never timings; the timeout is a hang guard.
 */
class FleetSmokeTest {
    @Test
    @Timeout(480) // hang guard: the run takes about 2 min on a loaded 2-core machine
    void hundredBoardsSurviveABrokerRestartWithNothingLost(@TempDir Path dir) throws Exception {
        ObjectNode r = FleetRun.run(new FleetRun.Config(100, 2, 4, 1.0, 0,
                new FleetRun.Rollout(100, false, 64 << 10, "1,10%,100%", 100, 500), true), dir);
        System.out.println("fleet smoke run: " + r);
        assertTrue(r.path("ingest").path("brokerDelivered").asLong() > 0, r.toString());
        assertEquals(0, r.path("ingest").path("monitorLost").asLong(), r.toString());
        assertEquals(0, r.path("ingest").path("sharedLost").asLong(), r.toString());
        assertEquals(0, r.path("ingest").path("sharedDuplicates").asLong(), r.toString());
        assertTrue(r.path("restart").path("reconnects").asInt() >= 100, r.toString());
        // every board queued an event while the broker was down: all reached a persistent subscriber
        assertEquals(100, r.path("restart").path("eventsDelivered").asInt(), r.toString());
        assertEquals(0, r.path("restart").path("eventsLost").asInt(), r.toString());
        assertTrue(r.path("ingestAfterRestart").path("brokerDelivered").asLong() > 0, r.toString());
        // the unshared monitor: counted in the report (restart.monitorBack, monitorLost); seen stuck in
        // Paho's connect after the restart, an open finding of the fleet benchmark (docs/benchmarks.md)
        assertEquals(0, r.path("ingestAfterRestart").path("sharedLost").asLong(), r.toString());
        // the dashboard's fleet stream carried the boards' updates
        assertTrue(r.path("ingest").path("dashboardUpdates").asLong() > 0, r.toString());
        // the small rollout: every board runs the new bundle (the real spindle deploy, exit 0), and
        // the broker carried at least the bundle once per board; the raw fan-out delivered the same
        JsonNode small = r.path("rollout").path("small");
        assertEquals(0, small.path("exitCode").asInt(), small.toString());
        assertEquals(100, small.path("targeted").asInt(), small.toString());
        assertEquals(100, small.path("succeeded").asInt(), small.toString());
        assertEquals(3, small.path("waves").size(), small.toString());
        assertTrue(small.path("brokerBytesIn").asLong() >= small.path("payloadBytes").asLong(), small.toString());
        assertEquals(small.path("payloadBytes").asLong(), small.path("raw").path("payloadBytes").asLong(), small.toString());
    }
}
