package dev.spindle.agent;

import dev.spindle.agent.deploy.AppSpec;
import dev.spindle.agent.deploy.BundleIntake;
import dev.spindle.agent.deploy.DeployConfig;
import dev.spindle.agent.deploy.DeployController;
import dev.spindle.agent.deploy.DeployHost;
import dev.spindle.agent.deploy.DeployRefused;
import dev.spindle.agent.deploy.DeployState;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.transfer.ReceiverOptions;
import dev.spindle.protocol.transfer.TransferReceiver;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadListener;
import dev.spindle.threading.ThreadRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of the kill -9 trials (DeployKillTrialsTest). Two modes:
 * <ul>
 * <li>{@code lite DATA_DIR GRACE_MS TRUST}: the real {@link DeployController} and {@link AppHost}
 *     (so the real AppRunner, slot class loaders, state file and slots) without MQTT: events go to
 *     stdout, and telemetry counts as delivered every 50 ms (no broker to deliver it to);</li>
 * <li>{@code transfer DATA_DIR GRACE_MS TRUST BROKER_URL BOARD}: the light child plus the real
 *     bundle transfer: a {@link Link} to the broker, the real {@link TransferReceiver} (staging in
 *     {@code DATA_DIR/incoming}, data and bitmap synced every {@value #SYNC_EVERY} chunks) and the
 *     real {@link BundleIntake}, as the agent wires them: a bundle sent to board {@code BOARD} of
 *     fleet {@value #FLEET} is received, verified and installed; the receiver's steps are crash points;</li>
 * <li>{@code agent DATA_DIR GRACE_MS TRUST BROKER_URL [BOARD]}: the whole {@link Agent} against a broker,
 *     whose health check waits for telemetry the broker acknowledged.</li>
 * </ul>
 * After boot it prints {@code BOOTED <active> <app state> <running slot-app version>}; then it reads
 * lines from stdin: {@code install PATH SHA256} installs a bundle from a file, waits until the deploy
 * ended and prints {@code IDLE}; {@code idle} (after a transfer) waits until no deploy runs and
 * prints {@code IDLE}.
 */
public final class DeployTrialChild {
    /** The fleet of the transfer and agent modes. */
    public static final String FLEET = "kill";
    /** Chunks between two syncs (data forced, then bitmap written) of the transfer mode's receiver. */
    public static final int SYNC_EVERY = 8;

    private DeployTrialChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path data = Path.of(args[1]);
        long grace = Long.parseLong(args[2]);
        String trust = args[3];
        DeployController deploy;
        java.util.function.Supplier<String> appState;
        if (mode.equals("agent")) {
            Properties p = new Properties();
            p.setProperty("board.id", args.length > 5 ? args[5] : "trial");
            p.setProperty("fleet", FLEET);
            p.setProperty("board.type", "sim");
            p.setProperty("broker.url", args[4]);
            p.setProperty("data.dir", data.toString());
            p.setProperty("telemetry.period.s", "0.1");
            p.setProperty("app.main", TestApps.Blinker.class.getName());
            p.setProperty("app.version", "factory-1");
            p.setProperty("deploy.trust", trust);
            p.setProperty("deploy.health.grace.ms", Long.toString(grace));
            p.setProperty("deploy.health.timeout.ms", "20000");
            Agent agent = new Agent(AgentConfig.from(p, "trial", data), BoardIo.NONE,
                    new LogRing(100, System.err));
            agent.start();
            deploy = agent.deploy();
            appState = () -> agent.telemetry().appState();
        } else {
            Lite host = new Lite();
            appState = host.apps::state;
            deploy = new DeployController(new DeployConfig(List.of(Path.of(trust)), false, grace, 20_000, 5000), data,
                    "sim", Agent.VERSION, new AppSpec(TestApps.Blinker.class.getName(),
                            DeployTrialChild.class.getClassLoader(), DeployState.FACTORY, DeployState.FACTORY, "factory-1"),
                    host);
            deploy.boot();
            if (mode.equals("transfer")) {
                receive(deploy, host, data, args[4], args[5]);
            }
        }
        long end = System.currentTimeMillis() + 20_000;
        while (DeployState.isSlot(deploy.activeSlot()) && System.getProperty("spindle.test.slot-app") == null
                && System.currentTimeMillis() < end) {
            java.lang.Thread.sleep(5); // the app's start() runs on app-main: wait until it has said who it is
        }
        System.out.println("BOOTED " + deploy.activeSlot() + " " + appState.get() + " "
                + System.getProperty("spindle.test.slot-app", "factory").replace(' ', '/'));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("install")) {
                try {
                    deploy.install(Path.of(w[1]), w[2], true);
                } catch (DeployRefused e) {
                    System.out.println("REFUSED " + e.reason());
                }
                deploy.awaitIdle(60_000);
                System.out.println("IDLE " + deploy.activeSlot());
                System.out.flush();
            } else if (w[0].equals("idle")) {
                deploy.awaitIdle(60_000);
                System.out.println("IDLE " + deploy.activeSlot());
                System.out.flush();
            }
        }
        System.exit(0);
    }

    /** Wires the transfer as {@link Agent} does: link, receiver, intake (whose steps are the crash points). */
    private static void receive(DeployController deploy, DeployHost host, Path data, String brokerUrl, String board)
            throws Exception {
        BundleIntake intake = new BundleIntake(deploy, host, data);
        intake.cleanUp(); // bundle files of deploys the restart ended
        Link link = new Link(LinkConfig.builder(brokerUrl, board).backoff(50, 500).build());
        link.start();
        if (!link.awaitConnected(60_000)) {
            throw new IllegalStateException("no connection to " + brokerUrl + ": " + link.lastErrorExplained());
        }
        new TransferReceiver(link, FLEET, board, data.resolve("incoming"),
                ReceiverOptions.defaults().withSync(SYNC_EVERY, 60_000), intake).events(intake).start();
    }

    /** The agent's side of the controller without MQTT. */
    private static final class Lite implements DeployHost, AppRunner.Listener, ThreadListener {
        final AppHost apps = new AppHost(new String[0], this, new FirmwareContext(null, "trial", new String[0]));
        final AtomicInteger crashes = new AtomicInteger();
        volatile long delivered;

        Lite() {
            ThreadRegistry.addListener(this);
            java.lang.Thread t = new java.lang.Thread(() -> {
                while (true) {
                    delivered = System.currentTimeMillis();
                    try {
                        java.lang.Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "trial-telemetry");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public synchronized void event(String type, String severity, String message, Map<String, Object> data) {
            System.out.println("EVENT " + type + " " + Json.text(data));
            System.out.flush();
        }

        @Override
        public void firmwareChanged() {
            // no MQTT: nothing to publish
        }

        @Override
        public void log(String level, String text) {
            System.err.println(level + ": " + text);
        }

        @Override
        public boolean stopApp(String reason, long timeoutMs) {
            return apps.stop(reason, timeoutMs);
        }

        @Override
        public void startApp(AppSpec spec) throws Exception {
            apps.start(spec);
        }

        @Override
        public String appState() {
            return apps.state();
        }

        @Override
        public boolean appStartedUp() {
            return apps.startedUp();
        }

        @Override
        public int appCrashes() {
            return crashes.get();
        }

        @Override
        public boolean deadlocked() {
            return false;
        }

        @Override
        public long telemetryDeliveredAt() {
            return delivered;
        }

        @Override
        public String checkAppHealth() throws Exception {
            return apps.checkHealth();
        }

        @Override
        public void appStarted(String main) {
            crashes.set(0);
        }

        @Override
        public void appEnded(String main, String reason, Throwable failure) {
            // the controller polls the state
        }

        @Override
        public void threadStarted(ThreadInfo thread) {
            // nothing
        }

        @Override
        public void threadTerminated(ThreadInfo thread) {
            if (thread.getException() != null) {
                crashes.incrementAndGet();
            }
        }
    }
}
