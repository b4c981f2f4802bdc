package dev.spindle.protocol.mqtt;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads Paho runs each connection on (its connect, receiver, sender and callback threads),
 * shared by the links in the JVM that ask for it ({@link LinkConfig.Builder#sharedPahoThreads}: the
 * simulator's agents) and reused from one connection to the next.
 *
 * <h2>Why</h2>
 * Without an executor Paho 1.2.5 starts four new threads for every connect and lets three of them
 * end when the connection goes. One board does not notice. A JVM that runs many links (the
 * simulator's 1,000 boards) does: when the broker restarts, 3,000 threads end at once and then
 * 4,000 are created during the reconnect storm. HotSpot creates threads one at a time under a
 * global lock, and each creation waits until the new thread has run; on a loaded machine that
 * took seconds, and the boards' CONNECTs, due evenly over the reconnect spread, were written in a
 * burst once the backlog cleared (a thread dump during the storm: 100 connects in
 * {@code Thread.start0}; bench-fleet under load: 198 of 1,000 CONNECTs in one second with the
 * boards' attempts at most 66 a second). Threads from this pool return to it when their
 * connection ends and serve the next connect without a thread being made.
 *
 * <h2>How</h2>
 * Paho takes a {@code ScheduledExecutorService} but only calls {@code execute} and
 * {@code submit} on it, and {@code Future.cancel(true)} when it stops a thread; that cancel is
 * ignored ({@link RunsToItsEnd} says why). Tasks go to a cached pool: a task is handed to an idle
 * thread when there is one (a {@link SynchronousQueue} hand-off), else a new thread is made; threads idle for {@value #IDLE_S} s end, so a JVM whose connections
 * are steady keeps only the threads it uses. Paho's threads block for the life of their connection
 * (a socket read, a queue wait), so the pool is unbounded, like Paho's own thread per task.
 * Scheduled tasks (Paho 1.2.5 schedules none here) run on this class's one core thread.
 *
 * <p>The pool belongs to the JVM: {@code shutdown} and {@code shutdownNow} are refused, so no
 * client can stop the threads of the others (Paho 1.2.5 has its call to shut its executor down
 * commented out; a later version may not). Threads are daemons and are named
 * {@code mqtt-paho-N}; Paho renames a thread while it runs its task, and the name is set back
 * when the task ends.
 */
final class PahoThreads extends ScheduledThreadPoolExecutor {
    static final int IDLE_S = 60;

    /** Numbers the pool's threads; declared before {@link #SHARED}, whose threads use it. */
    private static final AtomicInteger NUMBER = new AtomicInteger();

    /** The pool the links that ask for it ({@link LinkConfig.Builder#sharedPahoThreads}) give their Paho clients. */
    static final PahoThreads SHARED = new PahoThreads();

    private final ThreadPoolExecutor cached;

    private PahoThreads() {
        super(1, daemons("mqtt-paho-scheduler"));
        cached = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_S, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons("mqtt-paho")) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                if (Thread.currentThread() instanceof Pooled p) {
                    p.setName(p.poolName); // Paho named it after its task ("MQTT Rec: board-1")
                }
            }
        };
    }

    /** A pool thread, with the name it goes back to between tasks. */
    private static final class Pooled extends Thread {
        final String poolName;

        Pooled(Runnable r, String name) {
            super(r, name);
            this.poolName = name;
            setDaemon(true);
        }
    }

    private static ThreadFactory daemons(String prefix) {
        return r -> new Pooled(r, prefix + "-" + NUMBER.incrementAndGet());
    }

    /** How many threads the pool holds now, busy or idle. */
    int threads() {
        return cached.getPoolSize();
    }

    @Override
    public void execute(Runnable command) {
        cached.execute(command);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        RunsToItsEnd<T> f = new RunsToItsEnd<>(Executors.callable(task, result));
        cached.execute(f);
        return f;
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        RunsToItsEnd<T> f = new RunsToItsEnd<>(task);
        cached.execute(f);
        return f;
    }

    /**
     * A submitted task whose {@code cancel} does nothing: it runs, and runs to its end. Paho stops
     * its threads by their state and waits until they report stopped; it also cancels their
     * futures, and a cancel that lands before the task ran means the task never runs, never
     * reports running, and the connect that waits for it polls forever. Without an executor
     * Paho's threads are never cancelled or interrupted; this keeps that behaviour.
     */
    private static final class RunsToItsEnd<T> extends FutureTask<T> {
        RunsToItsEnd(Callable<T> task) {
            super(task);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }
    }

    /** Refused: the pool serves every link in the JVM (see the class comment). */
    @Override
    public void shutdown() {
        // every client shares the pool: one client's close must not stop the others' threads
    }

    /** Refused, as {@link #shutdown()}; returns no tasks. */
    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }
}
