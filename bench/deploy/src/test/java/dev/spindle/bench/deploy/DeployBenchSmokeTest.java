package dev.spindle.bench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One tiny round of the deploy benchmark: both sides deliver identical bytes; speed is not judged. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class DeployBenchSmokeTest {
    @Test
    void bothStreamsDeliverTheFileAndAResultIsWritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("deploy.json");
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nhand-written text\n");
        DeployBenchDoc.update(doc, DeployBench.run(DeployBench.Config.smokeRun(), out));
        JsonNode r = Json.MAPPER.readTree(out.toFile());
        assertTrue(r.path("bytesVerified").asBoolean(), "each round compared the received files byte for byte: " + r);
        assertEquals(1, r.path("spindleRounds").size());
        assertEquals(1, r.path("rawRounds").size());
        assertTrue(r.path("spindleMiBs").asDouble() > 0 && r.path("rawMiBs").asDouble() > 0, r.toString());
        String d = Files.readString(doc);
        assertTrue(d.contains("hand-written text") && d.contains(DeployBenchDoc.SECTION.begin()) && d.contains("raw Paho"), d);
    }
}
