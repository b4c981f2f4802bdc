package dev.spindle.bench.threading;

import dev.spindle.threading.Lock;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadRegistry;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock interface the harness workloads ({@link PriorityOrderHarness},
 * {@link LatencyHarness}) drive, so that Spindle and its peers run exactly the same code.
 */
abstract class BenchLock {
    final String name;

    BenchLock(String name) {
        this.name = name;
    }

    abstract void lock();

    abstract void unlock();

    /**
     * Whether the Spindle thread {@code ident} (or, for a JDK lock, the {@code expected}-th
     * waiter) is now queued on this lock.
     */
    abstract boolean queued(long ident, int expected);

    static BenchLock spindle() {
        return new BenchLock("spindle") {
            private final Lock lock = new Lock();
            /** The registry shows a waiter as waiting on e.g. {@code Lock#12}. */
            private final String label = lock.toString().substring(0, lock.toString().indexOf('('));

            @Override
            void lock() {
                lock.acquire();
            }

            @Override
            void unlock() {
                lock.release();
            }

            @Override
            boolean queued(long ident, int expected) {
                for (ThreadInfo row : ThreadRegistry.snapshot()) {
                    if (row.getIdent() == ident) {
                        return label.equals(row.getWaitingOn());
                    }
                }
                return false;
            }
        };
    }

    static BenchLock reentrant(boolean fair) {
        return new BenchLock(fair ? "fairReentrantLock" : "nonFairReentrantLock") {
            private final ReentrantLock lock = new ReentrantLock(fair);

            @Override
            void lock() {
                lock.lock();
            }

            @Override
            void unlock() {
                lock.unlock();
            }

            @Override
            boolean queued(long ident, int expected) {
                return lock.getQueueLength() >= expected;
            }
        };
    }

    /** Sleeps briefly while polling for a state another thread reaches. */
    static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
