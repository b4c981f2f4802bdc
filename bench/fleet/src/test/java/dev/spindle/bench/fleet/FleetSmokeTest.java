package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short fleet run of {@code make test}: 100 simulated boards (real agents) through a real
 * Mosquitto, a monitor and two shared monitors, a broker restart. Judges counts only (nothing
 * lost by the shared monitors, every board back), never timings; the timeout is a hang guard.
 */
class FleetSmokeTest {
    @Test
    @Timeout(300)
    void hundredBoardsSurviveABrokerRestartWithNothingLost(@TempDir Path dir) throws Exception {
        ObjectNode r = FleetRun.run(new FleetRun.Config(100, 2, 4, 1.0, 0), dir);
        System.out.println("fleet smoke run: " + r);
        assertTrue(r.path("ingest").path("brokerDelivered").asLong() > 0, r.toString());
        assertEquals(0, r.path("ingest").path("monitorLost").asLong(), r.toString());
        assertEquals(0, r.path("ingest").path("sharedLost").asLong(), r.toString());
        assertEquals(0, r.path("ingest").path("sharedDuplicates").asLong(), r.toString());
        assertTrue(r.path("restart").path("reconnects").asInt() >= 100, r.toString());
        assertTrue(r.path("ingestAfterRestart").path("brokerDelivered").asLong() > 0, r.toString());
        // the unshared monitor: counted in the report (restart.monitorBack, monitorLost); seen stuck in
        // Paho's connect after the restart, an open finding of the fleet benchmark (docs/benchmarks.md)
        assertEquals(0, r.path("ingestAfterRestart").path("sharedLost").asLong(), r.toString());
    }
}
