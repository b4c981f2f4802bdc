package dev.spindle.threading;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * The full-JVM side of {@link Platform}. The only class of this module that may use API outside
 * CLDC 8 (the CLDC check exempts it by name): it is loaded by {@code Class.forName} only after
 * {@code java.lang.ThreadGroup} was found, so a CLDC VM never links it.
 */
final class JdkPlatform extends Platform {
    @Override
    java.lang.Thread newThread(Runnable body, String name, int stackSize) {
        if (stackSize > 0) {
            // The JVM treats the size as a hint and rounds it up to its own minimum.
            return new java.lang.Thread(null, body, name, stackSize);
        }
        return new java.lang.Thread(body, name);
    }

    @Override
    java.lang.Thread newCarrier(ThreadRecord record, int stackSize) {
        return new JdkCarrier(record, stackSize);
    }

    /**
     * Formats the whole report first (calling the exception's own {@code toString}, user code,
     * while holding no lock of System.err), then writes it with one call so that reports of
     * threads dying together do not interleave.
     */
    @Override
    void printUncaught(String header, Throwable t) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true);
        out.println(header);
        t.printStackTrace(out);
        out.flush();
        byte[] report = buffer.toByteArray();
        System.err.write(report, 0, report.length);
        System.err.flush();
    }

    @Override
    boolean appliesStackSize() {
        return true;
    }

    /** A thread that runs a Spindle thread's body and leads to its record; 0 = default stack. */
    static final class JdkCarrier extends java.lang.Thread implements Carrier {
        private final ThreadRecord record;

        JdkCarrier(ThreadRecord record, int stackSize) {
            // The JVM treats the size as a hint and rounds it up to its own minimum.
            super(null, null, record.name, stackSize);
            this.record = record;
        }

        @Override
        public ThreadRecord record() {
            return record;
        }

        @Override
        public void run() {
            record.runBody();
        }
    }
}
