package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import org.junit.jupiter.api.Test;

/** The figures the benchmark takes from a {@code spindle deploy --json} summary, and their table rows. */
class DeployProcessTest {
    private static JsonNode summary() throws Exception {
        return Json.MAPPER.readTree("""
                {"rollout":"r1","ok":false,"bundle":{"name":"fleet-app","version":"2.0.0","size":1048000},
                 "boards":[
                  {"board":"a","wave":1,"state":"done","started_ms":1000,"ended_ms":3000},
                  {"board":"b","wave":2,"state":"done","started_ms":3100,"ended_ms":6000},
                  {"board":"c","wave":2,"state":"rolled_back","started_ms":3200,"ended_ms":9100},
                  {"board":"d","wave":3,"state":"skipped","started_ms":0,"ended_ms":9200}]}
                """);
    }

    @Test
    void wavesRunFromTheirFirstStartToTheirLastEnd_andEveryStateIsCounted() throws Exception {
        ObjectNode o = DeployProcess.summarize(summary(), 6, 12_500);
        assertEquals(6, o.path("exitCode").asInt());
        assertEquals(12.5, o.path("wallS").asDouble());
        assertEquals(4, o.path("targeted").asInt());
        assertEquals(2, o.path("succeeded").asInt());
        assertEquals(2, o.path("failed").asInt());
        assertEquals(1, o.path("states").path("rolled_back").asInt());
        assertEquals(1, o.path("states").path("skipped").asInt());
        assertEquals(8.2, o.path("rolloutS").asDouble(), 1e-9); // 1000 .. 9200
        assertEquals(3, o.path("waves").size());
        assertEquals(2.0, o.path("waves").get(0).path("s").asDouble(), 1e-9);
        assertEquals(6.0, o.path("waves").get(1).path("s").asDouble(), 1e-9); // 3100 .. 9100
        assertEquals(2, o.path("waves").get(1).path("boards").asInt());
        assertEquals(-1, o.path("waves").get(2).path("s").asDouble(), 1e-9); // never started
        assertEquals(1048000, o.path("bundleBytes").asLong());
    }

    @Test
    void theTableShowsTheRolloutAgainstTheRawFanOut() throws Exception {
        ObjectNode r = Json.object();
        r.put("boards", 4);
        ObjectNode ro = r.putObject("rollout");
        ro.put("waves", "1,10%,100%").put("parallel", 32);
        ObjectNode all = DeployProcess.summarize(summary(), 6, 12_500);
        all.putObject("raw").put("s", 4.1).put("brokerBytesNet", 2L << 20);
        all.put("timeRatio", 2.0).put("bytesRatio", 1.5).put("brokerBytesNet", 3L << 20).put("payloadBytes", 4L << 20);
        ro.set("all", all);
        String t = FleetBenchDoc.table(r);
        assertTrue(t.contains("to 4 boards (the fleet), waves 1,10%,100%, 32 in parallel: boards done / failed | 2 / 2 (exit 6)"
                + " | all done | **no** |"), t);
        assertTrue(t.contains("8.2 s (tool's wall time 12.5 s); 1: 2.0 s, 2: 6.0 s, 1: -1.0 s"), t);
        assertTrue(t.contains("4.10 s; **2.0x**"), t);
        assertTrue(t.contains("3.0 MiB; 2.0 MiB; **1.50x** (payload 4.0 MiB)"), t);
        assertTrue(!t.contains("to 100 boards"), t); // no small rollout in this result
    }
}
