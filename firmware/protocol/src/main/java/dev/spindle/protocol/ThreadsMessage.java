package dev.spindle.protocol;

import java.util.List;

/**
 * {@code spindle/v1/{fleet}/{board}/threads}, retained, QoS 1: the thread table of the Spindle
 * registry, published when it changes (at most once a second) and returned by the
 * {@code threads} command.
 */
public record ThreadsMessage(int v, long ts, List<Row> threads, List<DeadlockRow> deadlocks) {

    /**
     * @param ident              the thread's ident
     * @param name               its name
     * @param priority           Zerynth priority 1..7
     * @param effectivePriority  priority in use now (higher while inheriting)
     * @param state              new, runnable, waiting, timed-waiting, terminated
     * @param waitingOn          what it waits on ({@code Lock#3}), or null
     * @param waitingForMs       how long the current wait has lasted, ms; null when not waiting
     * @param stackSize          stack size asked for, bytes (0 = platform default)
     * @param exception          the exception that ended it ({@code class: message}), or null
     * @param spindle            false for threads Spindle did not start (such as {@code main})
     */
    public record Row(long ident, String name, int priority, int effectivePriority, String state, String waitingOn,
            Long waitingForMs, int stackSize, String exception, boolean spindle) {
    }

    /**
     * @param threads names of the threads in the cycle
     * @param locks   {@code locks[i]} is what {@code threads[i]} waits for
     * @param text    one line for humans
     */
    public record DeadlockRow(List<String> threads, List<String> locks, String text) {
    }
}
