package dev.spindle.threading;

/**
 * A thread body that takes the {@code args} given to
 * {@link Thread#Thread(Target, String, Object[])}: Zerynth's {@code Thread(target, name, args)}
 * calls {@code target(*args)}.
 */
public interface Target {
    /** @param args the arguments given to the thread's constructor, never null */
    void run(Object[] args);
}
