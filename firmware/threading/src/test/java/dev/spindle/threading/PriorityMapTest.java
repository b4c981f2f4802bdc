package dev.spindle.threading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PriorityMap}: the default table, lookups both ways, install/reset and their checks. */
@Timeout(120)
class PriorityMapTest {

    @AfterEach
    void reset() {
        PriorityMap.reset();
    }

    @Test
    void defaultTable() {
        assertArrayEquals(new int[] {1, 2, 4, 5, 6, 8, 10}, PriorityMap.table());
        assertEquals(java.lang.Thread.NORM_PRIORITY, PriorityMap.toJava(Thread.PRIO_NORMAL));
        assertEquals(java.lang.Thread.MIN_PRIORITY, PriorityMap.toJava(Thread.PRIO_LOWEST));
        assertEquals(java.lang.Thread.MAX_PRIORITY, PriorityMap.toJava(Thread.PRIO_HIGHEST));
    }

    @Test
    void toJavaRefusesNonZerynthPriorities() {
        assertThrows(IllegalArgumentException.class, () -> PriorityMap.toJava(0));
        assertThrows(IllegalArgumentException.class, () -> PriorityMap.toJava(8));
    }

    @Test
    void fromJavaIsTheHighestZerynthPriorityAtOrBelow() {
        assertEquals(Thread.PRIO_LOWEST, PriorityMap.fromJava(1));
        assertEquals(Thread.PRIO_LOWER, PriorityMap.fromJava(2));
        assertEquals(Thread.PRIO_LOWER, PriorityMap.fromJava(3));
        assertEquals(Thread.PRIO_NORMAL, PriorityMap.fromJava(5));
        assertEquals(Thread.PRIO_HIGHER, PriorityMap.fromJava(9));
        assertEquals(Thread.PRIO_HIGHEST, PriorityMap.fromJava(10));
        assertEquals(Thread.PRIO_LOWEST, PriorityMap.fromJava(0));
        for (int p = 1; p <= 7; p++) {
            assertEquals(p, PriorityMap.fromJava(PriorityMap.toJava(p)));
        }
    }

    @Test
    void tableIsACopy() {
        int[] t = PriorityMap.table();
        t[0] = 9;
        assertEquals(1, PriorityMap.table()[0]);
    }

    @Test
    void installAndReset() {
        int[] custom = {1, 1, 3, 5, 7, 9, 10};
        PriorityMap.install(custom);
        custom[6] = 1; // the map keeps its own copy
        assertArrayEquals(new int[] {1, 1, 3, 5, 7, 9, 10}, PriorityMap.table());
        assertEquals(9, PriorityMap.toJava(Thread.PRIO_HIGHER));
        AtomicInteger javaPrio = new AtomicInteger();
        Thread t = new Thread(() -> javaPrio.set(java.lang.Thread.currentThread().getPriority()));
        t.start(Thread.PRIO_HIGHER);
        Waiting.joinClean(t);
        assertEquals(9, javaPrio.get(), "threads started later use the new table");
        PriorityMap.reset();
        assertArrayEquals(new int[] {1, 2, 4, 5, 6, 8, 10}, PriorityMap.table());
    }

    @Test
    void installRefusesBadTables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PriorityMap.install(null));
        assertTrue(e.getMessage().contains("7 entries"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PriorityMap.install(new int[6]));
        assertThrows(IllegalArgumentException.class, () -> PriorityMap.install(new int[] {0, 2, 4, 5, 6, 8, 10}));
        assertThrows(IllegalArgumentException.class, () -> PriorityMap.install(new int[] {1, 2, 4, 5, 6, 8, 11}));
        e = assertThrows(IllegalArgumentException.class, () -> PriorityMap.install(new int[] {1, 2, 4, 3, 6, 8, 10}));
        assertTrue(e.getMessage().contains("priority 4"), e.getMessage());
        assertArrayEquals(new int[] {1, 2, 4, 5, 6, 8, 10}, PriorityMap.table(), "a refused table changes nothing");
    }

    @Test
    void runningThreadsKeepTheirJavaPriorityAcrossAnInstallAndABoost() {
        Lock lock = new Lock();
        PriorityInheritanceTest.Holder low = new PriorityInheritanceTest.Holder("keeps", Thread.PRIO_LOW, lock::acquire);
        assertEquals(4, low.javaPriority());
        PriorityMap.install(new int[] {1, 2, 3, 5, 6, 8, 10});
        Thread high = new Thread(() -> {
            lock.acquire();
            lock.release();
        }, "booster");
        high.start(Thread.PRIO_HIGHEST);
        Waiting.untilWaiting(high.getIdent());
        assertEquals(10, low.javaPriority());
        low.run(lock::release);
        Waiting.joinClean(high);
        assertEquals(4, low.javaPriority(), "back to the Java priority it was started with");
        low.stop();
    }
}
