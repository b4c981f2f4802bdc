package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import org.junit.jupiter.api.Test;

/** The generated fleet table: a run that stopped early shows what it measured and nothing it did not. */
class FleetBenchDocTest {
    @Test
    void aRunThatStoppedInTheRolloutKeepsItsEarlierPhasesAndSaysWhy() {
        ObjectNode r = Json.object();
        r.put("boards", 1000).put("periodS", 1.0).put("windowS", 30).put("sharedMonitors", 3);
        r.put("startS", 12.5);
        ObjectNode g = r.putObject("ingest");
        g.put("brokerDelivered", 29_000).put("published", 30_000).put("monitorLost", 0).put("sharedLost", 0);
        ObjectNode s = r.putObject("restart");
        s.put("allBackS", 21.7).put("brokerDownMs", 2700).put("peakReconnectsPerS", 65).put("peakFractionOfFleet", 0.065)
                .put("secondsWithReconnects", 20);
        s.putArray("reconnectsPerSecond").add(40).add(65);
        r.putObject("memory").put("monitorRssMiB", 147.0);
        r.putObject("rollout").put("bundleBytes", 1 << 20);
        r.put("failure", "3 of the 100 boards of the rollout sent no telemetry in 600 s");

        String t = FleetBenchDoc.table(r);

        assertTrue(t.contains("**The run stopped early:** 3 of the 100 boards"), t);
        assertTrue(t.contains("| 12.5 s |"), t);
        assertTrue(t.contains("65 (6.5 %) / - over 20 seconds | at most 10 % of the fleet | yes"), t);
        assertTrue(t.contains("147 / - MiB"), "a figure the run did not reach is a dash: " + t);
        assertFalse(t.contains("after the restart: monitor lost"), "no row for the second window it never ran: " + t);
        assertFalse(t.contains("rollout of a"), "no rollout row without a finished rollout: " + t);
    }

    @Test
    void theStormTargetNeedsBothTheSocketsAndTheConnectsWithinATenth() {
        ObjectNode r = Json.object();
        r.put("boards", 1000);
        ObjectNode s = r.putObject("restart");
        s.put("allBackS", 21.0).put("brokerDownMs", 1800).put("peakReconnectsPerS", 90).put("peakConnectsProcessedPerS", 132)
                .put("secondsWithReconnects", 21);
        s.putArray("acceptedFromStop").add(0).add(90);
        s.putArray("connectsProcessedFromStop").add(0).add(0).add(132);
        ObjectNode bs = s.putObject("boardSide");
        bs.put("connectSentPeakPerS", 131).put("attemptToConnectSentP50Ms", 302).put("attemptToConnectSentP99Ms", 1400);
        bs.putArray("connectSentPerSecond").add(0).add(0).add(131);

        String t = FleetBenchDoc.table(r);

        assertTrue(t.contains("90 (9.0 %) / 132 (13.2 %) over 21 seconds | at most 10 % of the fleet | **no**"), t);
        assertTrue(t.contains("131 (13.1 %); 302 / 1400 ms"), t);
        assertTrue(t.contains("board sockets accepted [0,90]; their CONNECTs processed [0,0,132]; the boards' CONNECTs written [0,0,131]"), t);
        s.put("peakConnectsProcessedPerS", 100);
        assertTrue(FleetBenchDoc.table(r).contains("/ 100 (10.0 %) over 21 seconds | at most 10 % of the fleet | yes"));
    }

    @Test
    void aCompleteRunHasNoFailureLine() {
        ObjectNode r = Json.object();
        r.put("boards", 100).put("startS", 3.0);
        r.putObject("ingestAfterRestart").put("monitorLost", 2).put("sharedLost", 0);
        String t = FleetBenchDoc.table(r);
        assertFalse(t.contains("stopped early"), t);
        assertTrue(t.contains("after the restart: monitor lost; shared lost; p50 / p99 delay | 2; 0;"), t);
        assertTrue(t.contains("| **no** |"), "a lost message misses the target: " + t);
    }
}
