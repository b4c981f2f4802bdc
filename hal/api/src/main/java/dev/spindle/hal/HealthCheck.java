package dev.spindle.hal;

/**
 * An app-defined health check, asked once during a deploy's health check (docs/deploy.md). A
 * firmware {@link App} may implement it; a class with a static {@code main} may instead declare
 * {@code public static String checkHealth()} with the same contract.
 *
 * <p>The agent calls it on one of its own threads, after the grace period, when the app has run
 * without a crash and telemetry flows. It must answer within 5 seconds (a slower answer counts as
 * a failure) and must not stop the app.
 *
 * <pre>
 * public final class Pump implements App, HealthCheck {
 *     private volatile int cycles;
 *     ...
 *     public String checkHealth() {
 *         return cycles &gt; 0 ? null : "the pump loop has not completed a cycle";
 *     }
 * }
 * </pre>
 */
public interface HealthCheck {
    /**
     * @return null when the app is healthy; otherwise one line saying what is wrong (it goes into
     *     the {@code deploy_failed} event and the rollback reason)
     */
    String checkHealth();
}
