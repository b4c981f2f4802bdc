package dev.spindle.bench.hal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A quick run of the benchmark so that `make test` keeps it working; no timing is asserted. */
@Timeout(120)
class HalBenchSmokeTest {
    @Test
    void aQuickRunMeasuresEverySection() throws Exception {
        String all = String.join("\n", new HalBench(true, null).run());
        for (String section : List.of("## GPIO toggle", "## Edge latency", "## Serial through a socat pty pair",
                "115200 baud 8N1", "921600 baud 8N1", "Spindle / Pi4J io.state cost", "Spindle / raw Pi4J")) {
            assertTrue(all.contains(section), "missing " + section + " in\n" + all);
        }
    }
}
