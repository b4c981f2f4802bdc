package dev.spindle.bench.threading;

import dev.spindle.threading.Event;
import dev.spindle.threading.Lock;
import dev.spindle.threading.Semaphore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jol.info.GraphLayout;

/**
 * Benchmark 6 (memory). Objects: the retained size of a new, unused primitive (the object and
 * everything it references that was allocated for it), measured with JOL's
 * {@link GraphLayout}, against its JDK peer. Threads: the heap a started, registered Spindle
 * thread costs, as the drop in used heap (after full GCs) over {@code n} threads parked on a
 * latch, against the same for plain {@link java.lang.Thread}s; a Spindle thread is carried by a
 * {@code java.lang.Thread}, so the difference is the Spindle {@code Thread} object (which is also
 * its registry row and join gate), the carrier's link to it and the registry table's slot. Native
 * stacks are outside the heap and left out of both.
 */
final class MemoryHarness {
    static final int TRIES = 5;

    private MemoryHarness() {
    }

    /** @return bytes per object, Spindle's and its peer's, keyed "spindle.X" / "peer.X" */
    static Map<String, Long> objects() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("Lock", GraphLayout.parseInstance(new Lock()).totalSize());
        sizes.put("ReentrantLock", GraphLayout.parseInstance(new ReentrantLock()).totalSize());
        sizes.put("Semaphore", GraphLayout.parseInstance(new Semaphore(1)).totalSize());
        sizes.put("j.u.c.Semaphore", GraphLayout.parseInstance(new java.util.concurrent.Semaphore(1)).totalSize());
        sizes.put("Event", GraphLayout.parseInstance(new Event()).totalSize());
        sizes.put("CountDownLatch", GraphLayout.parseInstance(new CountDownLatch(1)).totalSize());
        return sizes;
    }

    /**
     * @return heap bytes per started thread: {"spindle": .., "java": ..}, each the median of
     *         {@value #TRIES} tries, alternating. The median, not the minimum: a try now and then
     *         reads far too low (a heap delta that some unrelated collection shrank: 127 B and
     *         362 B were seen against a steady 624 B and 528 B), and the minimum would keep it.
     */
    static Map<String, Long> threads(int n) throws InterruptedException {
        long[] spindle = new long[TRIES];
        long[] java = new long[TRIES];
        for (int attempt = 0; attempt < TRIES; attempt++) {
            spindle[attempt] = perThread(n, true);
            java[attempt] = perThread(n, false);
        }
        Arrays.sort(spindle);
        Arrays.sort(java);
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("spindleThread", spindle[TRIES / 2]);
        sizes.put("javaThread", java[TRIES / 2]);
        return sizes;
    }

    private static long perThread(int n, boolean spindle) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(n);
        List<Object> keep = new ArrayList<>(n);
        Runnable body = () -> {
            running.countDown();
            PingPongBench.awaitUninterruptibly(release);
        };
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            if (spindle) {
                dev.spindle.threading.Thread t = new dev.spindle.threading.Thread(body, "mem-" + i);
                t.start();
                keep.add(t);
            } else {
                Thread t = new Thread(body, "mem-" + i);
                t.start();
                keep.add(t);
            }
        }
        running.await();
        long after = usedAfterGc();
        release.countDown();
        for (Object o : keep) {
            if (o instanceof Thread) {
                ((Thread) o).join();
            } else {
                ((dev.spindle.threading.Thread) o).join();
            }
        }
        return Math.max(0, (after - before) / n);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
