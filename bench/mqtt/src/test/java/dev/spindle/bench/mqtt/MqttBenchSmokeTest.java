package dev.spindle.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One tiny iteration of every MQTT benchmark: results exist; their values are not judged. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class MqttBenchSmokeTest {
    @Test
    void everyBenchmarkProducesAResult(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mqtt.json");
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nhand-written text\n");
        MqttBenchDoc.update(doc, MqttBench.run(true, out));
        JsonNode r = Json.MAPPER.readTree(out.toFile());
        for (String f : new String[] {"spindleP50Us", "spindleP99Us", "rawPahoP50Us", "rawPahoP99Us", "ratioP50", "ratioP99"}) {
            assertTrue(r.path("roundTrip").path(f).asDouble() > 0, f + " in " + r);
        }
        for (RoundTrip.Side s : RoundTrip.Side.values()) {
            assertTrue(r.path("roundTrip").path("sides").path(s.key).path("p50Us").asDouble() > 0, s.key + " in " + r);
        }
        assertTrue(r.path("roundTrip").path("callerRatioP50").asDouble() > 0, r.toString());
        assertTrue(r.path("roundTrip").path("warmupPerSide").asInt() > 0, r.toString());
        assertTrue(r.path("roundTrip").has("jitSettled") && r.path("roundTrip").has("boardC2CompilesInSamples"), r.toString());
        assertTrue(r.path("roundTrip").path("boardRatioP50").asDouble() > 0, r.toString());
        for (String f : new String[] {"monitorMsgPerS", "mosquittoSubMsgPerS", "ratio", "sharedMsgPerS", "sharedRatio",
                "tlsMonitorMsgPerS", "tlsMosquittoSubMsgPerS", "tlsRatio"}) {
            assertTrue(r.path("ingest").path(f).asDouble() > 0, f + " in " + r);
        }
        assertTrue(r.path("machine").path("uptimeBefore").asText().contains("load"), r.toString());
        String d = Files.readString(doc);
        assertTrue(d.contains("hand-written text") && d.contains(MqttBenchDoc.SECTION.begin()) && d.contains("mosquitto_sub")
                && d.contains(RoundTrip.Side.RPC_TO_RAW.label) && d.contains("Warm-up:") && d.contains("2 sharing monitors"), d);
    }
}
