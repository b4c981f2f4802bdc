package dev.spindle.bench.threading;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Benchmark 4: priority order under contention. Not JMH: the result is a share, not a time.
 *
 * <p>Each round, the harness thread takes the lock, then starts {@link #PER_PRIORITY} waiters of
 * each of the seven Zerynth priorities in a shuffled order (fixed seed per round, so every lock
 * sees the same arrival order) and waits until each is queued before starting the next. Then it
 * releases; every waiter, once granted, appends its priority to the grant log and releases at
 * once. No thread arrives after the first release, so the highest priority still waiting at each
 * grant is known from the log: a grant is "to the highest" when no later grant in the round has a
 * higher priority.
 *
 * <p>All waiters are Spindle threads started at their priority, for every lock; for the
 * {@code ReentrantLock} peers the priority is just a label the workload carries (HotSpot on Linux
 * ignores Java priorities anyway). Bounded: a round gives up after {@link #ROUND_LIMIT_MS}.
 */
final class PriorityOrderHarness {
    static final int PER_PRIORITY = 2;
    static final long ROUND_LIMIT_MS = 30_000;

    /** Outcome for one lock. */
    static final class Result {
        final String lock;
        final int rounds;
        final int grants;
        final int toHighest;

        Result(String lock, int rounds, int grants, int toHighest) {
            this.lock = lock;
            this.rounds = rounds;
            this.grants = grants;
            this.toHighest = toHighest;
        }

        double share() {
            return grants == 0 ? 0.0 : (double) toHighest / grants;
        }
    }

    private PriorityOrderHarness() {
    }

    static Result run(BenchLock lock, int rounds) {
        int grants = 0;
        int toHighest = 0;
        for (int round = 0; round < rounds; round++) {
            List<Integer> log = round(lock, new Random(4242L + round));
            grants += log.size();
            toHighest += countToHighest(log);
        }
        return new Result(lock.name, rounds, grants, toHighest);
    }

    /** @return the number of grants in {@code log} that went to the highest priority still waiting */
    static int countToHighest(List<Integer> log) {
        int count = 0;
        int maxAfter = 0;
        for (int i = log.size() - 1; i >= 0; i--) {
            int p = log.get(i);
            if (p >= maxAfter) {
                count++;
            }
            maxAfter = Math.max(maxAfter, p);
        }
        return count;
    }

    private static List<Integer> round(BenchLock lock, Random random) {
        List<Integer> arrivals = new ArrayList<>();
        for (int p = dev.spindle.threading.Thread.PRIO_LOWEST; p <= dev.spindle.threading.Thread.PRIO_HIGHEST; p++) {
            for (int k = 0; k < PER_PRIORITY; k++) {
                arrivals.add(p);
            }
        }
        Collections.shuffle(arrivals, random);
        List<Integer> log = Collections.synchronizedList(new ArrayList<>());
        List<dev.spindle.threading.Thread> waiters = new ArrayList<>();
        long deadline = System.currentTimeMillis() + ROUND_LIMIT_MS;
        lock.lock();
        try {
            for (int i = 0; i < arrivals.size(); i++) {
                int prio = arrivals.get(i);
                dev.spindle.threading.Thread t = new dev.spindle.threading.Thread(() -> {
                    lock.lock();
                    try {
                        log.add(prio);
                    } finally {
                        lock.unlock();
                    }
                }, "prio-" + prio + "-" + i);
                t.start(prio);
                waiters.add(t);
                while (!lock.queued(t.getIdent(), i + 1)) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("waiter " + i + " never queued on " + lock.name);
                    }
                    BenchLock.pause();
                }
            }
        } finally {
            lock.unlock();
        }
        for (dev.spindle.threading.Thread t : waiters) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " never got " + lock.name);
            }
        }
        return new ArrayList<>(log);
    }
}
