package dev.spindle.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.DeployTrialChild;
import dev.spindle.agent.SlotBundles;
import dev.spindle.agent.SlotTestApp;
import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.transfer.SenderOptions;
import dev.spindle.protocol.transfer.TransferError;
import dev.spindle.protocol.transfer.TransferException;
import dev.spindle.protocol.transfer.TransferListener;
import dev.spindle.protocol.transfer.TransferProgress;
import dev.spindle.protocol.transfer.TransferResult;
import dev.spindle.protocol.transfer.TransferSender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 trials: the deploy runs in a child JVM ({@link DeployTrialChild}) that is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) at a random moment, or halts itself at a random named
 * step ({@link CrashPoint}); then it is started again on the same data directory, and the test
 * checks that it came up on a valid slot with a consistent state file, that the app runs, and that
 * the deploy either completed or was rolled back (or never switched), never left half done.
 *
 * <p>Each trial is one child process: it boots (recovering from the previous kill, which the
 * checks then judge), receives one bundle, and is killed. Most trials use the light child (the
 * real controller, app runner and disk, no MQTT) and hand it the bundle as a file; every
 * {@value #AGENT_EVERY}th runs the whole agent against Moquette in this JVM. The seed is printed;
 * replay with {@code -Dspindle.kill.seed=N} ({@code -Dspindle.kill.trials=N} for more or fewer
 * trials). Kill moments come from {@link #phases()}: a phase is a name and how to pick a moment.
 *
 * <h2>The transfer</h2>
 * The phase "kill in the transfer" sends the bundle over MQTT instead: a {@link TransferSender} in
 * this JVM (1 KiB chunks, window 8) to the child's real {@code TransferReceiver} and
 * {@code BundleIntake} (the light child's {@code transfer} mode, through Moquette; data and bitmap
 * synced every {@value DeployTrialChild#SYNC_EVERY} chunks), and kills the child when a random number
 * of chunks was acknowledged, at a random time, or lets it halt at a random receiver step
 * ({@link CrashPoint#TRANSFER}: chunk written, data forced before the bitmap, bitmap written, SHA-256
 * verified, part promoted during clean-up, handed over, done recorded). A transfer that was cut is
 * resumed by the next trial (whatever its phase, so a resumed transfer can be killed again, or its
 * install, switch or health check), and the checks add:
 * <ul>
 * <li>before the restart, read independently of the receiver's code: every chunk the bitmap on disk
 *     marks as held has the bundle's bytes in the part file (the bitmap never claims more than the
 *     disk has), and a bitmap never outlives its part file;</li>
 * <li>after it: no temp file or half-promoted bundle is left in the staging directory, and no bundle
 *     file of an ended deploy;</li>
 * <li>the resume: the board reports exactly the chunks verified on disk, the sender sends only the
 *     missing ones (fewer than a full transfer when any was held), and the board's SHA-256 check
 *     passes, so the transfer completes and installs (or the board had already taken the file; it
 *     is then sent again, as {@code spindle deploy} does), never a checksum mismatch.</li>
 * </ul>
 * The outcome "transfer cut" counts trials whose transfer was killed before the deploy started.
 * {@link #resumeAfterAKillSendsOnlyTheMissingChunks()} proves the resume's saving with fixed numbers.
 * A kill of the JVM leaves the page cache to the kernel, so what these trials prove is the order of
 * the writes (data, then bitmap; bitmap gone before the part is promoted), not durability across a
 * power cut (the fsyncs, docs/deploy.md).
 */
@Timeout(value = 1800, unit = TimeUnit.SECONDS) // hang guard only (a loaded machine is slow)
class DeployKillTrialsTest {
    static final int AGENT_EVERY = 25;
    static final long GRACE_MS = 150;
    /** Chunk size of the test's sender; the padded bundles have some 50 chunks. */
    static final int CHUNK = 1024;
    static final int PAD_BYTES = 48 * 1024;
    /** The exit status of {@link SlotTestApp}'s {@code exit} mode (a firmware that halts the JVM). */
    static final int FIRMWARE_HALT_STATUS = 42;
    static final int CHUNKS_ABOUT = PAD_BYTES / CHUNK + 4;

    @TempDir
    Path dir;

    @BeforeEach
    void freshChildren() {
        FastStart.reset(); // another test's class path jars and archive are gone with its temp dir
    }

    /**
     * When to kill the child.
     *
     * @param opts        JVM options for the child (a crash point)
     * @param afterPhase  kill only after this {@code deploy_progress} phase was reported (null: from the install)
     * @param delayMs     then wait this long and SIGKILL; -1: wait until the child halts itself or is idle.
     *                    With {@code killAtChunk}: the delay after a transfer that ended before that chunk
     * @param transfer    the bundle comes over MQTT (the child's transfer mode)
     * @param killAtChunk SIGKILL as soon as the board acknowledged this many chunks (-1: not by chunks)
     */
    record Plan(List<String> opts, String afterPhase, long delayMs, boolean transfer, int killAtChunk) {
        Plan(List<String> opts, String afterPhase, long delayMs) {
            this(opts, afterPhase, delayMs, false, -1);
        }

        /** Kills at a random time counted from the start of the install or transfer. */
        boolean atRandomTime() {
            return afterPhase == null && delayMs >= 0 && killAtChunk < 0;
        }
    }

    /** How a trial picks its kill moment. */
    interface Phase {
        String name();

        Plan plan(Random rnd);
    }

    static List<Phase> phases() {
        List<Phase> p = new ArrayList<>();
        p.add(new Phase() {
            public String name() {
                return "SIGKILL at a random time";
            }

            public Plan plan(Random rnd) {
                return new Plan(List.of(), null, rnd.nextInt(700));
            }
        });
        p.add(new Phase() {
            public String name() {
                return "SIGKILL in a step";
            }

            public Plan plan(Random rnd) {
                String[] steps = {"installing", "switching", "health_check"};
                return new Plan(List.of(), steps[rnd.nextInt(steps.length)], rnd.nextInt((int) GRACE_MS + 50));
            }
        });
        p.add(new Phase() {
            public String name() {
                return "halt at a named step";
            }

            public Plan plan(Random rnd) {
                String step = CrashPoint.ALL[rnd.nextInt(CrashPoint.ALL.length)];
                if (step.equals(CrashPoint.STATE_WRITTEN_BEFORE_RENAME)) {
                    step += ":" + (1 + rnd.nextInt(5)); // the n-th state write of the deploy
                }
                return new Plan(List.of("-D" + CrashPoint.PROPERTY + "=" + step), null, -1);
            }
        });
        p.add(new Phase() {
            public String name() {
                return "kill in the transfer";
            }

            public Plan plan(Random rnd) {
                switch (rnd.nextInt(3)) {
                    case 0: // SIGKILL at a random chunk count; if the transfer ends first, in the install
                        return new Plan(List.of(), null, rnd.nextInt((int) GRACE_MS + 50), true,
                                1 + rnd.nextInt(CHUNKS_ABOUT));
                    case 1: // SIGKILL at a random time from the start of the transfer
                        return new Plan(List.of(), null, rnd.nextInt(250), true, -1);
                    default: // halt at a receiver step (the n-th chunk or sync for the repeated ones)
                        String step = CrashPoint.TRANSFER[rnd.nextInt(CrashPoint.TRANSFER.length)];
                        if (step.equals(CrashPoint.TRANSFER_CHUNK_WRITTEN)) {
                            step += ":" + (1 + rnd.nextInt(CHUNKS_ABOUT));
                        } else if (step.equals(CrashPoint.TRANSFER_DATA_FORCED)
                                || step.equals(CrashPoint.TRANSFER_BITMAP_WRITTEN)) {
                            step += ":" + (1 + rnd.nextInt(CHUNKS_ABOUT / DeployTrialChild.SYNC_EVERY));
                        }
                        return new Plan(List.of("-D" + CrashPoint.PROPERTY + "=" + step), null, -1, true, -1);
                }
            }
        });
        return p;
    }

    record Bundle(String label, Path file, String sha, String version, boolean good) {
    }

    /** What the trials counted (guarded by itself). */
    static final class Tally {
        final Map<String, Integer> outcomes = new TreeMap<>();
        final Map<String, Integer> killedIn = new TreeMap<>();
        final Map<String, Integer> transfers = new TreeMap<>();
        final Map<String, long[]> children = new TreeMap<>(); // mode -> {children, ms alive}
        long resumedChunks; // chunks of resumes that found chunks held
        long resumedSent; // chunks those resumes sent
        int resumesWithHeld;
        int verifiedOnDisk; // restarts after a cut transfer whose bitmap marked chunks, each checked on disk

        synchronized void count(Map<String, Integer> m, String key) {
            m.merge(key, 1, Integer::sum);
        }

        synchronized void child(String mode, long bootMs, long lifeMs) {
            long[] c = children.computeIfAbsent(mode, k -> new long[3]);
            c[0]++;
            c[1] += bootMs;
            c[2] += lifeMs;
        }

        synchronized String childTimes() {
            StringBuilder b = new StringBuilder();
            children.forEach((mode, c) -> b.append(b.length() == 0 ? "" : ", ").append(mode).append(' ').append(c[0])
                    .append(" x (boot ").append(c[1] / Math.max(1, c[0])).append(" ms, life ")
                    .append(c[2] / Math.max(1, c[0])).append(" ms)"));
            return b.toString();
        }
    }

    /** Padded signed bundles (some 50 chunks of {@value #CHUNK} bytes), so a transfer has many kill points. */
    static List<Bundle> bundles(Path dir, int goodOnes, boolean bad) throws Exception {
        SlotBundles sb = new SlotBundles(dir);
        List<Bundle> bundles = new ArrayList<>();
        for (int v = 1; v <= goodOnes; v++) {
            Path f = padded(sb, dir, v + ".0.0", "good");
            bundles.add(new Bundle("good", f, SlotBundles.sha256(f), v + ".0.0", true));
        }
        for (String mode : bad ? List.of("crash", "unhealthy", "exit") : List.<String>of()) {
            Path f = padded(sb, dir, "9.0.0-" + mode, mode);
            bundles.add(new Bundle(mode, f, SlotBundles.sha256(f), "9.0.0-" + mode, false));
        }
        return bundles;
    }

    /** A signed bundle of {@link SlotTestApp} with a library of {@value #PAD_BYTES} random (incompressible) bytes. */
    static Path padded(SlotBundles sb, Path dir, String version, String mode) throws Exception {
        Path jar = dir.resolve("app-" + version + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("slot-app.properties"));
            j.write(("version=" + version + "\nmode=" + mode + "\n").getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("dev/spindle/agent/SlotTestApp.class"));
            try (InputStream in = SlotTestApp.class.getResourceAsStream("SlotTestApp.class")) {
                in.transferTo(j);
            }
        }
        Path pad = dir.resolve("pad-" + version + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(pad))) {
            j.putNextEntry(new JarEntry("pad.bin"));
            byte[] b = new byte[PAD_BYTES];
            new Random(version.hashCode()).nextBytes(b);
            j.write(b);
        }
        Path unsigned = dir.resolve("unsigned-" + version + ".zip");
        BundleBuilder.build(new BundleBuilder.Spec("slot-app", SemVer.parse(version), SlotTestApp.class.getName(),
                List.of("sim"), SemVer.parse("0.1.0-SNAPSHOT")), jar, List.of(pad), unsigned);
        Path signed = sb.sign(unsigned, dir.resolve("slot-app-" + version + ".zip"));
        Files.delete(unsigned);
        Files.delete(jar);
        Files.delete(pad);
        return signed;
    }

    @Test
    void killedAnywhereTheBoardComesBackConsistent() throws Exception {
        long seed = Long.getLong("spindle.kill.seed", System.nanoTime());
        int trials = Integer.getInteger("spindle.kill.trials", 200);
        System.out.println("DeployKillTrialsTest: seed " + seed + " (replay: -Dspindle.kill.seed=" + seed + "), " + trials
                + " trials");
        List<Bundle> bundles = bundles(dir.resolve("bundles"), 4, true);
        Path trust = dir.resolve("bundles/trust");
        Tally tally = new Tally();
        long t0 = System.currentTimeMillis();
        // two chains of trials side by side (each its own board: data directory and board id), one per core
        int chains = 2;
        List<Future<?>> running = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(chains);
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            FastStart.prepare(dir.resolve("cds"), trust, broker.url(), bundles.get(0).file(), bundles.get(0).sha());
            for (int k = 0; k < chains; k++) {
                Board board = new Board(Files.createDirectories(dir.resolve("data-" + k)), "trial-" + k,
                        dir.resolve("child-" + k + ".err"));
                Random r = new Random(seed + k);
                int n = trials / chains + (k < trials % chains ? 1 : 0);
                running.add(pool.submit(() -> {
                    chain(board, trust, broker.url(), bundles, r, n, "seed " + seed + ", chain " + board.id(), tally);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Error err ? err : new AssertionError(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long ms = System.currentTimeMillis() - t0;
        System.out.printf("DeployKillTrialsTest: %d trials in %.1f s (seed %d): outcomes %s%n", trials, ms / 1000.0, seed,
                tally.outcomes);
        System.out.println("DeployKillTrialsTest: killed in " + tally.killedIn);
        System.out.println("DeployKillTrialsTest: transfers " + tally.transfers);
        System.out.printf("DeployKillTrialsTest: %d restarts after a cut transfer found chunks in the bitmap, each"
                + " checked on disk; %d resumes found chunks held and completed: they sent %d chunks where full"
                + " transfers send %d%n", tally.verifiedOnDisk, tally.resumesWithHeld, tally.resumedSent,
                tally.resumedChunks);
        System.out.println("DeployKillTrialsTest: children (mode, count, mean times) " + tally.childTimes()
                + "; load average " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        int kills = tally.killedIn.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(trials, kills, "every trial killed the child once: " + tally.killedIn);
        assertTrue(tally.outcomes.getOrDefault("completed", 0) > 0 && tally.outcomes.getOrDefault("rolled back", 0) > 0,
                "both outcomes happen: " + tally.outcomes);
        if (trials >= 100) {
            assertTrue(tally.verifiedOnDisk > 0 && tally.resumesWithHeld > 0 && tally.resumedSent < tally.resumedChunks,
                    "transfers cut by a kill resumed with chunks held and sent fewer chunks than full transfers: "
                            + tally.transfers);
        }
    }

    /**
     * A fixed case of the resume's saving: the board halts right after its third bitmap write (so
     * {@code 3 x SYNC_EVERY} chunks are recorded), restarts, and the resumed transfer sends exactly the
     * other chunks, fewer than the full transfer, and installs.
     */
    @Test
    void resumeAfterAKillSendsOnlyTheMissingChunks() throws Exception {
        Bundle b = bundles(dir.resolve("bundles"), 1, false).get(0);
        Path trust = dir.resolve("bundles/trust");
        Board board = new Board(Files.createDirectories(dir.resolve("data")), "resume-1", dir.resolve("child.err"));
        int recorded = 3 * DeployTrialChild.SYNC_EVERY;
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try (EmbeddedBroker broker = EmbeddedBroker.start(); Link host = hostLink(broker.url(), "resume-host")) {
            Child c = new Child(board, trust, "transfer", broker.url(),
                    List.of("-D" + CrashPoint.PROPERTY + "=" + CrashPoint.TRANSFER_BITMAP_WRITTEN + ":3"));
            try {
                assertNotNull(c.expect("BOOTED"));
                Send send = new Send(host, board.id(), b, exec);
                assertTrue(c.p.waitFor(120, TimeUnit.SECONDS), "the board halts at its third bitmap write");
                assertEquals(CrashPoint.HALT_STATUS, c.p.exitValue());
                SendOutcome o = send.cancel();
                assertEquals(TransferError.CANCELLED, o.error().code(), "the send was cut: " + o);
            } finally {
                c.destroy();
            }
            assertEquals(recorded, verifyStaged(board, b, "after the halt"), "chunks recorded by three bitmap writes");
            c = new Child(board, trust, "transfer", broker.url(), List.of());
            try {
                assertNotNull(c.expect("BOOTED"));
                SendOutcome o = new Send(host, board.id(), b, exec).await();
                assertNull(o.error(), "the resumed transfer completed: " + o);
                TransferResult r = o.result();
                int chunks = (int) ((Files.size(b.file()) + CHUNK - 1) / CHUNK);
                assertEquals(chunks, r.chunks());
                assertEquals(recorded, r.heldAtStart(), "the board reported the chunks on its disk");
                assertEquals(chunks - recorded, r.chunksSent() - r.chunksResent(), "only the missing chunks were sent: " + r);
                assertTrue(r.chunksSent() < chunks, "fewer chunks than a full transfer: " + r);
                c.send("idle");
                String idle = c.expect("IDLE");
                assertNotNull(idle);
                DeployState s = Json.MAPPER.readValue(Files.readAllBytes(board.data().resolve(StateStore.FILE)),
                        DeployState.class);
                assertEquals(b.sha(), s.slot(s.active()).sha256(), "the resumed bundle was installed: " + s);
                assertEquals(DeployState.GOOD, s.slot(s.active()).status(), "and passed its health check: " + s);
            } finally {
                c.destroy();
            }
        } finally {
            exec.shutdownNow();
        }
    }

    /** One board of a chain: its data directory, board id, and the file its children's stderr goes to. */
    record Board(Path data, String id, Path errLog) {
        Path incoming() {
            return data.resolve("incoming");
        }
    }

    static Link hostLink(String url, String id) throws InterruptedException {
        Link l = new Link(LinkConfig.builder(url, id).backoff(50, 500).build());
        l.start();
        if (!l.awaitConnected(60_000)) {
            l.close();
            throw new AssertionError("the test's link did not connect to " + url);
        }
        return l;
    }

    /** One board: {@code trials} kill/restart rounds on one data directory. */
    private static void chain(Board board, Path trust, String brokerUrl, List<Bundle> bundles, Random rnd, int trials,
            String label, Tally tally) throws Exception {
        List<Phase> phases = phases();
        Bundle last = null;
        boolean lastCut = false; // the last trial's transfer was killed before the sender heard "complete"
        Bundle pending = null; // a transfer cut by a kill: the next trial resumes it
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try (Link host = hostLink(brokerUrl, "kill-host-" + board.id())) {
            for (int i = 0; i <= trials; i++) {
                String trial = "trial " + i + " (" + label + ")";
                boolean agent = i % AGENT_EVERY == AGENT_EVERY - 1;
                Phase phase = phases.get(rnd.nextInt(phases.size()));
                Plan plan = i == trials ? new Plan(List.of(), null, -1) : phase.plan(rnd);
                boolean viaTransfer = i < trials && (plan.transfer() || pending != null);
                String mode = agent ? "agent" : viaTransfer ? "transfer" : "lite";
                int heldOnDisk = pending == null ? -1 : verifyStaged(board, pending, trial + ", before the restart");
                if (heldOnDisk > 0) {
                    synchronized (tally) {
                        tally.verifiedOnDisk++;
                    }
                }
                long born = System.nanoTime();
                long booted = born;
                Child c = new Child(board, trust, mode, brokerUrl, plan.opts());
                try {
                    String line = c.expect("BOOTED");
                    booted = System.nanoTime();
                    if (line == null) { // halted at its step while recovering from the previous kill: judged at the next boot
                        tally.count(tally.killedIn, phase.name() + " / during boot recovery");
                        continue;
                    }
                    String outcome = check(board.data(), line.split(" "), last, trial);
                    if (!mode.equals("lite")) {
                        checkStagingClean(board, trial);
                    }
                    if (last != null) {
                        tally.count(tally.outcomes, lastCut && outcome.equals("not switched") ? "transfer cut" : outcome);
                        last = null;
                    }
                    if (i == trials) {
                        break;
                    }
                    DeployState now = Json.MAPPER.readValue(Files.readAllBytes(board.data().resolve(StateStore.FILE)),
                            DeployState.class);
                    String activeSha = DeployState.isSlot(now.active()) ? now.slot(now.active()).sha256() : null;
                    if (pending != null && pending.sha().equals(activeSha)) {
                        pending = null; // it was installed after all: nothing to resume
                        heldOnDisk = -1;
                    }
                    Bundle b = pending;
                    while (b == null || b.sha().equals(activeSha)) {
                        // never the running bundle: then "active holds the new SHA-256" means the deploy completed
                        b = bundles.get(rnd.nextInt(10) < 6 ? rnd.nextInt(4) : 4 + rnd.nextInt(3));
                    }
                    last = b;
                    String where;
                    if (viaTransfer) {
                        TransferTrial t = transferAndKill(c, plan, b, new Send(host, board.id(), b, exec), heldOnDisk,
                                tally, trial);
                        where = t.where();
                        lastCut = t.cut();
                        pending = t.cut() ? b : null;
                    } else {
                        c.send("install " + b.file() + " " + b.sha());
                        where = c.kill(plan);
                        lastCut = false;
                    }
                    tally.count(tally.killedIn, phase.name() + " / " + where + (agent ? " (whole agent)" : "")
                            + (viaTransfer && !plan.transfer() ? " (resumed transfer)" : ""));
                } finally {
                    c.destroy();
                    tally.child(mode, TimeUnit.NANOSECONDS.toMillis(booted - born),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - born));
                }
            }
        } finally {
            exec.shutdownNow();
        }
    }

    /** @param cut the transfer did not end (the sender never heard complete or an error) */
    record TransferTrial(String where, boolean cut) {
    }

    /**
     * Sends the bundle over MQTT and kills the child as planned: during the transfer (by chunk count,
     * time, or a receiver crash point), or after it like an install from a file.
     *
     * @param heldOnDisk chunks verified on disk before this boot, when this send resumes a cut one (else -1)
     */
    private static TransferTrial transferAndKill(Child c, Plan plan, Bundle b, Send send, int heldOnDisk, Tally tally,
            String trial) throws Exception {
        long t0 = System.nanoTime();
        String where = null;
        while (where == null && !send.done()) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (!c.p.isAlive()) {
                where = c.selfExit(b, trial);
            } else if (plan.killAtChunk() >= 0 && send.acked() >= plan.killAtChunk()) {
                c.p.destroyForcibly();
                where = "transfer: SIGKILL at a chunk count";
            } else if (plan.atRandomTime() && elapsed >= plan.delayMs()) {
                c.p.destroyForcibly();
                where = "transfer: SIGKILL at a random time";
            } else {
                send.awaitDone(1);
            }
        }
        if (where != null) {
            c.p.waitFor(30, TimeUnit.SECONDS);
            SendOutcome o = send.cancel();
            if (o.error() == null || o.error().code() == TransferError.HANDOVER_FAILED) {
                tally(o, heldOnDisk, tally, trial); // it ended just before the kill
                where += " (the transfer ended first)";
            } else {
                assertEquals(TransferError.CANCELLED, o.error().code(), trial + ": a transfer ends only when cancelled"
                        + " after the kill: " + o);
                tally.count(tally.transfers, "cut by the kill");
                return new TransferTrial(where, true);
            }
            return new TransferTrial(where, false);
        }
        SendOutcome o = send.await();
        tally(o, heldOnDisk, tally, trial);
        c.send("idle");
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Plan rest;
        if (plan.killAtChunk() >= 0) {
            rest = new Plan(List.of(), null, plan.delayMs());
        } else if (plan.atRandomTime()) {
            rest = new Plan(List.of(), null, Math.max(0, plan.delayMs() - elapsed));
        } else {
            rest = plan;
        }
        return new TransferTrial(c.kill(rest) + " (after the transfer)", false);
    }

    /** Checks and counts a transfer that ended (completed, or the deploy refused the bundle). */
    private static void tally(SendOutcome o, int heldOnDisk, Tally tally, String trial) {
        if (o.error() != null) {
            assertEquals(TransferError.HANDOVER_FAILED, o.error().code(), trial
                    + ": a transfer ends complete, or refused by the deploy (a bundle that failed before): " + o);
            tally.count(tally.transfers, "refused by the deploy (failed before)");
            return;
        }
        TransferResult r = o.result();
        if (o.sentAgain()) {
            tally.count(tally.transfers, "taken before: sent again from the start");
            return;
        }
        if (heldOnDisk < 0) {
            tally.count(tally.transfers, "completed");
            return;
        }
        assertEquals(heldOnDisk, r.heldAtStart(), trial + ": the resumed board reports the chunks verified on its disk: " + r);
        int missing = r.chunks() - r.heldAtStart();
        assertTrue(r.chunksSent() >= missing, trial + ": every missing chunk was sent: " + r);
        if (r.opens() == 1) {
            assertTrue(r.chunksSent() - r.chunksResent() <= missing, trial + ": a resume sends only missing chunks: " + r);
        }
        if (r.heldAtStart() > 0) {
            tally.count(tally.transfers, "resumed with chunks held");
            synchronized (tally) {
                tally.resumesWithHeld++;
                tally.resumedChunks += r.chunks();
                tally.resumedSent += r.chunksSent();
            }
        } else {
            tally.count(tally.transfers, "resumed from nothing held");
        }
    }

    /** The result of one send: the result, or the error it ended with; {@code sentAgain}: the board had taken it before. */
    record SendOutcome(TransferResult result, TransferException error, boolean sentAgain) {
    }

    /**
     * One transfer of a bundle to a board on a thread of its own, as {@code spindle deploy} does it: a
     * board that took the file before ({@code already}) gets it again from the start.
     */
    static final class Send {
        final AtomicInteger acked = new AtomicInteger();
        final AtomicReference<TransferSender> sender = new AtomicReference<>();
        final Future<SendOutcome> future;

        Send(Link link, String board, Bundle b, ExecutorService exec) {
            // long ack timeouts: nothing is lost on loopback, so the chunk counts stay exact on a loaded machine
            SenderOptions options = SenderOptions.defaults().withChunk(CHUNK, 8).withTimeouts(30_000, 60_000, 120_000,
                    300_000, 120_000);
            options = new SenderOptions(options.chunkSize(), options.window(), options.ackTimeoutMs(),
                    options.openResendMs(), options.openTimeoutMs(), options.stallTimeoutMs(), options.offlineTimeoutMs(),
                    options.completeTimeoutMs(), 0, false);
            SenderOptions opts = options;
            TransferListener listener = new TransferListener() {
                @Override
                public void opened(TransferProgress p, boolean resumed) {
                    acked.set(p.chunksAcked());
                }

                @Override
                public void progress(TransferProgress p) {
                    acked.set(p.chunksAcked());
                }
            };
            sender.set(new TransferSender(link, DeployTrialChild.FLEET, opts));
            future = exec.submit(() -> {
                try {
                    TransferResult r = sender.get().send(board, b.file(), null, listener);
                    if (!r.alreadyComplete()) {
                        return new SendOutcome(r, null, false);
                    }
                    TransferSender fresh = new TransferSender(link, DeployTrialChild.FLEET, opts.withFresh(true));
                    sender.set(fresh);
                    return new SendOutcome(fresh.send(board, b.file(), null, listener), null, true);
                } catch (TransferException e) {
                    return new SendOutcome(null, e, false);
                }
            });
        }

        int acked() {
            return acked.get();
        }

        boolean done() {
            return future.isDone();
        }

        void awaitDone(long ms) throws Exception {
            try {
                future.get(ms, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet
            }
        }

        SendOutcome await() throws Exception {
            return future.get(300, TimeUnit.SECONDS);
        }

        /** Cancels the send (the board was killed) and returns how it ended. */
        SendOutcome cancel() throws Exception {
            sender.get().cancel();
            SendOutcome o = await();
            TransferSender s = sender.get();
            s.cancel(); // a fresh resend that started in between
            return o;
        }
    }

    /**
     * Checks the staged transfer of {@code b} on the board's disk, reading the files independently of
     * the receiver's code (format: docs/protocol.md, "On the board's disk"): every chunk the bitmap
     * marks as held has the bundle's bytes in the part file; a bitmap without its part file, a torn or
     * damaged bitmap are errors (it is written atomically, after the data).
     *
     * @return the chunks the bitmap marks (0 without a bitmap)
     */
    static int verifyStaged(Board board, Bundle b, String trial) throws IOException {
        Path bitmap = board.incoming().resolve(b.sha() + ".bitmap");
        Path part = board.incoming().resolve(b.sha() + ".part");
        if (!Files.exists(bitmap)) {
            return 0;
        }
        assertTrue(Files.exists(part), trial + ": a bitmap outlived its part file");
        byte[] bm = Files.readAllBytes(bitmap);
        byte[] want = Files.readAllBytes(b.file());
        int count = (want.length + CHUNK - 1) / CHUNK;
        int bitBytes = (count + 7) / 8;
        assertEquals(24 + bitBytes + 4, bm.length, trial + ": the bitmap has its full length");
        ByteBuffer h = ByteBuffer.wrap(bm);
        CRC32 crc = new CRC32();
        crc.update(bm, 0, 24 + bitBytes);
        assertEquals((int) crc.getValue(), h.getInt(24 + bitBytes), trial + ": the bitmap's CRC-32 matches");
        assertEquals(0x5358424d, h.getInt(0), trial + ": bitmap magic");
        assertEquals(want.length, h.getLong(8), trial + ": bitmap size");
        assertEquals(CHUNK, h.getInt(16), trial + ": bitmap chunk size");
        assertEquals(count, h.getInt(20), trial + ": bitmap chunk count");
        byte[] got = Files.readAllBytes(part);
        assertEquals(want.length, got.length, trial + ": the part file has the bundle's size");
        int held = 0;
        for (int i = 0; i < count; i++) {
            if ((bm[24 + i / 8] & (1 << (i % 8))) == 0) {
                continue;
            }
            held++;
            int from = i * CHUNK;
            int to = Math.min(want.length, from + CHUNK);
            assertTrue(Arrays.equals(want, from, to, got, from, to), trial + ": chunk " + i
                    + " is marked held in the bitmap but its bytes on disk are not the bundle's");
        }
        return held;
    }

    /** After a boot with the receiver: no temp file, no half-promoted bundle, no bundle file of an ended deploy. */
    static void checkStagingClean(Board board, String trial) throws IOException {
        if (Files.isDirectory(board.incoming())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(board.incoming())) {
                for (Path p : ds) {
                    String f = p.getFileName().toString();
                    assertTrue(f.matches("[0-9a-f]{64}\\.(open|part|bitmap|done)"),
                            trial + ": only a transfer's own files are left in the staging directory, not " + f);
                }
            }
        }
        Path bundles = board.data().resolve("deploy-bundles");
        if (Files.isDirectory(bundles)) {
            try (java.util.stream.Stream<Path> l = Files.list(bundles)) {
                List<Path> left = l.toList();
                assertTrue(left.isEmpty(), trial + ": bundle files of ended deploys are deleted at boot: " + left);
            }
        }
    }

    /**
     * Checks the board after a boot and classifies the previous trial's deploy.
     *
     * @return {@code completed}, {@code rolled back} (the new firmware ran and failed, or was interrupted
     *         during its health check), or {@code not switched} (stopped before the new firmware ran)
     */
    private static String check(Path data, String[] booted, Bundle last, String trial) throws IOException {
        String active = booted[1];
        String app = booted[2];
        String running = booted[3];
        DeployState s = Json.MAPPER.readValue(Files.readAllBytes(data.resolve(StateStore.FILE)), DeployState.class);
        assertNull(StateStore.invalid(s), trial + ": the state file is consistent: " + s);
        assertNull(s.pending(), trial + ": no step left pending after boot: " + s);
        assertEquals(s.active(), active, trial);
        assertEquals("running", app, trial + ": the app runs (" + s + ")");
        if (DeployState.isSlot(active)) {
            DeployState.Slot slot = s.slot(active);
            assertEquals(DeployState.GOOD, slot.status(), trial + ": the active slot is good: " + s);
            new SlotStore(data).check(active); // throws if the slot's files are not intact
            assertEquals(slot.version() + "/good", running, trial + ": the active slot's own code runs");
        } else {
            assertEquals("factory", running, trial);
        }
        for (String x : List.of(DeployState.SLOT_A, DeployState.SLOT_B)) {
            String st = s.slot(x).status();
            assertTrue(!st.equals(DeployState.TRIAL) && !st.equals(DeployState.INSTALLING),
                    trial + ": no slot is left half installed or on trial: " + s);
        }
        if (last == null) {
            return "first boot";
        }
        DeployState.Slot now = DeployState.isSlot(active) ? s.slot(active) : null;
        if (now != null && last.sha().equals(now.sha256())) {
            assertTrue(last.good(), trial + ": only a good bundle completes: " + last.label());
            return "completed";
        }
        DeployState.HistoryEntry h = s.history().isEmpty() ? null : s.history().get(s.history().size() - 1);
        if (s.failed().containsKey(last.sha()) && h != null && "rolled_back".equals(h.outcome())
                && last.sha().equals(h.sha256())) {
            return "rolled back";
        }
        assertNotNull(s, trial);
        return "not switched";
    }

    /**
     * Faster child JVMs: the class path as jars only (the build's class directories packed into
     * jars), and a class data sharing archive of every class a deploy loads, written by one
     * warm-up child at its exit (-XX:ArchiveClassesAtExit) and mapped by every other child. A
     * failure here only costs speed: the children then start without the archive.
     */
    static final class FastStart {
        private static final String BUILD_CLASS_PATH = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        private static String classPath = BUILD_CLASS_PATH;
        private static Path archive;

        /** Back to the build's class path, no archive. */
        static void reset() {
            classPath = BUILD_CLASS_PATH;
            archive = null;
        }

        /** The warm-up child runs the transfer mode (a superset of the light child's classes, plus MQTT). */
        static void prepare(Path dir, Path trust, String brokerUrl, Path bundle, String sha) throws Exception {
            Files.createDirectories(dir);
            List<String> jars = new ArrayList<>();
            int n = 0;
            for (String e : classPath.split(java.io.File.pathSeparator)) {
                Path p = Path.of(e);
                if (Files.isDirectory(p)) {
                    Path jar = dir.resolve("cp-" + n++ + ".jar");
                    try (java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                            java.util.stream.Stream<Path> files = Files.walk(p)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                            j.putNextEntry(new java.util.jar.JarEntry(p.relativize(f).toString().replace('\\', '/')));
                            Files.copy(f, j);
                        }
                    }
                    jars.add(jar.toString());
                } else if (Files.exists(p)) {
                    jars.add(e);
                }
            }
            classPath = String.join(java.io.File.pathSeparator, jars);
            Path jsa = dir.resolve("trials.jsa");
            Path data = Files.createDirectories(dir.resolve("warm-up-data"));
            Process w = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ArchiveClassesAtExit=" + jsa, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    classPath, DeployTrialChild.class.getName(), "transfer", data.toString(), Long.toString(GRACE_MS),
                    trust.toString(), brokerUrl, "warm-up")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("warm-up.log").toFile()).start();
            try (OutputStream o = w.getOutputStream()) {
                o.write(("install " + bundle + " " + sha + "\n").getBytes(StandardCharsets.UTF_8));
            }
            boolean ended = w.waitFor(120, TimeUnit.SECONDS);
            if (ended && w.exitValue() == 0 && Files.exists(jsa)) {
                archive = jsa;
            } else {
                w.destroyForcibly();
                System.out.println("DeployKillTrialsTest: no class data archive (" + dir.resolve("warm-up.log")
                        + "); the children start slower");
            }
        }

        static String classPath() {
            return classPath;
        }

        static List<String> options() {
            return archive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + archive);
        }
    }

    /** One child JVM; its stdout is read into a queue. */
    private static final class Child {
        final Process p;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        volatile String lastPhase = "before install";

        final Board board;

        /** @param mode {@code lite}, {@code transfer} or {@code agent} ({@link DeployTrialChild}) */
        Child(Board board, Path trust, String mode, String brokerUrl, List<String> opts) throws IOException {
            this.board = board;
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-XX:-UsePerfData"));
            cmd.addAll(opts);
            cmd.addAll(FastStart.options());
            cmd.addAll(List.of("-cp", FastStart.classPath(),
                    DeployTrialChild.class.getName(), mode, board.data().toString(), Long.toString(GRACE_MS),
                    trust.toString()));
            if (!mode.equals("lite")) {
                cmd.add(brokerUrl);
                cmd.add(board.id());
            }
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(board.errLog().toFile())).start();
            java.lang.Thread r = new java.lang.Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = in.readLine()) != null;) {
                        if (l.startsWith("EVENT deploy_progress")) {
                            int k = l.indexOf("\"phase\":\"");
                            lastPhase = l.substring(k + 9, l.indexOf('"', k + 9));
                        } else if (l.startsWith("EVENT deploy_done") || l.startsWith("EVENT deploy_failed")
                                || l.startsWith("EVENT rollback")) {
                            lastPhase = l.substring(6, l.indexOf(' ', 6));
                        }
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // the process died
                }
                lines.add("EOF");
            }, "trial-reader");
            r.setDaemon(true);
            r.start();
        }

        String expect(String prefix) throws InterruptedException {
            while (true) {
                String l = lines.poll(120, TimeUnit.SECONDS);
                if (l == null) {
                    throw new AssertionError("the child hung before printing " + prefix + "; its stderr ends:\n" + errTail());
                }
                if (l.equals("EOF")) {
                    p.waitFor(30, TimeUnit.SECONDS);
                    assertEquals(CrashPoint.HALT_STATUS, p.exitValue(), "the child ended only by a crash point; its"
                            + " stderr ends:\n" + errTail());
                    return null;
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
        }

        void send(String line) throws IOException {
            OutputStream o = p.getOutputStream();
            o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
        }

        /** Kills the child as planned; @return where the deploy was */
        String kill(Plan plan) throws InterruptedException {
            long end = System.currentTimeMillis() + 60_000;
            if (plan.afterPhase() != null) {
                while (p.isAlive() && !plan.afterPhase().equals(lastPhase) && !idle() && System.currentTimeMillis() < end) {
                    java.lang.Thread.sleep(2);
                }
            }
            if (plan.delayMs() >= 0) {
                p.waitFor(plan.delayMs(), TimeUnit.MILLISECONDS);
                String where = p.isAlive() ? lastPhase : "exited by itself: " + lastPhase;
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                return where;
            }
            while (p.isAlive() && System.currentTimeMillis() < end && !idle()) {
                p.waitFor(10, TimeUnit.MILLISECONDS);
            }
            String where = p.isAlive() ? "step not on this path, killed when idle" : "halted at its step";
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            return where;
        }

        /**
         * The child ended by itself while it received {@code b}: only a crash point's halt, or the
         * firmware of the bundle that halts the JVM, may end it.
         *
         * @return where it ended
         */
        String selfExit(Bundle b, String trial) throws InterruptedException {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), trial + ": the child ended");
            int status = p.exitValue();
            if (status == CrashPoint.HALT_STATUS) {
                return "transfer: halted at its step";
            }
            assertTrue(status == FIRMWARE_HALT_STATUS && b.label().equals("exit"), trial + ": the child ended with status "
                    + status + ", not by a crash point or its firmware; its stderr ends:\n" + errTail());
            return "exited by itself: " + lastPhase;
        }

        private String errTail() {
            try {
                List<String> l = Files.readAllLines(board.errLog(), StandardCharsets.UTF_8);
                return String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        private boolean idle() {
            for (String l : lines) {
                if (l.startsWith("IDLE")) {
                    return true;
                }
            }
            return false;
        }

        void destroy() throws InterruptedException {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
