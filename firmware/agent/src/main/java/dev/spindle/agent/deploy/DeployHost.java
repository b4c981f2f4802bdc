package dev.spindle.agent.deploy;

import java.util.Map;

/**
 * What the {@link DeployController} needs from the agent it runs in: the app, health signals and
 * the event stream. The agent implements it over its {@code AppRunner}, thread registry listener
 * and outbox; the kill -9 trials implement it without MQTT. Called from the controller's thread.
 */
public interface DeployHost {
    /** Sends (queues) an event ({@code EventMessage} types; data as documented in docs/protocol.md). */
    void event(String type, String severity, String message, Map<String, Object> data);

    /**
     * The active firmware changed (a switch, a rollback, a fallback at boot): the agent publishes
     * its {@code state} again, so the fleet sees the new slot and version at once.
     */
    void firmwareChanged();

    /** Writes a line to the agent's log. */
    void log(String level, String text);

    /**
     * Stops the running app, if any.
     *
     * @return true when no app runs any more
     */
    boolean stopApp(String reason, long timeoutMs);

    /**
     * Starts the given app (none may be running).
     *
     * @throws Exception with a message saying why it cannot start (class missing, constructor threw…)
     */
    void startApp(AppSpec spec) throws Exception;

    /** @return {@code running}, {@code stopped}, {@code failed} or {@code none} */
    String appState();

    /** @return whether the app's {@code App.start} returned normally (for a static main: that main began) */
    boolean appStartedUp();

    /** @return Spindle threads that ended by an exception since the app last started */
    int appCrashes();

    /** @return whether a deadlock among the app's threads exists now */
    boolean deadlocked();

    /** @return when a telemetry message was last delivered (acknowledged by the broker), ms since the epoch, or 0 */
    long telemetryDeliveredAt();

    /**
     * Runs the app's own health check ({@code dev.spindle.hal.HealthCheck} or a static
     * {@code checkHealth()}), if it has one.
     *
     * @return null when healthy or when the app defines no check, else the app's reason
     * @throws Exception when the check itself threw
     */
    String checkAppHealth() throws Exception;
}
