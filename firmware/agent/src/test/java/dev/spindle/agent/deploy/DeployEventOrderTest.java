package dev.spindle.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.SlotBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy's or rollback's terminal event ({@code deploy_done}, {@code deploy_failed},
 * {@code rollback}) is published only after the controller is idle again: a host that sends the
 * next bundle the moment it sees the event must not be refused with {@code busy}. Found by
 * AgentBundleFuzzTest (a {@code deploy.status} right after {@code deploy_failed} said busy). The
 * host here records {@link DeployController#busy()} inside {@code event()}, on the deploy's own
 * thread, where the old order made it true every time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class DeployEventOrderTest {
    @TempDir
    Path dir;

    /** A host without MQTT or class loading: an app "runs" once started; telemetry always flows. */
    static final class RecordingHost implements DeployHost {
        DeployController controller;
        final List<String> busyAtEvent = new ArrayList<>(); // "type busy=…", deploy thread and test thread
        volatile String state = "none";
        volatile int crashes;
        volatile boolean crashOnStart;

        @Override
        public synchronized void event(String type, String severity, String message, Map<String, Object> data) {
            if (type.equals("deploy_done") || type.equals("deploy_failed") || type.equals("rollback")) {
                busyAtEvent.add(type + " busy=" + controller.busy());
            }
        }

        synchronized List<String> events() {
            return List.copyOf(busyAtEvent);
        }

        @Override
        public void firmwareChanged() {
        }

        @Override
        public void log(String level, String text) {
        }

        @Override
        public boolean stopApp(String reason, long timeoutMs) {
            state = "stopped";
            return true;
        }

        @Override
        public void startApp(AppSpec spec) {
            state = "running";
            crashes = crashOnStart && !spec.slot().equals("a") ? 1 : 0;
        }

        @Override
        public String appState() {
            return state;
        }

        @Override
        public boolean appStartedUp() {
            return true;
        }

        @Override
        public int appCrashes() {
            return crashes;
        }

        @Override
        public boolean deadlocked() {
            return false;
        }

        @Override
        public long telemetryDeliveredAt() {
            return System.currentTimeMillis();
        }

        @Override
        public String checkAppHealth() {
            return null;
        }
    }

    /** A controller on a fresh data directory, reporting to {@code host}, with the factory firmware. */
    private DeployController controller(SlotBundles bundles, RecordingHost host) throws Exception {
        DeployConfig config = new DeployConfig(List.of(bundles.trust()), false, 100, 60_000, 1_000);
        DeployController c = new DeployController(config, Files.createDirectories(dir.resolve("data")), "sim", "0.1.0",
                new AppSpec("test.Factory", null, "factory", "factory", "0"), host);
        host.controller = c;
        return c;
    }

    @Test
    void terminalEventsComeWhenTheControllerIsIdle() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path good = bundles.signed("slot-app", "1.0.0", "good");
        Path good2 = bundles.signed("slot-app", "2.0.0", "good");
        Path unsigned = bundles.unsigned("slot-app", "3.0.0", "good");
        RecordingHost host = new RecordingHost();
        try (DeployController c = controller(bundles, host)) {
            c.boot();
            install(c, host, good, 1); // deploy_done
            install(c, host, unsigned, 2); // refused by the verifier: deploy_failed
            c.rollback(); // on demand, a -> factory: rollback
            host.crashOnStart = true;
            install(c, host, good2, 5); // crashes in its health check in slot b: rollback + deploy_failed
            assertEquals(List.of("deploy_done busy=false", "deploy_failed busy=false", "rollback busy=false",
                    "rollback busy=false", "deploy_failed busy=false"), host.events());
        }
    }

    @Test
    void aRefusedBundleIsRefusedAgainWithoutNullsInTheMessage() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path unsigned = bundles.unsigned("slot-app", "3.0.0", "good");
        RecordingHost host = new RecordingHost();
        try (DeployController c = controller(bundles, host)) {
            c.boot();
            install(c, host, unsigned, 1); // refused before its manifest counted: no name or version on the mark
            DeployRefused again = assertThrows(DeployRefused.class,
                    () -> c.install(unsigned, SlotBundles.sha256(unsigned), false));
            assertEquals(Failures.PREVIOUSLY_FAILED, again.reason());
            assertTrue(again.getMessage().startsWith("this bundle (") && !again.getMessage().contains("null"),
                    again.getMessage());
        }
    }

    /** Installs and waits for the deploy's events (published just after it went idle). */
    private static void install(DeployController c, RecordingHost host, Path bundle, int eventsAfter) throws Exception {
        c.install(bundle, SlotBundles.sha256(bundle), false);
        assertTrue(c.awaitIdle(60_000), "deploy ended");
        long deadline = System.currentTimeMillis() + 60_000;
        while (host.events().size() < eventsAfter) {
            assertTrue(System.currentTimeMillis() < deadline, "events: " + host.events());
            Thread.sleep(5);
        }
    }
}
