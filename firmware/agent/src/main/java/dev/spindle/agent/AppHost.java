package dev.spindle.agent;

import dev.spindle.agent.deploy.AppSpec;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.protocol.ProtocolException;

/**
 * Holds the firmware app that runs now: the deploy controller replaces it at a switch or a
 * rollback ({@link #start(AppSpec)} after {@link #stop}); the agent reads it for telemetry,
 * {@code info} and {@code app.restart}. The reference is volatile: readers see the app of the last
 * start; start and stop are serialized by the deploy controller (only one of them runs at a time).
 */
final class AppHost {
    private final String[] args;
    private final AppRunner.Listener listener;
    private final FirmwareContext context;
    private volatile AppRunner current; // null until the first start
    private volatile AppSpec spec;

    AppHost(String[] args, AppRunner.Listener listener, FirmwareContext context) {
        this.args = args.clone();
        this.listener = listener;
        this.context = context;
    }

    /** @return the app of the last start, or null */
    AppRunner current() {
        return current;
    }

    /** @return what the last start ran, or null */
    AppSpec spec() {
        return spec;
    }

    /** Starts an app (the previous one must have stopped). */
    void start(AppSpec s) throws ProtocolException {
        AppRunner r = new AppRunner(s.mainClass(), args, s.loader(), listener, context);
        current = r;
        spec = s;
        r.start();
    }

    /** @return true when no app runs any more */
    boolean stop(String reason, long timeoutMs) {
        AppRunner r = current;
        return r == null || r.stop(reason, timeoutMs);
    }

    /** @return the app's state after noticing an end ({@link AppRunner#poll()}) */
    String state() {
        AppRunner r = current;
        if (r == null) {
            return AppRunner.NONE;
        }
        r.poll();
        return r.state();
    }

    /** @return whether the app's start returned (see {@link AppRunner#startedUp()}) */
    boolean startedUp() {
        AppRunner r = current;
        return r != null && r.startedUp();
    }

    String checkHealth() throws Exception {
        AppRunner r = current;
        return r == null ? null : r.checkHealth();
    }
}
