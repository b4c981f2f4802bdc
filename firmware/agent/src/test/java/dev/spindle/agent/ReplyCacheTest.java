package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The claim protocol that keeps a request id from running twice. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // hang guard only
class ReplyCacheTest {
    @Test
    void aNewIdIsClaimedOnceCopiesAreParkedThenAnsweredFromTheCache() {
        ReplyCache c = new ReplyCache(4);
        assertEquals(ReplyCache.Kind.RUN, c.claim("a", "r/1").kind());
        assertEquals(ReplyCache.Kind.RUNNING, c.claim("a", "r/1").kind(), "same topic: the runner answers it");
        assertEquals(ReplyCache.Kind.RUNNING, c.claim("a", "r/2").kind());
        assertEquals(ReplyCache.Kind.RUNNING, c.claim("a", "r/2").kind());
        assertEquals(List.of("r/2"), c.complete("a", new byte[] {7}), "each other topic once");
        ReplyCache.Claim again = c.claim("a", "r/3");
        assertEquals(ReplyCache.Kind.CACHED, again.kind());
        assertArrayEquals(new byte[] {7}, again.reply());
        assertEquals(0, c.runningCount());
    }

    @Test
    void anAbandonedClaimLetsAResendRunAndParkedTopicsAreBounded() {
        ReplyCache c = new ReplyCache(4);
        assertEquals(ReplyCache.Kind.RUN, c.claim("b", "r/0").kind());
        for (int i = 1; i <= 3 * ReplyCache.MAX_PARKED; i++) {
            assertEquals(ReplyCache.Kind.RUNNING, c.claim("b", "r/" + i).kind());
        }
        c.abandon("b");
        assertNull(c.get("b"));
        assertEquals(ReplyCache.Kind.RUN, c.claim("b", "r/0").kind());
        assertEquals(ReplyCache.Kind.RUNNING, c.claim("b", "r/x").kind());
        assertEquals(List.of("r/x"), c.complete("b", new byte[] {1}), "parked topics of the abandoned run are gone");
        for (int i = 1; i <= 3 * ReplyCache.MAX_PARKED; i++) {
            c.claim("p", "r/" + i);
        }
        assertEquals(ReplyCache.MAX_PARKED, c.complete("p", new byte[] {2}).size());
    }

    @Test
    void theOldestRepliesGoFirst() {
        ReplyCache c = new ReplyCache(2);
        for (String id : new String[] {"x", "y", "z"}) {
            c.claim(id, "r");
            c.complete(id, id.getBytes());
        }
        assertEquals(2, c.size());
        assertNull(c.get("x"));
        assertEquals(ReplyCache.Kind.CACHED, c.claim("z", "r").kind());
    }

    @Test
    void threadsRacingForOneIdClaimItExactlyOnce() throws Exception {
        ReplyCache c = new ReplyCache(1000);
        int threads = 8;
        int ids = 500;
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] t = new Thread[threads];
        for (int k = 0; k < threads; k++) {
            t[k] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < ids; i++) {
                    String id = "id-" + i;
                    if (c.claim(id, "r/" + Thread.currentThread().getName()).kind() == ReplyCache.Kind.RUN) {
                        runs.incrementAndGet();
                        c.complete(id, new byte[] {1});
                    }
                }
            }, "racer-" + k);
            t[k].start();
        }
        go.countDown();
        for (Thread x : t) {
            x.join();
        }
        assertEquals(ids, runs.get());
        assertEquals(0, c.runningCount());
    }
}
