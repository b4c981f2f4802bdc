package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessProbeTest {
    @Test
    void manyAgentsInOneJvmShareOneReadingPerInterval() throws InterruptedException {
        ProcessProbe.sample();
        long readsBefore = ProcessProbe.reads();
        long t0 = System.nanoTime();
        List<Thread> agents = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    ProcessProbe.sample();
                }
            });
            agents.add(t);
            t.start();
        }
        for (Thread t : agents) {
            t.join();
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        long reads = ProcessProbe.reads() - readsBefore;
        // 4,000 calls: at most one real reading per interval that passed (plus the one at the start)
        assertTrue(reads <= 1 + elapsedMs / ProcessProbe.MIN_INTERVAL_MS,
                reads + " readings of the process in " + elapsedMs + " ms");
    }

    @Test
    void aCachedSampleIsReturnedAsIsAndAFreshOneHasACpuShare() throws InterruptedException {
        ProcessProbe.sample();
        long reads = ProcessProbe.reads();
        ProcessProbe.Sample a = ProcessProbe.sample();
        ProcessProbe.Sample b = ProcessProbe.sample();
        if (ProcessProbe.reads() == reads) {
            assertSame(a, b);
        }
        Thread.sleep(ProcessProbe.MIN_INTERVAL_MS + 50);
        ProcessProbe.Sample fresh = ProcessProbe.sample();
        assertTrue(ProcessProbe.reads() > reads);
        assertNotNull(fresh.cpuLoad(), "HotSpot on Linux reports the process CPU time");
        assertTrue(fresh.cpuLoad() >= 0 && fresh.cpuLoad() <= 1, "share " + fresh.cpuLoad());
    }
}
