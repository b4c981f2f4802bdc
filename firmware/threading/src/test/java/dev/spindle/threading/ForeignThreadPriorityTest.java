package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A thread Spindle did not start (here a plain java.lang.Thread) that holds a Lock inherits the
 * priority of a waiter, and gets back exactly its own Java priority afterwards, even one the
 * priority map does not use.
 */
class ForeignThreadPriorityTest {
    @Test
    void foreignHolderGetsItsOwnJavaPriorityBackAfterInheritance() throws Exception {
        Lock lock = new Lock();
        int[] javaPriorityAfter = new int[1];
        int[] effectiveWhileBoosted = new int[1];
        Event holding = new Event();
        Event release = new Event();
        java.lang.Thread foreign = new java.lang.Thread(() -> {
            java.lang.Thread.currentThread().setPriority(7); // not in the default map {1,2,4,5,6,8,10}
            lock.acquire();
            holding.set();
            release.await();
            effectiveWhileBoosted[0] = ThreadRegistry.current().getEffectivePriority();
            lock.release();
            javaPriorityAfter[0] = java.lang.Thread.currentThread().getPriority();
        }, "foreign");
        foreign.start();
        holding.await();
        Thread high = new Thread(() -> {
            lock.acquire();
            lock.release();
        }, "high");
        high.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaiting(high.getIdent());
        release.set();
        foreign.join();
        high.join();
        assertEquals(Thread.PRIO_HIGHEST, effectiveWhileBoosted[0]);
        assertEquals(7, javaPriorityAfter[0]);
    }
}
