package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helper: waits, without time limits that could flake, until the registry shows a thread
 * blocked (so tests can line threads up in a queue in a known order).
 */
final class Waiting {
    private Waiting() {
    }

    /** Blocks until the thread with {@code ident} waits on something (gives up after 60 s). */
    static void untilWaiting(long ident) {
        untilWaitingOn(ident, null);
    }

    /** Blocks until the thread waits on a primitive whose description starts with {@code prefix}. */
    static void untilWaitingOn(long ident, String prefix) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (ThreadInfo row : ThreadRegistry.snapshot()) {
                if (row.getIdent() == ident && row.getWaitingOn() != null
                        && (prefix == null || row.getWaitingOn().startsWith(prefix))) {
                    return;
                }
            }
            pause();
        }
        fail("thread " + ident + " never blocked");
    }

    static void pause() {
        try {
            java.lang.Thread.sleep(1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
