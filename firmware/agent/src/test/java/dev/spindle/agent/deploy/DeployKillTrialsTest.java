package dev.spindle.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.DeployTrialChild;
import dev.spindle.agent.SlotBundles;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * checks then judge), receives one install, and is killed. Most trials use the light child (the
 * real controller, app runner and disk, no MQTT); every {@value #AGENT_EVERY}th runs the whole agent
 * against Moquette in this JVM. The seed is printed; replay with {@code -Dspindle.kill.seed=N}
 * ({@code -Dspindle.kill.trials=N} for more or fewer trials). Kill moments come from
 * {@link #phases()}: a phase is a name and how to pick a moment, so the transfer's kill points can be
 * added as one more phase.
 */
@Timeout(value = 1800, unit = TimeUnit.SECONDS) // hang guard only (a loaded machine is slow)
class DeployKillTrialsTest {
    static final int AGENT_EVERY = 25;
    static final long GRACE_MS = 150;

    @TempDir
    Path dir;

    /**
     * When to kill the child.
     *
     * @param opts       JVM options for the child (a crash point)
     * @param afterPhase kill only after this {@code deploy_progress} phase was reported (null: from the install)
     * @param delayMs    then wait this long and SIGKILL; -1: wait until the child halts itself or is idle
     */
    record Plan(List<String> opts, String afterPhase, long delayMs) {
    }

    /** How a trial picks its kill moment; the transfer's kill points will be one more phase. */
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
        return p;
    }

    record Bundle(String label, Path file, String sha, String version, boolean good) {
    }

    @Test
    void killedAnywhereTheBoardComesBackConsistent() throws Exception {
        long seed = Long.getLong("spindle.kill.seed", System.nanoTime());
        int trials = Integer.getInteger("spindle.kill.trials", 200);
        System.out.println("DeployKillTrialsTest: seed " + seed + " (replay: -Dspindle.kill.seed=" + seed + "), " + trials
                + " trials");
        Random rnd = new Random(seed);
        SlotBundles sb = new SlotBundles(dir.resolve("bundles"));
        List<Bundle> bundles = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            Path f = sb.signed("slot-app", v + ".0.0", "good");
            bundles.add(new Bundle("good", f, SlotBundles.sha256(f), v + ".0.0", true));
        }
        for (String mode : List.of("crash", "unhealthy", "exit")) {
            Path f = sb.signed("slot-app", "9.0.0-" + mode, mode);
            bundles.add(new Bundle(mode, f, SlotBundles.sha256(f), "9.0.0-" + mode, false));
        }
        Path trust = dir.resolve("bundles/trust");
        FastStart.prepare(dir.resolve("cds"), trust, bundles.get(0).file(), bundles.get(0).sha());
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> killedIn = new TreeMap<>();
        long t0 = System.currentTimeMillis();
        // two chains of trials side by side (each its own board: data directory), one per core
        int chains = 2;
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(chains);
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            for (int k = 0; k < chains; k++) {
                Path data = Files.createDirectories(dir.resolve("data-" + k));
                Random r = new Random(seed + k);
                int n = trials / chains + (k < trials % chains ? 1 : 0);
                running.add(pool.submit(() -> {
                    chain(data, trust, broker.url(), bundles, r, n, "seed " + seed + ", chain " + data.getFileName(),
                            outcomes, killedIn);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
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
                outcomes);
        System.out.println("DeployKillTrialsTest: killed in " + killedIn);
        int kills = killedIn.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(trials, kills, "every trial killed the child once: " + killedIn);
        assertTrue(outcomes.getOrDefault("completed", 0) > 0 && outcomes.getOrDefault("rolled back", 0) > 0,
                "both outcomes happen: " + outcomes);
    }

    /** One board: {@code trials} kill/restart rounds on one data directory. */
    private static void chain(Path data, Path trust, String brokerUrl, List<Bundle> bundles, Random rnd, int trials,
            String label, Map<String, Integer> outcomes, Map<String, Integer> killedIn) throws Exception {
        List<Phase> phases = phases();
        Bundle last = null;
        for (int i = 0; i <= trials; i++) {
            boolean agent = i % AGENT_EVERY == AGENT_EVERY - 1;
            Phase phase = phases.get(rnd.nextInt(phases.size()));
            Plan plan = i == trials ? new Plan(List.of(), null, -1) : phase.plan(rnd);
            Child c = new Child(data, trust, agent ? brokerUrl : null, plan.opts());
            try {
                String line = c.expect("BOOTED");
                if (line == null) { // halted at its step while recovering from the previous kill: judged at the next boot
                    synchronized (outcomes) {
                        killedIn.merge(phase.name() + " / during boot recovery", 1, Integer::sum);
                    }
                    continue;
                }
                String outcome = check(data, line.split(" "), last, "trial " + i + " (" + label + ")");
                if (last != null) {
                    synchronized (outcomes) {
                        outcomes.merge(outcome, 1, Integer::sum);
                    }
                    last = null;
                }
                if (i == trials) {
                    break;
                }
                DeployState now = Json.MAPPER.readValue(Files.readAllBytes(data.resolve(StateStore.FILE)),
                        DeployState.class);
                String activeSha = DeployState.isSlot(now.active()) ? now.slot(now.active()).sha256() : null;
                Bundle b;
                do { // never the running bundle: then "active holds the new SHA-256" means the deploy completed
                    b = bundles.get(rnd.nextInt(10) < 6 ? rnd.nextInt(4) : 4 + rnd.nextInt(3));
                } while (b.sha().equals(activeSha));
                last = b;
                c.send("install " + b.file() + " " + b.sha());
                String where = c.kill(plan);
                synchronized (outcomes) {
                    killedIn.merge(phase.name() + " / " + where + (agent ? " (whole agent)" : ""), 1, Integer::sum);
                }
            } finally {
                c.destroy();
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
        private static String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        private static Path archive;

        static void prepare(Path dir, Path trust, Path bundle, String sha) throws Exception {
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
                    classPath, DeployTrialChild.class.getName(), "lite", data.toString(), Long.toString(GRACE_MS),
                    trust.toString())
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

        Child(Path data, Path trust, String brokerUrl, List<String> opts) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-XX:-UsePerfData"));
            cmd.addAll(opts);
            cmd.addAll(FastStart.options());
            cmd.addAll(List.of("-cp", FastStart.classPath(),
                    DeployTrialChild.class.getName(), brokerUrl == null ? "lite" : "agent", data.toString(),
                    Long.toString(GRACE_MS), trust.toString()));
            if (brokerUrl != null) {
                cmd.add(brokerUrl);
            }
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
                    throw new AssertionError("the child hung before printing " + prefix);
                }
                if (l.equals("EOF")) {
                    p.waitFor(30, TimeUnit.SECONDS);
                    assertEquals(CrashPoint.HALT_STATUS, p.exitValue(), "the child ended only by a crash point");
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
