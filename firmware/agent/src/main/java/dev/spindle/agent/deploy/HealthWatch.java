package dev.spindle.agent.deploy;

import java.util.function.BooleanSupplier;

/**
 * The health check of a newly started firmware (docs/deploy.md, "The health check"): watches
 * the app until the grace period ended with the app started up (its {@code start} returned), still
 * running, no crash, no deadlock, telemetry
 * delivered in the second half of the grace period, and the app's own check passing; or until one
 * of them fails, or the deadline passes. Runs on the deploy thread; stateless between calls.
 */
final class HealthWatch {
    static final long APP_CHECK_TIMEOUT_MS = 5000;
    private static final long POLL_MS = 20;

    /** Why the firmware is unhealthy: a code of {@link Failures} and one line for humans. */
    record Verdict(String reason, String detail) {
    }

    private final DeployConfig config;
    private final DeployHost host;

    HealthWatch(DeployConfig config, DeployHost host) {
        this.config = config;
        this.host = host;
    }

    /**
     * @param started   when the app started, ms since the epoch
     * @param deadline  when the check fails at the latest ({@code no_telemetry})
     * @param abandoned true when the agent is stopping
     * @return null when healthy, else why not
     * @throws InterruptedException when interrupted or abandoned
     */
    Verdict watch(long started, long deadline, BooleanSupplier abandoned) throws InterruptedException {
        long graceEnd = started + config.healthGraceMs();
        long telemetrySince = started + config.healthGraceMs() / 2;
        while (true) {
            if (abandoned.getAsBoolean()) {
                throw new InterruptedException("the agent is stopping");
            }
            String st = host.appState();
            if (!"running".equals(st)) {
                java.lang.Thread.sleep(POLL_MS); // a thread's crash is counted as it ends: let its listener finish
            }
            int crashes = host.appCrashes();
            if (crashes > 0) {
                return new Verdict(Failures.APP_CRASHED, crashes + " thread(s) of the app crashed during the health"
                        + " check (see the thread_crashed events)");
            }
            if ("failed".equals(st)) {
                return new Verdict(Failures.APP_FAILED, "the app's main ended with an exception during the health"
                        + " check (see the app_failed event and the log)");
            }
            if (!"running".equals(st)) {
                return new Verdict(Failures.APP_STOPPED, "every thread of the app ended during the health check");
            }
            if (host.deadlocked()) {
                return new Verdict(Failures.DEADLOCK, "the app deadlocked during the health check (see the deadlock"
                        + " event)");
            }
            long now = System.currentTimeMillis();
            if (now >= graceEnd) {
                if (host.appStartedUp() && host.telemetryDeliveredAt() >= telemetrySince) {
                    String bad = appCheck();
                    return bad == null ? null : new Verdict(Failures.HEALTH_CHECK_FAILED, bad);
                }
                if (now >= deadline && !host.appStartedUp()) {
                    return new Verdict(Failures.APP_START_FAILED, "the app's start() did not return within "
                            + config.healthTimeoutMs() + " ms (deploy.health.timeout.ms); start threads and return");
                }
                if (now >= deadline) {
                    return new Verdict(Failures.NO_TELEMETRY, "no telemetry reached the broker within "
                            + config.healthTimeoutMs() + " ms of the start (deploy.health.timeout.ms)");
                }
            }
            java.lang.Thread.sleep(POLL_MS);
        }
    }

    /** Runs the app's own check on a separate thread, so a hanging check cannot hang the deploy. */
    private String appCheck() throws InterruptedException {
        String[] result = new String[1];
        Throwable[] error = new Throwable[1];
        java.lang.Thread t = new java.lang.Thread(() -> {
            try {
                result[0] = host.checkAppHealth();
            } catch (Exception | LinkageError e) {
                error[0] = e;
            }
        }, "agent-health-check");
        t.setDaemon(true);
        t.start();
        t.join(APP_CHECK_TIMEOUT_MS); // a finished thread's writes happen-before join's return
        if (t.isAlive()) {
            return "the app's health check did not answer within " + APP_CHECK_TIMEOUT_MS + " ms";
        }
        if (error[0] != null) {
            return "the app's health check threw " + error[0];
        }
        return result[0] == null ? null : "the app's health check says: " + result[0];
    }
}
