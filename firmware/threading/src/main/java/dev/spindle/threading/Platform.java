package dev.spindle.threading;

/**
 * What differs between a CLDC 8 VM and a full JVM: how a thread with a given stack size is made
 * and how an uncaught exception is printed.
 *
 * <p>Chosen once at class load: when {@code java.lang.ThreadGroup} exists (a full JVM),
 * {@code JdkPlatform} is loaded by name, so its non-CLDC calls are never linked on a CLDC VM;
 * otherwise {@link Cldc} is used. Tests may {@link #install} another one.
 */
abstract class Platform {
    private static volatile Platform current = detect();

    static Platform get() {
        return current;
    }

    /** Replaces the platform (tests: a VM that cannot create threads); null restores detection. */
    static void install(Platform p) {
        current = p == null ? detect() : p;
    }

    /**
     * Makes an unstarted thread.
     *
     * @param stackSize bytes asked for; 0 means the platform default
     */
    abstract java.lang.Thread newThread(Runnable body, String name, int stackSize);

    /**
     * Makes the unstarted thread that runs {@code record}'s body ({@link ThreadRecord#runBody()}).
     * The built-in platforms return a {@link Carrier}; the default, for platforms that only
     * implement {@link #newThread}, wraps the body in a plain Runnable (the registry then finds the
     * record through its map instead).
     */
    java.lang.Thread newCarrier(ThreadRecord record, int stackSize) {
        return newThread(new Body(record), record.name, stackSize);
    }

    /** Prints {@code header} and the stack trace of {@code t} to {@code System.err}. */
    abstract void printUncaught(String header, Throwable t);

    /** @return whether {@link #newThread} applies a stack size (else it is only recorded) */
    abstract boolean appliesStackSize();

    private static Platform detect() {
        try {
            Class.forName("java.lang.ThreadGroup");
            return (Platform) Class.forName("dev.spindle.threading.JdkPlatform").newInstance();
        } catch (Exception e) {
            return new Cldc();
        } catch (NoClassDefFoundError e) {
            return new Cldc();
        }
    }

    /** Runs a record's body on a thread that is not a {@link Carrier}. */
    private static final class Body implements Runnable {
        private final ThreadRecord record;

        Body(ThreadRecord record) {
            this.record = record;
        }

        @Override
        public void run() {
            record.runBody();
        }
    }

    /** CLDC 8: stack sizes are recorded only; traces go through {@code printStackTrace()}. */
    static final class Cldc extends Platform {
        @Override
        java.lang.Thread newCarrier(ThreadRecord record, int stackSize) {
            return new CldcCarrier(record);
        }

        @Override
        java.lang.Thread newThread(Runnable body, String name, int stackSize) {
            return new java.lang.Thread(body, name);
        }

        @Override
        void printUncaught(String header, Throwable t) {
            System.err.println(header);
            t.printStackTrace();
        }

        @Override
        boolean appliesStackSize() {
            return false;
        }
    }

    /** A CLDC thread that runs a Spindle thread's body and leads to its record. */
    static final class CldcCarrier extends java.lang.Thread implements Carrier {
        private final ThreadRecord record;

        CldcCarrier(ThreadRecord record) {
            super(record.name);
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
