package dev.spindle.agent;

import dev.spindle.hal.App;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.hal.HealthCheck;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Runs the installed firmware app on a Spindle thread named {@code app-main}, so the app, like its
 * own threads, is in the thread registry. Two kinds of main class:
 * <ul>
 * <li>a {@link App} (public no-argument constructor): a new instance per run gets
 *     {@link App#start(FirmwareContext)} with the board, and {@link App#stop()} to stop;</li>
 * <li>a class with {@code public static void main(String[])} (no board), optionally
 *     {@code public static void stop()}.</li>
 * </ul>
 *
 * <h2>Life cycle</h2>
 * <pre>
 * none --start--> running --(no live Spindle thread left)--> stopped (app_stopped "returned")
 *                         --(main threw)--------------------> failed  (app_failed)
 *                         --stop(reason)--------------------> stopped (app_stopped reason)
 * </pre>
 * The app counts as running while any thread Spindle started is alive (a main that starts its
 * threads and returns is normal). {@link #poll()} notices the end; the agent calls it every
 * second.
 *
 * <p>Stopping: {@link App#stop()}, or the main class's {@code public static void stop()} when it
 * has one, is called (the app's way to end its threads); then {@code app-main} is interrupted, and the runner waits up to the
 * timeout for every Spindle thread to end. An app without {@code stop()} whose threads ignore
 * interrupts cannot be stopped: {@link #stop} then says so and the app keeps running.
 */
final class AppRunner {
    interface Listener {
        void appStarted(String main);

        /** @param reason {@code returned}, {@code restart}, {@code agent_stop}, or {@code failed} with {@code failure} */
        void appEnded(String main, String reason, Throwable failure);
    }

    static final String NONE = "none";
    static final String RUNNING = "running";
    static final String STOPPED = "stopped";
    static final String FAILED = "failed";

    private final String mainClass;
    private final String[] args;
    private final ClassLoader loader;
    private final Listener listener;
    private final FirmwareContext context;

    private App instance; // guarded by this; the App of the current run, null for a static main
    private dev.spindle.threading.Thread main; // guarded by this
    private java.lang.Thread carrier; // guarded by this; the JVM thread running main, while it runs
    private String state = NONE; // guarded by this
    private String stopReason; // guarded by this; set by stop(), reported when the app ends
    private boolean reported; // guarded by this; the end of the current run was reported
    private boolean startedUp; // guarded by this; App.start returned normally, or a static main began

    /**
     * @param loader  loads the main class: the agent's own loader for the factory firmware
     *                ({@code app.main}), a slot's loader for a deployed bundle
     * @param context what an {@link App} gets: the board (or none), the board id, the arguments
     */
    AppRunner(String mainClass, String[] args, ClassLoader loader, Listener listener, FirmwareContext context) {
        this.mainClass = mainClass;
        this.args = args.clone();
        this.loader = loader;
        this.listener = listener;
        this.context = context;
    }

    String mainClass() {
        return mainClass;
    }

    synchronized String state() {
        return state;
    }

    /** Starts the app. @throws ProtocolException {@code unavailable} when the class or its main is missing */
    void start() throws ProtocolException {
        synchronized (this) {
            if (RUNNING.equals(state)) {
                return;
            }
            App a = newApp();
            Method m = a == null ? mainMethod() : null;
            state = RUNNING;
            stopReason = null;
            reported = false;
            startedUp = false;
            instance = a;
            main = new dev.spindle.threading.Thread(() -> runMain(a, m), "app-main");
            // reported before the app's code runs, so that a crash counter reset here never hides its first crash
            listener.appStarted(mainClass);
            main.start();
        }
    }

    /** @return a new instance when the main class is an {@link App}, else null */
    private App newApp() throws ProtocolException {
        Class<?> c;
        try {
            c = Class.forName(mainClass, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "cannot start the app " + mainClass + ": " + e
                    + " (check app.main and that the app's jar is on the agent's class path)");
        }
        if (!App.class.isAssignableFrom(c)) {
            return null;
        }
        try {
            return (App) c.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "cannot start the app " + mainClass
                    + ": its constructor threw " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "cannot start the app " + mainClass + ": " + e
                    + " (an App needs a public no-argument constructor)");
        }
    }

    private Method mainMethod() throws ProtocolException {
        try {
            Class<?> c = Class.forName(mainClass, true, loader);
            Method m = c.getMethod("main", String[].class);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new NoSuchMethodException("main is not static");
            }
            return m;
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "cannot start the app " + mainClass + ": " + e
                    + " (check app.main and that the app's jar is on the agent's class path)");
        }
    }

    private void runMain(App a, Method m) {
        synchronized (this) {
            carrier = java.lang.Thread.currentThread();
        }
        Throwable failure = null;
        try {
            if (a != null) {
                a.start(context);
                markStartedUp();
            } else {
                markStartedUp(); // a static main may run for ever: that it began is all we can know
                m.invoke(null, (Object) args.clone());
            }
        } catch (InvocationTargetException e) {
            failure = e.getCause();
        } catch (IllegalAccessException | RuntimeException | LinkageError e) {
            failure = e;
        }
        synchronized (this) {
            carrier = null;
            if (failure != null && stopReason == null) {
                state = FAILED;
                reported = true;
            } else {
                failure = null; // an exception caused by stopping it is no failure
            }
        }
        if (failure != null) {
            listener.appEnded(mainClass, FAILED, failure);
        }
    }

    /**
     * Runs the app's own health check: {@link HealthCheck#checkHealth()} when the running {@link App}
     * implements it, else the main class's {@code public static String checkHealth()} if it has one.
     *
     * @return null when healthy or when the app has no check, else the app's reason
     * @throws Exception what the check threw
     */
    String checkHealth() throws Exception {
        App a;
        synchronized (this) {
            a = instance;
        }
        if (a instanceof HealthCheck h) {
            return h.checkHealth();
        }
        if (a != null) {
            return null;
        }
        Method m;
        try {
            m = Class.forName(mainClass, false, loader).getMethod("checkHealth");
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != String.class) {
            return null;
        }
        try {
            return (String) m.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
    }

    private synchronized void markStartedUp() {
        startedUp = true;
    }

    /** @return whether the current run's {@code App.start} returned normally (or its static main began) */
    synchronized boolean startedUp() {
        return startedUp;
    }

    /** Notices an app whose threads all ended; call it regularly. */
    void poll() {
        String reason;
        synchronized (this) {
            if (!RUNNING.equals(state) || reported || main.isAlive() || liveSpindleThreads() > 0) {
                return;
            }
            state = STOPPED;
            reported = true;
            reason = stopReason == null ? "returned" : stopReason;
        }
        listener.appEnded(mainClass, reason, null);
    }

    /** Live threads started by Spindle (all of them belong to the app: the agent uses plain JVM threads). */
    static int liveSpindleThreads() {
        int n = 0;
        for (ThreadInfo t : ThreadRegistry.snapshot()) {
            if (t.isStartedBySpindle() && t.getState() != ThreadInfo.TERMINATED) {
                n++;
            }
        }
        return n;
    }

    /**
     * Stops the app and waits up to {@code timeoutMs} for its threads to end.
     *
     * @return true when it ended (or was not running)
     */
    boolean stop(String reason, long timeoutMs) {
        App a;
        synchronized (this) {
            if (!RUNNING.equals(state)) {
                return true;
            }
            stopReason = reason;
            a = instance;
            if (carrier != null) {
                carrier.interrupt();
            }
        }
        try {
            if (a != null) {
                a.stop(); // outside the monitor: the app's code may take its own locks
            } else {
                Method stop = Class.forName(mainClass, false, loader).getMethod("stop");
                if (Modifier.isStatic(stop.getModifiers()) && stop.getParameterCount() == 0) {
                    stop.invoke(null);
                }
            }
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            // no stop(): the interrupt is all we can do
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // a failing stop() still lets the wait below decide
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            synchronized (this) {
                if (!main.isAlive() && liveSpindleThreads() == 0) {
                    break;
                }
            }
            try {
                java.lang.Thread.sleep(20);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt();
                break;
            }
        }
        poll();
        synchronized (this) {
            return !RUNNING.equals(state);
        }
    }
}
