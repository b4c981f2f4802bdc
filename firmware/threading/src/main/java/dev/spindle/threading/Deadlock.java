package dev.spindle.threading;

/**
 * A cycle in the wait-for graph of Locks: each thread waits for a Lock held by the next one, and
 * the last waits for a Lock held by the first. Found by {@link ThreadRegistry#findDeadlocks()}.
 */
public final class Deadlock {
    private final ThreadInfo[] threads;
    private final String[] locks;

    Deadlock(ThreadInfo[] threads, String[] locks) {
        this.threads = threads;
        this.locks = locks;
    }

    /** The threads of the cycle, starting from the lowest ident. */
    public ThreadInfo[] getThreads() {
        ThreadInfo[] copy = new ThreadInfo[threads.length];
        System.arraycopy(threads, 0, copy, 0, threads.length);
        return copy;
    }

    /** {@code getLocks()[i]} is the Lock that {@code getThreads()[i]} waits for. */
    public String[] getLocks() {
        String[] copy = new String[locks.length];
        System.arraycopy(locks, 0, copy, 0, locks.length);
        return copy;
    }

    /** e.g. {@code worker-1 waits for Lock#2 held by worker-2; worker-2 waits for Lock#1 held by worker-1}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < threads.length; i++) {
            if (i > 0) {
                b.append("; ");
            }
            b.append(threads[i].getName()).append(" waits for ").append(locks[i]).append(" held by ")
                    .append(threads[(i + 1) % threads.length].getName());
        }
        return b.toString();
    }
}
