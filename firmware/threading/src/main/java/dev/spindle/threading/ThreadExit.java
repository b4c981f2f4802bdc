package dev.spindle.threading;

/**
 * Ends the calling thread silently: the counterpart of the {@code SystemExit} that MicroPython's
 * {@code _thread.exit()} raises. Thrown by {@link dev.spindle.thread.Threads#exit()}; the thread
 * wrapper of every thread started through Spindle swallows it, prints nothing and records no
 * exception. It is an {@link Error} so that ordinary {@code catch (Exception e)} blocks in firmware
 * code do not stop it.
 */
public final class ThreadExit extends Error {
    private static final long serialVersionUID = 1L;

    public ThreadExit() {
        super("thread exit");
    }
}
