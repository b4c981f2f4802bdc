package dev.spindle.tools.deploy;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;

/**
 * Runs a file write so that an interrupt cannot break it. NIO file channels close themselves when
 * the writing thread is interrupted ({@link ClosedByInterruptException}); the engine interrupts
 * board threads to stop them, and a board thread may be writing the rollout file or the audit log
 * at that moment. So: the interrupt flag is cleared, the write runs (again from the start if an
 * interrupt still closed the channel: every action here may run twice, a whole-file replace, or
 * an append whose interruptible part is only taking the lock, before anything is written), and
 * the flag is set again afterwards when any interrupt came.
 */
final class UninterruptibleIo {
    /** A file operation. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    private static final int ATTEMPTS = 5;

    private UninterruptibleIo() {
    }

    static void run(Action action) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int i = 1;; i++) {
                try {
                    action.run();
                    return;
                } catch (ClosedByInterruptException | FileLockInterruptionException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (i == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
