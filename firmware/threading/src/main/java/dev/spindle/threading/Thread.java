package dev.spindle.threading;

/**
 * Zerynth's {@code threading.Thread}: an activity run in its own thread of control. Pass a
 * {@link Runnable} (or a {@link Target} with arguments) to the constructor, or override
 * {@link #run()} in a subclass; then {@link #start(int, int) start} it once.
 *
 * <h2>Life cycle</h2>
 * new ({@link #getIdent()} is -1) -> started ({@link #isAlive()} is true as soon as
 * {@code start} returns, the thread is in the {@link ThreadRegistry}) -> terminated ({@code run}
 * returned or threw; {@link #getExc()} holds what it threw, which is also printed and recorded).
 * A {@code start} refused for a bad argument, or because the VM could not make a thread (or
 * failed to start it in any other way), leaves the object new and startable, with no registry row.
 *
 * <h2>Priorities</h2>
 * Seven priorities, {@link #PRIO_LOWEST} to {@link #PRIO_HIGHEST}. Every Spindle wait queue
 * (Lock, Semaphore, Event, Condition, join) serves the highest priority first; the priority is
 * also passed, through {@link PriorityMap}, to {@code java.lang.Thread.setPriority}.
 *
 * <h2>Cost</h2>
 * A Spindle thread is one object on top of the {@code java.lang.Thread} that carries it: this
 * object is also the thread's registry row and the gate {@link #join} waits at (its monitor
 * guards that gate; Spindle holds it only for a few field updates, so code that synchronizes on a
 * {@code Thread} object, as on a {@code java.lang.Thread}, only delays a start or a join).
 *
 * <h2>Names of this API</h2>
 * Python's {@code is_alive}, {@code name}, {@code ident} and {@code exc} are {@link #isAlive()},
 * {@link #getName()}/{@link #setName(String)}, {@link #getIdent()} and {@link #getExc()}.
 */
public class Thread extends ThreadRecord implements Runnable {
    public static final int PRIO_LOWEST = 1;
    public static final int PRIO_LOWER = 2;
    public static final int PRIO_LOW = 3;
    public static final int PRIO_NORMAL = 4;
    public static final int PRIO_HIGH = 5;
    public static final int PRIO_HIGHER = 6;
    public static final int PRIO_HIGHEST = 7;

    /**
     * Zerynth's default stack size in bytes. It sizes a Zerynth VM thread; on a JVM,
     * {@link #start()} and {@link #start(int)} leave the stack at the platform default and only
     * {@link #start(int, int)} passes a size on.
     */
    public static final int DEFAULT_STACK_SIZE = 512;

    /** A {@link Runnable}, a {@link Target} (then {@link #args} is not null) or null. */
    private final Object target;
    private final Object[] args;

    /** A thread whose {@link #run()} a subclass overrides; named {@code Thread-N}. */
    public Thread() {
        this(Scheduler.newIdent(), null, null, null);
    }

    /** @param target what {@link #run()} calls; null calls nothing */
    public Thread(Runnable target) {
        this(Scheduler.newIdent(), target, null, null);
    }

    /**
     * @param target what {@link #run()} calls; null calls nothing
     * @param name   the thread's name; null makes {@code Thread-N}, N being its ident
     */
    public Thread(Runnable target, String name) {
        this(Scheduler.newIdent(), target, null, name);
    }

    /**
     * Zerynth's {@code Thread(target, name, args)}: {@link #run()} calls {@code target.run(args)}.
     *
     * @param args the arguments; null means none
     */
    public Thread(Target target, String name, Object[] args) {
        this(Scheduler.newIdent(), target, args == null ? new Object[0] : args, name);
    }

    private Thread(long ident, Object target, Object[] args, String name) {
        super(ident, name != null ? name : "Thread-" + ident, PRIO_NORMAL, true);
        this.target = target;
        this.args = args;
    }

    /** Starts the thread at {@link #PRIO_NORMAL} with the platform's default stack. */
    public final void start() {
        start(PRIO_NORMAL);
    }

    /**
     * Starts the thread at {@code prio} with the platform's default stack.
     *
     * @throws IllegalArgumentException if {@code prio} is not 1..7
     * @throws ThreadError if already started, or the VM cannot make another thread
     */
    public final void start(int prio) {
        PriorityMap.checkZerynth(prio);
        launch(prio, 0);
    }

    /**
     * Starts the thread at {@code prio} with a stack of {@code size} bytes. The size is recorded
     * always and applied where the platform can (on a JVM, as a hint rounded up to its minimum).
     *
     * @throws IllegalArgumentException if {@code prio} is not 1..7 or {@code size} is not positive
     * @throws ThreadError if already started, or the VM cannot make another thread
     */
    public final void start(int prio, int size) {
        PriorityMap.checkZerynth(prio);
        if (size <= 0) {
            throw new IllegalArgumentException("stack size must be a positive number of bytes, got " + size);
        }
        launch(prio, size);
    }

    private void launch(int prio, int size) {
        synchronized (this) {
            if (started) {
                throw new ThreadError("threads can only be started once");
            }
            started = true;
        }
        boolean registered = false;
        boolean launched = false;
        try {
            java.lang.Thread t = Platform.get().newCarrier(this, size);
            t.setPriority(PriorityMap.toJava(prio));
            synchronized (Scheduler.LOCK) {
                base = (byte) prio;
                stackSize = size;
            }
            Scheduler.register(this, t);
            registered = true;
            alive = true;
            t.start();
            launched = true;
        } catch (OutOfMemoryError e) {
            throw new ThreadError("can't start new thread: the VM refused (" + e.getMessage()
                    + "); end some threads or give them smaller stacks", e);
        } finally {
            if (!launched) {
                // Whatever the VM threw, the object goes back to new: startable, not alive, no row.
                alive = false;
                if (registered) {
                    Scheduler.unregister(this);
                }
                synchronized (Scheduler.LOCK) {
                    base = PRIO_NORMAL;
                    stackSize = 0;
                }
                synchronized (this) {
                    started = false;
                }
            }
        }
    }

    /**
     * The thread's activity. By default calls the target given to the constructor, if any.
     * Override it in a subclass (and nothing else but the constructor).
     */
    @Override
    public void run() {
        if (args != null) {
            ((Target) target).run(args);
        } else if (target != null) {
            ((Runnable) target).run();
        }
    }

    /** Waits until the thread ends. */
    public final void join() {
        join(Timeouts.FOREVER);
    }

    /**
     * Waits until the thread ends or the time is up; call {@link #isAlive()} after to know which.
     *
     * @param timeoutMs the longest wait in milliseconds; {@code -1} waits forever, {@code 0} only looks
     * @throws ThreadError if the thread was not started, or it is the calling thread
     * @throws IllegalArgumentException a timeout below -1
     */
    public final void join(long timeoutMs) {
        Timeouts.checkMillis(timeoutMs);
        synchronized (this) {
            if (!started) {
                throw new ThreadError("cannot join thread before it is started");
            }
        }
        if (thread == java.lang.Thread.currentThread()) {
            throw new ThreadError("cannot join current thread");
        }
        if (acquire(timeoutMs)) {
            Scheduler.joined(this);
        }
    }

    /** @return true from the return of {@code start} until just after {@code run} ends */
    public final boolean isAlive() {
        return alive;
    }

    public final String getName() {
        return name;
    }

    /** Renames the thread (Python's {@code name} attribute is writable). */
    public final void setName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        this.name = name;
    }

    /** @return the thread's ident (a positive number) once started, -1 before */
    public final long getIdent() {
        synchronized (this) {
            return started ? ident : -1L;
        }
    }

    /** @return the very Throwable that ended {@code run}, or null */
    public final Throwable getExc() {
        return exception;
    }

    /** @return the Zerynth priority the thread was started with ({@link #PRIO_NORMAL} before start) */
    public final int getPriority() {
        synchronized (Scheduler.LOCK) {
            return base;
        }
    }

    /**
     * Prints an exception that ended {@code run}. The default prints
     * {@code Exception in thread <name>:} and the stack trace, as CPython does. Subclasses may
     * change the header; it runs on the dying thread with no Spindle lock held.
     */
    protected void printUncaught(Throwable t) {
        Platform.get().printUncaught("Exception in thread " + getName() + ":", t);
    }

    /** Prints a report through the platform (for subclasses that change the header). */
    protected static void printReport(String header, Throwable t) {
        Platform.get().printUncaught(header, t);
    }

    @Override
    public String toString() {
        long ident = getIdent();
        String status = ident < 0 ? "initial" : alive ? "started " + ident : "stopped " + ident;
        return "<Thread(" + getName() + ", " + status + ")>";
    }

    /** Runs {@link #run()} on the new thread (called by its carrier) and records how it ended. */
    @Override
    final void runBody() {
        Scheduler.fire(Scheduler.info(this), true);
        Throwable failure = null;
        try {
            run();
        } catch (ThreadExit silent) {
            // _thread.exit(): end quietly.
        } catch (Throwable t) {
            failure = t;
        }
        if (failure != null) {
            synchronized (Scheduler.LOCK) {
                exception = failure;
            }
            try {
                printUncaught(failure);
            } catch (Throwable ignored) {
                // A failing report (a broken toString, a closed stream) must not hide the end.
            }
        }
        ThreadInfo last = Scheduler.terminated(this);
        alive = false;
        end();
        Scheduler.fire(last, false);
    }
}
