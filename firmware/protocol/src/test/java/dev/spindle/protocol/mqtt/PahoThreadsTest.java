package dev.spindle.protocol.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared pool of Paho's threads: reused, renamed back, never shut down by a client, cancellable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class PahoThreadsTest {
    private static final PahoThreads POOL = PahoThreads.SHARED;

    @Test
    void aThreadServesTheNextTaskAndGetsItsNameBack() throws Exception {
        AtomicReference<Thread> first = new AtomicReference<>();
        POOL.submit(() -> {
            first.set(Thread.currentThread());
            Thread.currentThread().setName("MQTT Rec: test"); // as Paho does
        }).get(10, TimeUnit.SECONDS);
        // the thread goes back to the pool after the task: wait until it took its name back
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.get().getName().startsWith("MQTT") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(first.get().getName().startsWith("mqtt-paho-"), first.get().getName());
        assertTrue(first.get().isDaemon());
        // an idle thread takes the next task (give it a moment to be back waiting for one)
        boolean reused = false;
        for (int i = 0; i < 50 && !reused; i++) {
            AtomicReference<Thread> next = new AtomicReference<>();
            POOL.submit(() -> next.set(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            reused = next.get() == first.get();
            Thread.sleep(20);
        }
        assertTrue(reused, "no task ran on the thread that had become idle");
    }

    @Test
    void aClientCannotShutThePoolDownForTheOthers() throws Exception {
        POOL.shutdown();
        assertTrue(POOL.shutdownNow().isEmpty());
        assertFalse(POOL.isShutdown());
        CountDownLatch ran = new CountDownLatch(1);
        POOL.execute(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
    }

    @Test
    void aCancelNeitherPreventsNorInterruptsATask() throws Exception {
        // cancelled at once, as Paho may when a connection ends while its threads are starting: still runs
        CountDownLatch ran = new CountDownLatch(1);
        Future<?> early = POOL.submit(ran::countDown);
        assertFalse(early.cancel(true));
        assertTrue(ran.await(10, TimeUnit.SECONDS), "a task cancelled before it started never ran");

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Future<?> f = POOL.submit(() -> {
            started.countDown();
            try {
                release.await();
                interrupted.set(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(f.cancel(true));
        release.countDown();
        f.get(10, TimeUnit.SECONDS);
        assertEquals(Boolean.FALSE, interrupted.get(), "Paho stops its threads by their state, not by interrupts");
        assertFalse(f.isCancelled());
    }

    @Test
    void reconnectsReuseThePoolsThreads() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            // a first link makes the threads a connection needs; after it closed they are idle
            try (Link warm = new Link(LinkConfig.builder(broker.url(), "warm").sharedPahoThreads(true).build())) {
                warm.start();
                assertTrue(warm.awaitConnected(30_000));
            }
            int before = POOL.threads();
            for (int i = 0; i < 5; i++) {
                try (Link l = new Link(LinkConfig.builder(broker.url(), "reuse-" + i).sharedPahoThreads(true).build())) {
                    l.start();
                    assertTrue(l.awaitConnected(30_000));
                }
            }
            // one connection at a time: each finds the last one's threads idle (a few more only
            // when a thread of the closed connection was not back in the pool yet)
            assertTrue(POOL.threads() <= before + 4, "threads before " + before + ", after " + POOL.threads());
        }
    }
}
