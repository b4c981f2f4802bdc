package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;

/**
 * Test helper: waits, without time limits that could flake, until the registry shows a thread
 * blocked (so tests can line threads up in a queue in a known order).
 */
final class Waiting {
    /** The hang guard of every helper here: far above anything a slow machine needs. */
    static final long HANG_GUARD_MS = 60_000;

    private Waiting() {
    }

    /** Blocks until the thread with {@code ident} waits on something (gives up after 60 s). */
    static void untilWaiting(long ident) {
        untilWaitingOn(ident, null);
    }

    /** Blocks until the thread waits on a primitive whose description starts with {@code prefix}. */
    static void untilWaitingOn(long ident, String prefix) {
        long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
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

    /** @return the registry row of {@code ident}, or null when it is not in the table */
    static ThreadInfo row(long ident) {
        for (ThreadInfo row : ThreadRegistry.snapshot()) {
            if (row.getIdent() == ident) {
                return row;
            }
        }
        return null;
    }

    /** Blocks until the registry shows the thread in {@code state} (one of ThreadInfo's constants). */
    static ThreadInfo untilState(long ident, int state) {
        long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
        while (System.currentTimeMillis() < deadline) {
            ThreadInfo r = row(ident);
            if (r != null && r.getState() == state) {
                return r;
            }
            pause();
        }
        fail("thread " + ident + " never reached state " + state + ", last row: " + row(ident));
        return null;
    }

    /** Blocks until {@code what} holds (gives up after 60 s). */
    static void until(String description, BooleanSupplier what) {
        long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
        while (System.currentTimeMillis() < deadline) {
            if (what.getAsBoolean()) {
                return;
            }
            pause();
        }
        fail("never happened: " + description);
    }

    /** Joins {@code t} and fails the test with whatever ended its {@code run} abnormally. */
    static void joinClean(Thread t) {
        t.join();
        if (t.getExc() != null) {
            throw new AssertionError("thread " + t.getName() + " failed", t.getExc());
        }
    }

    static void sleep(long ms) {
        try {
            java.lang.Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void pause() {
        try {
            java.lang.Thread.sleep(1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
