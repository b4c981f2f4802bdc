package dev.spindle.bench.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every threading benchmark once, tiny ({@link BenchConfig#SMOKE}: JMH in this JVM, one
 * warm-up and one measurement iteration of 60 ms, one priority round, 20 latency samples), and
 * checks that each one produced a result and that the table can be generated. The numbers are
 * not judged: timing is never a pass/fail criterion in unit tests.
 */
class BenchSmokeTest {
    private static final String[] JMH_BENCHMARKS = {
        "UncontendedBench.spindleLock", "UncontendedBench.reentrantLock", "UncontendedBench.synchronizedBlock",
        "Contended2.spindleLock", "Contended2.fairReentrantLock", "Contended2.nonFairReentrantLock",
        "Contended4.spindleLock", "Contended4.fairReentrantLock", "Contended4.nonFairReentrantLock",
        "PingPongBench.semaphoreSpindle", "PingPongBench.semaphoreJdk",
        "PingPongBench.eventSpindle", "PingPongBench.eventCountDownLatch", "PingPongBench.eventLockSupport",
        "PingPongBench.conditionSpindle", "PingPongBench.conditionJdk",
        "ThreadStartBench.spindleThread", "ThreadStartBench.javaThread",
    };

    @Test
    void everyBenchmarkProducesAResult(@TempDir Path dir) throws Exception {
        // A benchmark run elsewhere on the machine holds JMH's lock file; a smoke run need not wait for it.
        System.setProperty("jmh.ignoreLock", "true");
        Path json = dir.resolve("threading.json");
        JsonNode results = BenchMain.run(BenchConfig.SMOKE, json);

        assertTrue(Files.size(json) > 0, "JSON written");
        for (String name : JMH_BENCHMARKS) {
            double score = BenchmarksDoc.jmh(results, name);
            assertFalse(Double.isNaN(score), name + " produced no JMH result");
        }
        assertEquals(3, results.path("priorityOrder").size(), "priority order: Spindle and two peers");
        for (JsonNode lock : results.path("priorityOrder")) {
            assertEquals(14, lock.path("grants").asInt(), lock + ": one round of 14 grants");
        }
        for (String lock : new String[] {"spindle", "fairReentrantLock"}) {
            for (int n : new int[] {0, 1, 4, 8}) {
                assertTrue(BenchmarksDoc.latency(results, lock, n).path("samples").asInt() > 0,
                        "latency samples for " + lock + " with " + n + " contenders");
            }
        }
        for (String key : new String[] {"Lock", "ReentrantLock", "Semaphore", "j.u.c.Semaphore", "Event",
            "CountDownLatch", "spindleThread", "javaThread"}) {
            assertTrue(results.path("memory").has(key), "memory figure for " + key);
        }

        List<BenchmarksDoc.Row> rows = BenchmarksDoc.rows(results);
        assertEquals(22, rows.size());
        Path doc = dir.resolve("benchmarks.md");
        Files.write(doc, "# Benchmarks\n\nHand-written text stays.\n".getBytes(StandardCharsets.UTF_8));
        BenchmarksDoc.write(results, doc);
        BenchmarksDoc.write(results, doc); // regenerating replaces the section, never duplicates it
        String page = new String(Files.readAllBytes(doc), StandardCharsets.UTF_8);
        assertTrue(page.contains("Hand-written text stays."));
        assertEquals(page.indexOf(BenchmarksDoc.SECTION.begin()), page.lastIndexOf(BenchmarksDoc.SECTION.begin()));
        assertTrue(page.contains("| 1 uncontended acquire+release |"));
    }
}
