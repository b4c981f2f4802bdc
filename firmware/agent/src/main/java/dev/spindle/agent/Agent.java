package dev.spindle.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.agent.deploy.AppSpec;
import dev.spindle.agent.deploy.BundleIntake;
import dev.spindle.agent.deploy.DeployController;
import dev.spindle.agent.deploy.DeployHost;
import dev.spindle.agent.deploy.DeployRefused;
import dev.spindle.agent.deploy.DeployState;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.LogMessage;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.ThreadsMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.ConnectFailure;
import dev.spindle.protocol.mqtt.ConnectionListener;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Will;
import dev.spindle.protocol.transfer.ReceiverOptions;
import dev.spindle.protocol.transfer.TransferReceiver;
import dev.spindle.threading.Deadlock;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadListener;
import dev.spindle.threading.ThreadRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The board agent: connects the board to the fleet over MQTT (docs/protocol.md, docs/agent.md).
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>the link's connection thread: connects, and on each connect publishes the birth
 *     ({@code state}, retained) and the thread table;</li>
 * <li>Paho's receiving thread: answers quick commands ({@code ping}, {@code info}, {@code gpio.read},
 *     {@code threads}) straight away; the link's worker: runs the other commands, one at a time
 *     ({@link CommandDispatcher});</li>
 * <li>{@code agent-timer} (or a timer shared by many agents in one JVM, {@code spindle sim}): telemetry every period, thread table/deadlock/app checks and the log
 *     batch every second;</li>
 * <li>{@code agent-sender}: sends the {@link Outbox} (events, last telemetry) in order whenever
 *     connected;</li>
 * <li>the firmware app's Spindle threads ({@link AppRunner}).</li>
 * </ul>
 * Events are written to the outbox first and sent from there, so none is lost while the broker
 * is away, nor across an agent restart.
 */
public final class Agent implements AutoCloseable {
    public static final String VERSION = readVersion();

    private static final int REPLY_CACHE_SIZE = 256;
    private static final long CHECK_EVERY_MS = 1000;

    private final AgentConfig config;
    private final BoardIo io;
    private final LogRing log;
    private final DataFiles dataFiles;
    private final SessionCounter sessions;
    private final Outbox outbox;
    private final SystemStats stats;
    private final long bootTime = System.currentTimeMillis();
    private final Link link;
    private final AppHost apps; // the firmware app that runs now (factory app.main or a slot's bundle)
    private final DeployController deploy; // A/B slots, health check, rollback (docs/deploy.md)
    private final BundleIntake intake; // hands transferred bundles to deploy
    private final TransferReceiver transfers; // the MQTT transfer of bundles (docs/protocol.md, "Transfer")
    private final Map<String, Command> commands = new LinkedHashMap<>(); // filled before start, read-only after
    private final CommandDispatcher dispatcher;
    private final long telemetryPeriodNs;
    private final ScheduledExecutorService timer;
    private final boolean ownTimer; // false: a shared timer (spindle sim); close() cancels only this agent's tasks
    private final List<ScheduledFuture<?>> timerTasks = new java.util.concurrent.CopyOnWriteArrayList<>(); // written in start(), read in close()
    private final java.lang.Thread sender;
    private final ThreadListener crashListener;
    private final AtomicInteger crashes = new AtomicInteger(); // crashed app threads since the app started

    private volatile long session; // the session of the newest connect attempt (written by the link's connection thread)
    private volatile boolean running;
    private volatile boolean deadlocked; // a deadlock exists now (written by the timer thread)
    private volatile long lastTickMs = System.currentTimeMillis(); // written by the timer thread (the systemd watchdog reads it)
    private volatile long telemetryDeliveredAt; // when the broker last acknowledged telemetry (written by the sender)

    private final Object eventLock = new Object();
    private long eventSession = -1; // guarded by eventLock
    private long eventSeq; // guarded by eventLock

    // confined to the timer thread
    private long lastTelemetryNs; // System.nanoTime() of the last telemetry tick that ran, 0 before the first
    private List<String> lastThreadSignature = List.of();
    private Set<String> knownDeadlocks = new HashSet<>();
    private long logCursor;

    // written by the link's connection thread, read by the timer thread
    private volatile boolean threadsDirty = true;

    /**
     * @param config the configuration
     * @param io     the board's pins and serial ports ({@link BoardIo#NONE} without a HAL)
     * @param log    the log ring (the process may have put the app's console into it)
     */
    public Agent(AgentConfig config, BoardIo io, LogRing log) {
        this(config, io, log, null);
    }

    /**
     * @param sharedTimer runs this agent's telemetry and checks instead of an own {@code agent-timer}
     *                    thread (many agents in one JVM: {@code spindle sim}); null for an own thread.
     *                    The agent never shuts it down. With it, the agent's MQTT connection also
     *                    takes Paho's threads from the JVM's shared pool
     *                    ({@link LinkConfig.Builder#sharedPahoThreads}).
     */
    public Agent(AgentConfig config, BoardIo io, LogRing log, ScheduledExecutorService sharedTimer) {
        this.config = config;
        this.io = io;
        this.log = log;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir()
                    + " (data.dir): check the path and its permissions", e);
        }
        this.dataFiles = new DataFiles(config.dataDir());
        this.sessions = new SessionCounter(dataFiles);
        this.outbox = new Outbox(dataFiles, config.outboxMaxEvents());
        this.stats = new SystemStats(config.temperatureFile());
        this.telemetryPeriodNs = Math.round(config.telemetryPeriodS() * 1e9);
        this.session = sessions.next();
        this.apps = new AppHost(config.appArgs(), new AppEvents(),
                new FirmwareContext(io.board(), config.boardId(), config.appArgs()));
        DeployBridge bridge = new DeployBridge();
        this.deploy = new DeployController(config.deploy(), config.dataDir(), config.boardType(), VERSION,
                new AppSpec(config.appMain(), Agent.class.getClassLoader(), DeployState.FACTORY, DeployState.FACTORY,
                        config.appVersion()), bridge);
        this.link = new Link(LinkConfig.builder(config.brokerUrl(), config.boardId())
                .credentials(config.username(), config.password())
                .tls(config.tls())
                .keepAliveS(config.keepAliveS())
                .reconnectSpread(config.reconnectSpreadMs())
                .will(this::nextWill)
                .sharedPahoThreads(sharedTimer != null) // many agents in one JVM: no thread churn per reconnect
                .build());
        this.intake = new BundleIntake(deploy, bridge, config.dataDir());
        this.transfers = new TransferReceiver(link, config.fleet(), config.boardId(), config.dataDir().resolve("incoming"),
                ReceiverOptions.defaults().withMaxBundleBytes(config.deploy().maxBundleBytes()), intake).events(intake);
        this.ownTimer = sharedTimer == null;
        this.timer = ownTimer
                ? Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-timer-" + config.boardId()))
                : sharedTimer;
        this.sender = daemon(this::sendLoop, "agent-sender-" + config.boardId());
        this.crashListener = new CrashListener();
        this.dispatcher = new CommandDispatcher(link, commands, new ReplyCache(REPLY_CACHE_SIZE), this::badInput, log);
        registerBuiltins();
    }

    /** An agent with a fresh log ring of {@code log.lines} lines that echoes to {@code System.err}. */
    public Agent(AgentConfig config, BoardIo io) {
        this(config, io, new LogRing(config.logLines(), System.err));
    }

    private static java.lang.Thread daemon(Runnable r, String name) {
        java.lang.Thread t = new java.lang.Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String readVersion() {
        try (InputStream in = Agent.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "development");
            return v.startsWith("${") ? "development" : v;
        } catch (IOException e) {
            return "development";
        }
    }

    /**
     * Adds a command (deploy and HAL commands plug in here). Call before {@link #start()}. It runs
     * on the link's worker unless wrapped with {@link Command#quick} (see there).
     */
    public void register(String name, Command command) {
        if (running) {
            throw new IllegalStateException("register commands before start()");
        }
        commands.put(name, command);
    }

    /**
     * The deploy controller: the MQTT transfer hands it a complete bundle with
     * {@link DeployController#install}; {@code deploy.status} and {@code deploy.rollback} use it.
     */
    public DeployController deploy() {
        return deploy;
    }

    public AgentConfig config() {
        return config;
    }

    /** The session of the newest connect attempt. */
    public long session() {
        return session;
    }

    /** When the timer thread last ran its checks (ms since the epoch): the systemd watchdog feeds on it. */
    public long lastTickMs() {
        return lastTickMs;
    }

    public boolean isConnected() {
        return link.isConnected();
    }

    /** @return the steps of the agent's latest connect to the broker, or null before the first */
    public Link.ConnectTiming lastConnectTiming() {
        return link.lastConnectTiming();
    }

    /** Starts the app (if configured), the connection and the reporting. Returns at once. */
    public void start() {
        running = true;
        ThreadRegistry.addListener(crashListener);
        log.log("info", "agent " + VERSION + " for board " + config.boardId() + " of fleet " + config.fleet()
                + ", broker " + config.brokerUrl() + ", session " + session + "; board type " + config.boardType()
                + " (" + config.boardOrigin() + ")");
        event(EventMessage.AGENT_STARTED, EventMessage.INFO, "agent " + VERSION + " started", null, null,
                Map.of("session", session));
        try {
            link.subscribeInlineFirst(Topics.cmdFilter(config.fleet(), config.boardId()), Wire.QOS_RELIABLE,
                    dispatcher::tryInline, dispatcher::onWorker);
        } catch (LinkException e) {
            throw new IllegalStateException(e); // not connected yet: only recorded, cannot fail
        }
        link.addListener(new Births());
        sender.start();
        long periodMs = Math.round(config.telemetryPeriodS() * 1000);
        timerTasks.add(timer.scheduleAtFixedRate(guard(this::telemetryTick), 0, periodMs, TimeUnit.MILLISECONDS));
        timerTasks.add(timer.scheduleAtFixedRate(guard(this::checkTick), CHECK_EVERY_MS, CHECK_EVERY_MS,
                TimeUnit.MILLISECONDS));
        deploy.boot(); // resolves an interrupted deploy, starts the active firmware (slot or app.main)
        intake.cleanUp(); // bundle files of deploys the restart ended
        try {
            transfers.start();
        } catch (IOException | LinkException e) {
            log.log("error", "cannot receive bundles: " + e.getMessage() + " (check that " + transfers.stagingDir()
                    + " is writable); deploys will fail until the agent restarts");
        }
        link.start();
    }

    /** Waits until connected (tests, the demo). */
    public boolean awaitConnected(long timeoutMs) throws InterruptedException {
        return link.awaitConnected(timeoutMs);
    }

    /**
     * Clean stop: stops the app, sends what is queued (up to a few seconds), publishes
     * {@code state} offline ({@code reason: stopped}) and disconnects (so no will).
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        transfers.close(); // no new bundle; a partial one stays staged for the next start
        deploy.close();
        if (!apps.stop("agent_stop", 3000)) {
            log.log("warning", "the app did not stop within 3 s; the agent stops anyway");
        }
        stopTimer();
        ThreadRegistry.removeListener(crashListener);
        long deadline = System.currentTimeMillis() + 3000;
        while (link.isConnected() && !outbox.isEmpty() && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        sender.interrupt();
        join(sender);
        if (ownTimer) {
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt();
            }
        }
        if (link.isConnected()) {
            try {
                link.publish(Topics.state(config.fleet(), config.boardId()),
                        Json.bytes(state(session).offline(StateMessage.REASON_STOPPED, System.currentTimeMillis())),
                        Wire.QOS_RELIABLE, true);
            } catch (LinkException e) {
                log.log("warning", "could not publish the offline state: " + e.getMessage());
            }
        }
        link.close();
        try {
            io.close(); // after the app stopped: outputs go to their shutdown levels
        } catch (RuntimeException e) {
            log.log("warning", "closing the board: " + e.getMessage());
        }
        log.log("info", "agent stopped");
    }

    /** Drops the connection as a crash would, without the offline state (tests of the last will). */
    void crashForTest() {
        running = false;
        stopTimer();
        sender.interrupt();
        ThreadRegistry.removeListener(crashListener);
        link.closeAbruptly();
    }

    /** Ends this agent's periodic work: its own timer thread, or its tasks on a shared timer. */
    private void stopTimer() {
        if (ownTimer) {
            timer.shutdownNow();
        } else {
            timerTasks.forEach(f -> f.cancel(false));
        }
    }

    private static void sleep(long ms) {
        try {
            java.lang.Thread.sleep(ms);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }

    private static void join(java.lang.Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException | LinkageError e) {
                log.log("error", "agent task failed: " + e);
            }
        };
    }

    // ---- state ------------------------------------------------------------------------------

    StateMessage state(long s) {
        return new StateMessage(Wire.VERSION, System.currentTimeMillis(), config.fleet(), config.boardId(), true, null, s,
                config.boardType(), VERSION, deploy.firmwareVersion(), deploy.activeSlot(), bootTime,
                config.telemetryPeriodS(), deploy.firmwareName(), deploy.devMode());
    }

    /** Called by the link before every connect attempt: a new session, and the will that goes with it. */
    private Will nextWill() {
        long s = sessions.next();
        session = s;
        return new Will(Topics.state(config.fleet(), config.boardId()),
                Json.bytes(state(s).offline(StateMessage.REASON_CONNECTION_LOST, System.currentTimeMillis())),
                Wire.QOS_RELIABLE, true);
    }

    private final class Births implements ConnectionListener {
        @Override
        public void connected(Link l, int connectCount) {
            try {
                l.publish(Topics.state(config.fleet(), config.boardId()), Json.bytes(state(session)),
                        Wire.QOS_RELIABLE, true);
            } catch (LinkException e) {
                log.log("warning", "birth not published (" + e.getMessage() + "); again at the next connect");
            }
            threadsDirty = true;
            long dropped = outbox.takeDropped();
            if (dropped > 0) {
                event(EventMessage.EVENTS_DROPPED, EventMessage.WARNING, dropped
                        + " events were dropped while the broker was away (outbox.max.events=" + config.outboxMaxEvents()
                        + ")", null, null, Map.of("count", dropped));
            }
            outbox.wake();
            log.log("info", "connected to " + config.brokerUrl() + " (session " + session + ", connect #" + connectCount + ")");
        }

        @Override
        public void disconnected(Link l, Throwable cause) {
            if (running) {
                log.log("warning", "broker " + config.brokerUrl() + " not reachable ("
                        + ConnectFailure.explain(cause, config.brokerUrl()) + "); retrying, events are kept on disk");
            }
        }
    }

    // ---- deploy ---------------------------------------------------------------------------------

    /** The deploy controller's view of this agent: the app, health signals, events. */
    private final class DeployBridge implements DeployHost {
        @Override
        public void event(String type, String severity, String message, Map<String, Object> data) {
            Agent.this.event(type, severity, message, null, null, data);
        }

        @Override
        public void log(String level, String text) {
            log.log(level, text);
        }

        @Override
        public void firmwareChanged() {
            if (running && link.isConnected()) {
                try {
                    link.publish(Topics.state(config.fleet(), config.boardId()), Json.bytes(state(session)),
                            Wire.QOS_RELIABLE, true);
                } catch (LinkException e) {
                    log.log("warning", "state not published (" + e.getMessage() + "); again at the next connect");
                }
            }
        }

        @Override
        public boolean stopApp(String reason, long timeoutMs) {
            return apps.stop(reason, timeoutMs);
        }

        @Override
        public void startApp(AppSpec spec) throws ProtocolException {
            try {
                apps.start(spec);
            } catch (ProtocolException e) {
                log.log("error", e.getMessage());
                Agent.this.event(EventMessage.APP_FAILED, EventMessage.ERROR, e.getMessage(), null, null,
                        Map.of("main", spec.mainClass(), "slot", spec.slot()));
                throw e;
            }
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
            return deadlocked; // the timer checks every second
        }

        @Override
        public long telemetryDeliveredAt() {
            return telemetryDeliveredAt;
        }

        @Override
        public String checkAppHealth() throws Exception {
            return apps.checkHealth();
        }
    }

    // ---- events -----------------------------------------------------------------------------

    /**
     * Sends a {@code note} event from the code that runs this agent (a simulator, a host
     * application): queued on disk with the agent's own events and sent in order, like them, also
     * when the broker is away now (docs/protocol.md, "Events").
     *
     * @param severity {@code info}, {@code warning} or {@code error}
     * @throws IllegalArgumentException for another severity
     */
    public void note(String severity, String message, Map<String, Object> data) {
        if (!EventMessage.INFO.equals(severity) && !EventMessage.WARNING.equals(severity)
                && !EventMessage.ERROR.equals(severity)) {
            throw new IllegalArgumentException("severity must be info, warning or error, got " + severity);
        }
        event(EventMessage.NOTE, severity, message, null, null, data);
    }

    /** Queues an event on disk; the sender publishes it (QoS 1) in order once connected. */
    void event(String type, String severity, String message, String thread, String stack, Map<String, Object> data) {
        EventMessage e;
        synchronized (eventLock) {
            long s = session;
            if (s != eventSession) {
                eventSession = s;
                eventSeq = 0;
            }
            e = new EventMessage(Wire.VERSION, System.currentTimeMillis(), s, ++eventSeq, type, severity, message, thread,
                    stack, data);
            outbox.addEvent(Topics.events(config.fleet(), config.boardId()), Json.bytes(e));
        }
    }

    private void sendLoop() {
        // runs until close() interrupts it, after its flush: an event queued while stopping still goes out
        while (!java.lang.Thread.currentThread().isInterrupted()) {
            try {
                if (!link.isConnected()) {
                    // woken by the connect (not a 50 ms poll: a thousand simulated boards polling
                    // through a broker restart were 20,000 wake-ups a second on a starved machine)
                    link.awaitConnected(1000);
                    continue;
                }
                Outbox.Entry e = outbox.peek();
                if (e == null) {
                    outbox.awaitWork(500);
                    continue;
                }
                try {
                    boolean isTelemetry = e.topic().endsWith("/" + Topics.TELEMETRY);
                    link.publish(e.topic(), e.payload(), Wire.QOS_RELIABLE, isTelemetry);
                    outbox.remove(e);
                    if (isTelemetry) {
                        telemetryDeliveredAt = System.currentTimeMillis(); // a deploy's health check watches it
                    }
                } catch (LinkException ex) {
                    java.lang.Thread.sleep(100); // the link reconnects by itself; the entry stays first
                }
            } catch (InterruptedException ie) {
                return;
            } catch (RuntimeException ex) {
                log.log("error", "outbox sender: " + ex.getMessage());
                sleep(1000);
            }
        }
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private final class CrashListener implements ThreadListener {
        @Override
        public void threadStarted(ThreadInfo thread) {
            threadsDirty = true;
        }

        @Override
        public void threadTerminated(ThreadInfo thread) {
            threadsDirty = true;
            Throwable t = thread.getException();
            if (t != null && running) {
                crashes.incrementAndGet();
                log.log("error", "thread " + thread.getName() + " crashed: " + t);
                event(EventMessage.THREAD_CRASHED, EventMessage.ERROR, "thread " + thread.getName() + " crashed: " + t,
                        thread.getName(), stack(t), Map.of("ident", thread.getIdent()));
            }
        }
    }

    private final class AppEvents implements AppRunner.Listener {
        @Override
        public void appStarted(String main) {
            crashes.set(0);
            log.log("info", "app " + main + " started");
            event(EventMessage.APP_STARTED, EventMessage.INFO, "app " + main + " started", null, null, Map.of("main", main));
        }

        @Override
        public void appEnded(String main, String reason, Throwable failure) {
            if (failure != null) {
                log.log("error", "app " + main + " failed: " + failure);
                event(EventMessage.APP_FAILED, EventMessage.ERROR, "app " + main + " failed: " + failure, "app-main",
                        stack(failure), Map.of("main", main));
            } else {
                log.log("info", "app " + main + " stopped (" + reason + ")");
                event(EventMessage.APP_STOPPED, EventMessage.INFO, "app " + main + " stopped (" + reason + ")", null, null,
                        Map.of("main", main, "reason", reason));
            }
        }
    }

    // ---- periodic work (timer thread) -------------------------------------------------------

    private String health() {
        AppRunner app = apps.current();
        if (deadlocked) {
            return "deadlock";
        }
        if (app == null) {
            return "no_app";
        }
        if (!AppRunner.RUNNING.equals(app.state())) {
            return "app_stopped";
        }
        return crashes.get() > 0 ? "degraded" : "ok";
    }

    TelemetryMessage telemetry() {
        AppRunner app = apps.current();
        Runtime rt = Runtime.getRuntime();
        return new TelemetryMessage(Wire.VERSION, System.currentTimeMillis(), session, config.telemetryPeriodS(),
                Math.round((System.currentTimeMillis() - bootTime) / 10.0) / 100.0, rt.totalMemory() - rt.freeMemory(),
                rt.maxMemory(), stats.cpuLoad(), stats.systemLoad(), stats.temperatureC(), AppRunner.liveSpindleThreads(),
                SystemStats.jvmThreads(), health(), app == null ? AppRunner.NONE : app.state(), io.pinStates(),
                io.pinModes());
    }

    /**
     * Once per period on the (fixed-rate) timer. A fixed-rate timer that was starved runs the
     * missed ticks back to back when it gets the CPU again; a tick that comes less than half a
     * period after the last one is such a catch-up and is skipped: it would only replace the
     * telemetry just queued (the outbox keeps the newest) at the cost of a JSON encoding and a
     * file write, and on a starved machine (1,000 simulated boards in one JVM) that cost is what
     * starves it.
     */
    private void telemetryTick() {
        long now = System.nanoTime();
        if (lastTelemetryNs != 0 && now - lastTelemetryNs < telemetryPeriodNs / 2) {
            return;
        }
        lastTelemetryNs = now;
        outbox.putTelemetry(Topics.telemetry(config.fleet(), config.boardId()), Json.bytes(telemetry()));
    }

    private void checkTick() {
        lastTickMs = System.currentTimeMillis();
        reportStorage();
        AppRunner app = apps.current();
        if (app != null) {
            app.poll();
        }
        ThreadsMessage table = threadTable();
        checkDeadlocks(table);
        List<String> signature = new ArrayList<>();
        for (ThreadsMessage.Row r : table.threads()) {
            signature.add(r.ident() + "|" + r.name() + "|" + r.state() + "|" + r.effectivePriority() + "|" + r.waitingOn());
        }
        for (ThreadsMessage.DeadlockRow d : table.deadlocks()) {
            signature.add(d.text());
        }
        if ((threadsDirty || !signature.equals(lastThreadSignature)) && link.isConnected()) {
            threadsDirty = false;
            try {
                link.publish(Topics.threads(config.fleet(), config.boardId()), Json.bytes(table), Wire.QOS_RELIABLE, true);
                lastThreadSignature = signature;
            } catch (LinkException e) {
                threadsDirty = true;
            }
        }
        publishLog();
    }

    /** Data directory failures and recoveries (DataFiles) as log lines and events; the events wait in memory. */
    private void reportStorage() {
        for (DataFiles.Change c : dataFiles.takeChanges()) {
            log.log(c.recovered() ? "info" : "error", c.message());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("path", c.file().toString());
            if (!c.recovered()) {
                data.put("problem", c.problem().wireName());
                data.put("error", c.error());
            }
            event(c.recovered() ? EventMessage.STORAGE_RECOVERED : EventMessage.STORAGE_FAILED,
                    c.recovered() ? EventMessage.INFO : EventMessage.ERROR, c.message(), null, null, data);
        }
    }

    private void checkDeadlocks(ThreadsMessage table) {
        Set<String> now = new HashSet<>();
        for (ThreadsMessage.DeadlockRow d : table.deadlocks()) {
            now.add(d.text());
            if (!knownDeadlocks.contains(d.text())) {
                log.log("error", "deadlock: " + d.text());
                event(EventMessage.DEADLOCK, EventMessage.ERROR, "deadlock: " + d.text(), null, null,
                        Map.of("threads", d.threads(), "locks", d.locks()));
            }
        }
        knownDeadlocks = now;
        deadlocked = !now.isEmpty();
    }

    private void publishLog() {
        long end = log.written();
        if (end == logCursor) {
            return;
        }
        List<LogMessage.Line> lines = log.since(logCursor);
        logCursor = end;
        if (!lines.isEmpty() && link.isConnected()) {
            try {
                link.publish(Topics.log(config.fleet(), config.boardId()),
                        Json.bytes(new LogMessage(Wire.VERSION, System.currentTimeMillis(), lines)), Wire.QOS_LOG, false);
            } catch (LinkException e) {
                // best effort: log.tail still has the lines
            }
        }
    }

    static ThreadsMessage threadTable() {
        long now = System.currentTimeMillis();
        List<ThreadsMessage.Row> rows = new ArrayList<>();
        for (ThreadInfo t : ThreadRegistry.snapshot()) {
            Throwable exc = t.getException();
            rows.add(new ThreadsMessage.Row(t.getIdent(), t.getName(), t.getPriority(), t.getEffectivePriority(),
                    t.getStateName(), t.getWaitingOn(), t.getWaitingSinceMs() > 0 ? now - t.getWaitingSinceMs() : null,
                    t.getStackSize(), exc == null ? null : exc.toString(), t.isStartedBySpindle()));
        }
        List<ThreadsMessage.DeadlockRow> deadlocks = new ArrayList<>();
        for (Deadlock d : ThreadRegistry.findDeadlocks()) {
            List<String> names = new ArrayList<>();
            for (ThreadInfo t : d.getThreads()) {
                names.add(t.getName());
            }
            deadlocks.add(new ThreadsMessage.DeadlockRow(names, List.of(d.getLocks()), d.toString()));
        }
        return new ThreadsMessage(Wire.VERSION, now, rows, deadlocks);
    }

    // ---- commands (CommandDispatcher: Paho's thread for quick ones, else the link's worker) ----

    private void badInput(String command, ErrorCode code, String message, String id) {
        log.log("warning", "bad request on cmd/" + command + ": " + message);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("command", command);
        data.put("code", code.wireName());
        if (id != null) {
            data.put("id", id);
        }
        event(EventMessage.BAD_REQUEST, EventMessage.WARNING, "bad request on cmd/" + command + ": " + message, null, null,
                data);
    }

    private void registerBuiltins() {
        commands.put("ping", Command.quick(r -> Json.object().put("pong", true).put("ts", System.currentTimeMillis())));
        commands.put("info", Command.quick(r -> info()));
        commands.put("threads", Command.quick(r -> (ObjectNode) Json.MAPPER.valueToTree(threadTable())));
        commands.put("log.tail", r -> {
            int n = (int) r.integer("lines", 1, log.capacity(), Math.min(50, log.capacity()));
            ObjectNode o = Json.object();
            o.set("lines", Json.MAPPER.valueToTree(log.tail(n)));
            return o;
        });
        commands.put("app.restart", r -> {
            long timeout = r.integer("timeout_ms", 0, 60_000, 5000);
            AppRunner app = apps.current();
            if (deploy.busy()) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, "a deploy or rollback is under way; restart the app"
                        + " after it ended (deploy.status)");
            }
            if (app == null) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, "no app configured on this board (app.main is empty)");
            }
            if (!app.stop("restart", timeout)) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, "the app did not stop within " + timeout
                        + " ms and keeps running; give its main class a public static void stop() that ends its threads");
            }
            app.start();
            return Json.object().put("main", app.mainClass()).put("state", app.state());
        });
        commands.put("deploy.status", r -> deploy.status());
        commands.put("deploy.rollback", r -> {
            try {
                return deploy.rollback();
            } catch (DeployRefused e) {
                throw new ProtocolException(ErrorCode.UNAVAILABLE, e.reason() + ": " + e.getMessage());
            }
        });
        commands.put("gpio.read", Command.quick(r -> {
            String pin = r.string("pin");
            return Json.object().put("pin", pin).put("value", io.readPin(pin));
        }));
        commands.put("gpio.write", r -> {
            String pin = r.string("pin");
            int value = (int) r.integer("value", 0, 1);
            io.writePin(pin, value);
            return Json.object().put("pin", pin).put("value", value);
        });
        commands.put("serial.write", r -> {
            String port = r.string("port");
            int n = io.serialWrite(port, r.string("data").getBytes(StandardCharsets.UTF_8));
            return Json.object().put("port", port).put("bytes", n);
        });
    }

    private ObjectNode info() {
        ObjectNode o = Json.object();
        o.put("board", config.boardId());
        o.put("fleet", config.fleet());
        o.put("board_type", config.boardType());
        o.put("agent_version", VERSION);
        o.put("firmware_version", deploy.firmwareVersion());
        o.put("firmware_name", deploy.firmwareName());
        o.put("slot", deploy.activeSlot());
        o.put("dev_mode", deploy.devMode());
        o.put("session", session);
        o.put("boot_time", bootTime);
        o.put("uptime_s", (System.currentTimeMillis() - bootTime) / 1000.0);
        o.put("java_version", System.getProperty("java.version"));
        o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        o.put("telemetry_period_s", config.telemetryPeriodS());
        AppRunner app = apps.current();
        ObjectNode a = o.putObject("app");
        a.put("main", app == null ? null : app.mainClass());
        a.put("state", app == null ? AppRunner.NONE : app.state());
        ArrayNode names = o.putArray("commands");
        List<String> sorted = new ArrayList<>(commands.keySet());
        Collections.sort(sorted);
        sorted.forEach(names::add);
        return o;
    }
}
