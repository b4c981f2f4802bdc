package dev.spindle.thread;

import java.util.Hashtable;

/**
 * The function a {@code _thread} thread runs: {@code function(*args, **kwargs)} in Python.
 */
public interface Function {
    /**
     * @param args   the positional arguments given to {@link Threads#startNewThread}, never null
     * @param kwargs the keyword arguments, never null (empty when none were given)
     */
    void call(Object[] args, Hashtable<String, Object> kwargs);
}
