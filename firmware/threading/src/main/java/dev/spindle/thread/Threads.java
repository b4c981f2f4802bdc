package dev.spindle.thread;

import dev.spindle.threading.Thread;
import dev.spindle.threading.ThreadError;
import dev.spindle.threading.ThreadExit;
import dev.spindle.threading.ThreadRegistry;
import java.util.Hashtable;

/**
 * MicroPython's {@code _thread} module: low-level threads and locks. Timeouts are in seconds.
 * Threads started here are Spindle threads: they appear in the {@link ThreadRegistry}, run at
 * {@link Thread#PRIO_NORMAL}, and take part in priority-ordered wait queues.
 *
 * <table>
 * <caption>Python to Java</caption>
 * <tr><td>{@code start_new_thread(f, args[, kwargs])}</td><td>{@link #startNewThread(Function, Object[], Hashtable)}</td></tr>
 * <tr><td>{@code exit()}</td><td>{@link #exit()}</td></tr>
 * <tr><td>{@code allocate_lock()}</td><td>{@link #allocateLock()}</td></tr>
 * <tr><td>{@code get_ident()}</td><td>{@link #getIdent()}</td></tr>
 * <tr><td>{@code stack_size([size])}</td><td>{@link #stackSize()}, {@link #stackSize(int)}</td></tr>
 * <tr><td>{@code LockType}</td><td>{@link LockType}</td></tr>
 * </table>
 */
public final class Threads {
    /** The smallest non-zero stack size, in bytes, as in the seed. */
    public static final int MIN_STACK_SIZE = 4096;
    /** The largest timeout {@link LockType#acquire(int, double)} takes, in seconds (about 292 years). */
    public static final double TIMEOUT_MAX = Long.MAX_VALUE / 1000.0;

    private static int stackSize; // guarded by Threads.class

    private Threads() {
    }

    /** {@link #startNewThread(Function, Object[], Hashtable)} without keyword arguments. */
    public static long startNewThread(Function function, Object[] args) {
        return startNewThread(function, args, null);
    }

    /**
     * Starts a thread that calls {@code function.call(args, kwargs)} and returns its ident. When
     * the function returns, or calls {@link #exit()}, the thread ends silently; when it throws, the
     * thread prints {@code Unhandled exception in thread started by <function>} and the stack
     * trace, records the exception in the registry, and ends (other threads go on).
     *
     * @param args   the positional arguments (Python's tuple); must not be null, use {@code new Object[0]}
     * @param kwargs keyword arguments, or null for none
     * @return the new thread's ident, the same that {@link #getIdent()} returns in it
     * @throws IllegalArgumentException if {@code function} or {@code args} is null
     * @throws ThreadError if the VM cannot create another thread (MicroPython raises OSError)
     */
    public static long startNewThread(Function function, Object[] args, Hashtable<String, Object> kwargs) {
        if (function == null) {
            throw new IllegalArgumentException("first arg must be callable (a Function), got null");
        }
        if (args == null) {
            throw new IllegalArgumentException("2nd arg must be a tuple (an Object[]); use new Object[0] for none");
        }
        Object[] copy = new Object[args.length];
        System.arraycopy(args, 0, copy, 0, args.length);
        Hashtable<String, Object> kw = new Hashtable<String, Object>();
        if (kwargs != null) {
            for (java.util.Enumeration<String> keys = kwargs.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                kw.put(key, kwargs.get(key));
            }
        }
        FunctionThread t = new FunctionThread(function, copy, kw);
        int size = currentStackSize();
        if (size > 0) {
            t.start(Thread.PRIO_NORMAL, size);
        } else {
            t.start(Thread.PRIO_NORMAL);
        }
        return t.getIdent();
    }

    /**
     * Ends the calling thread silently, as {@code _thread.exit()} (which raises SystemExit). It
     * throws {@link ThreadExit}; do not catch it.
     */
    public static void exit() {
        throw new ThreadExit();
    }

    /** @return a new, unlocked lock */
    public static LockType allocateLock() {
        return new LockType();
    }

    /**
     * @return the calling thread's ident: a non-zero number, the same for the thread's whole life;
     *         threads not started by Spindle (such as main) get one on first call
     */
    public static long getIdent() {
        return ThreadRegistry.current().getIdent();
    }

    /**
     * Sets the stack size back to 0 (the platform default) and returns the previous size, as
     * {@code _thread.stack_size()} does.
     */
    public static synchronized int stackSize() {
        int previous = stackSize;
        stackSize = 0;
        return previous;
    }

    /**
     * Sets the stack size in bytes for threads started later and returns the previous one.
     *
     * @param size 0 for the platform default, or at least {@value #MIN_STACK_SIZE}
     * @throws IllegalArgumentException for any other value (Python's ValueError)
     */
    public static synchronized int stackSize(int size) {
        if (size != 0 && size < MIN_STACK_SIZE) {
            throw new IllegalArgumentException("size not valid: " + size + " bytes (use 0 for the default or at least "
                    + MIN_STACK_SIZE + ")");
        }
        int previous = stackSize;
        stackSize = size;
        return previous;
    }

    /** Reads the current size without resetting it (for starting threads). */
    private static synchronized int currentStackSize() {
        return stackSize;
    }

    /** A Spindle thread that runs a {@code _thread} function and reports crashes as MicroPython does. */
    private static final class FunctionThread extends Thread {
        private final Function function;
        private final Object[] args;
        private final Hashtable<String, Object> kwargs;

        FunctionThread(Function function, Object[] args, Hashtable<String, Object> kwargs) {
            super((Runnable) null, null);
            this.function = function;
            this.args = args;
            this.kwargs = kwargs;
        }

        @Override
        public void run() {
            function.call(args, kwargs);
        }

        @Override
        protected void printUncaught(Throwable t) {
            printReport("Unhandled exception in thread started by " + String.valueOf(function), t);
        }
    }
}
