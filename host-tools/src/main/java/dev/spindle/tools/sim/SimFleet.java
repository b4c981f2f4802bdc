package dev.spindle.tools.sim;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.agent.LogRing;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.mqtt.Link;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * N simulated boards in one JVM ({@code spindle sim}, {@code make bench-fleet}): each a real
 * {@link Agent} with its own MQTT connection, data directory (outbox, sessions) and reconnect loop,
 * and no firmware app. The agents share one small timer pool for their telemetry and checks,
 * the process-wide telemetry readings (one CPU-time reading a second for the JVM) and Paho's
 * keep-alive scheduler; each keeps its link's connection and worker threads, its outbox sender
 * and Paho's receiver, sender and callback threads: 6 a board (docs/operations.md).
 * All agents share the JVM's Spindle thread registry, so each reports the same thread table.
 *
 * <p>Threads: {@link #start} runs on the caller's thread and paces the starts; {@link #close}
 * too. The agent list is written only by the caller's thread (start, close); {@link #online()}
 * may be called from any thread and reads a snapshot.
 */
public final class SimFleet implements AutoCloseable {
    /**
     * One board's settings that are the same for the whole fleet.
     *
     * @param deploy what the boards accept from {@code spindle deploy} (trusted keys, health grace)
     */
    public record Settings(String brokerUrl, String fleet, String prefix, double periodS, Path dataDir,
            String username, char[] password, int timerThreads, Deploy deploy) {
        public Settings {
            deploy = deploy == null ? Deploy.NONE : deploy;
        }

        /** Boards that trust no signing key (they refuse every bundle). */
        public Settings(String brokerUrl, String fleet, String prefix, double periodS, Path dataDir,
                String username, char[] password, int timerThreads) {
            this(brokerUrl, fleet, prefix, periodS, dataDir, username, password, timerThreads, Deploy.NONE);
        }
    }

    /**
     * The boards' {@code deploy.*} keys (docs/agent.md): a sim board without a trusted key refuses
     * every signed bundle, as a real one does.
     *
     * @param trust         {@code deploy.trust}: {@code .pub} files or directories of them (none: trust nothing)
     * @param healthGraceMs {@code deploy.health.grace.ms}, or -1 for the agent's default (30 s); load
     *                      tests of rollouts shorten it, the health check itself stays the real one
     */
    public record Deploy(List<Path> trust, long healthGraceMs) {
        /** No trusted key, the default grace. */
        public static final Deploy NONE = new Deploy(List.of(), -1);

        public Deploy {
            trust = List.copyOf(trust);
        }
    }

    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final List<Agent> agents = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SimFleet(Settings settings) {
        this.settings = settings;
        this.timer = Executors.newScheduledThreadPool(Math.max(1, settings.timerThreads()), r -> {
            Thread t = new Thread(r, "sim-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A fresh temporary directory for the boards' data, in memory ({@code /dev/shm}) where there is
     * one: every agent forces each outbox write to disk (fsync), and many simulated boards on one
     * disk would measure the disk's fsync rate instead of Spindle (a real board has its own).
     */
    public static Path tempDataDir() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "spindle-sim-");
        }
        return Files.createTempDirectory("spindle-sim-");
    }

    /** The board id of board number {@code i} (1-based): prefix + zero-padded number. */
    public String boardId(int i) {
        return settings.prefix() + String.format("%04d", i);
    }

    /**
     * Starts boards {@code from..to} (1-based, inclusive), at most {@code perSecond} a second
     * (0: no pacing). Returns when all were started (not necessarily connected).
     */
    public void start(int from, int to, double perSecond) throws IOException, AgentConfig.Invalid, InterruptedException {
        long t0 = System.nanoTime();
        for (int i = from; i <= to; i++) {
            if (perSecond > 0) {
                long due = t0 + (long) ((i - from) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            Agent a = new Agent(config(boardId(i)), BoardIo.NONE, new LogRing(20, new PrintStream(OutputStream.nullOutputStream())),
                    timer);
            a.start();
            agents.add(a);
        }
    }

    private AgentConfig config(String board) throws IOException, AgentConfig.Invalid {
        Path dir = settings.dataDir().resolve(board);
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", settings.fleet());
        p.setProperty("broker.url", settings.brokerUrl());
        p.setProperty("data.dir", dir.toString());
        p.setProperty("telemetry.period.s", Double.toString(settings.periodS()));
        p.setProperty("board.type", "none");
        p.setProperty("log.lines", "20");
        Deploy d = settings.deploy();
        if (!d.trust().isEmpty()) {
            StringBuilder t = new StringBuilder();
            for (Path k : d.trust()) {
                t.append(t.length() == 0 ? "" : ",").append(k.toAbsolutePath());
            }
            p.setProperty("deploy.trust", t.toString());
        }
        if (d.healthGraceMs() >= 0) {
            p.setProperty("deploy.health.grace.ms", Long.toString(d.healthGraceMs()));
        }
        if (settings.username() != null) {
            Path cred = dir.resolve("credentials.properties");
            Files.writeString(cred, "username=" + settings.username() + "\npassword="
                    + new String(settings.password() == null ? new char[0] : settings.password()) + "\n",
                    StandardCharsets.UTF_8);
            p.setProperty("broker.credentials", cred.toString());
        }
        return AgentConfig.from(p, "spindle sim (" + board + ")", dir);
    }

    public int size() {
        return agents.size();
    }

    /** @return how many of the started boards are connected now */
    public int online() {
        int n = 0;
        for (Agent a : agents) {
            if (a.isConnected()) {
                n++;
            }
        }
        return n;
    }

    /** Every started board queues an info {@code note} event with {@code message} (also while the broker is away). */
    public void noteAll(String message) {
        for (Agent a : agents) {
            a.note(EventMessage.INFO, message, Map.of());
        }
    }

    /** @return each started board's latest connect ({@link Link.ConnectTiming}; boards never connected left out) */
    public List<Link.ConnectTiming> connectTimings() {
        List<Link.ConnectTiming> all = new ArrayList<>(agents.size());
        for (Agent a : agents) {
            Link.ConnectTiming t = a.lastConnectTiming();
            if (t != null) {
                all.add(t);
            }
        }
        return all;
    }

    /** Waits until every started board is connected; @return false at the timeout */
    public boolean awaitAllOnline(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (online() < agents.size()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Stops every board cleanly (offline state, no will), a few in parallel. */
    @Override
    public void close() throws InterruptedException {
        List<Agent> all = new ArrayList<>(agents);
        agents.clear();
        List<Thread> closers = new ArrayList<>();
        int workers = Math.min(32, Math.max(1, all.size()));
        for (int w = 0; w < workers; w++) {
            int k = w;
            Thread t = new Thread(() -> {
                for (int i = k; i < all.size(); i += workers) {
                    try {
                        all.get(i).close();
                    } catch (RuntimeException e) {
                        // best effort: the others still stop
                    }
                }
            }, "sim-close-" + w);
            t.start();
            closers.add(t);
        }
        for (Thread t : closers) {
            t.join();
        }
        timer.shutdownNow();
    }
}
