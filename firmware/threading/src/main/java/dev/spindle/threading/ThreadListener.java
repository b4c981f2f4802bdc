package dev.spindle.threading;

/**
 * Told when a thread started through Spindle begins and ends (the board agent turns these into
 * events). Called on the thread itself, with no Spindle lock held; a listener that throws is
 * ignored for that call.
 */
public interface ThreadListener {
    void threadStarted(ThreadInfo thread);

    /** @param thread its final row; {@link ThreadInfo#getException()} is set when it crashed */
    void threadTerminated(ThreadInfo thread);
}
