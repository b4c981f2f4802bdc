package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.agent.SlotBundles;
import dev.spindle.agent.SlotTestApp;
import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.SpindleCommand;
import dev.spindle.tools.SpindleRun;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindle deploy} end to end: real agents (in this JVM) on a real Mosquitto, real signed
 * bundles of {@link SlotTestApp}, the chunked MQTT transfer, the A/B slots and the health check,
 * and {@code spindle rollback}. No stand-in on either side.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class DeployWithAgentsTest {
    private static final String FLEET = "e2e";

    @TempDir
    Path dir;

    private MosquittoBroker mosquitto;
    private final List<Agent> agents = new ArrayList<>();

    @BeforeEach
    void broker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        mosquitto = new MosquittoBroker(dir.resolve("mosquitto"), port).persistent(); // restarted mid-transfer
        mosquitto.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Agent a : agents) {
            a.close();
        }
        mosquitto.close();
    }

    private Agent agent(String board, Path trust) throws Exception {
        Path data = dir.resolve("board-" + board);
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", FLEET);
        p.setProperty("board.type", "sim");
        p.setProperty("broker.url", mosquitto.url());
        p.setProperty("data.dir", data.toString());
        p.setProperty("telemetry.period.s", "1"); // stale after 3 s: a loaded machine delays 0.3 s easily
        p.setProperty("app.main", Factory.class.getName());
        p.setProperty("app.version", "factory-1");
        p.setProperty("deploy.trust", trust.toString());
        p.setProperty("deploy.health.grace.ms", "1500"); // a telemetry message must be acknowledged within it
        Agent a = new Agent(AgentConfig.from(p, "test", data), BoardIo.NONE);
        agents.add(a);
        a.start();
        assertTrue(a.awaitConnected(30_000), "agent " + board + " did not connect");
        return a;
    }

    /** The factory firmware of the test boards: a main that returns at once. */
    public static final class Factory {
        private Factory() {
        }

        public static void main(String[] args) {
            // nothing to run
        }
    }

    private SpindleRun deploy(Path bundle, Path trust, String... boards) {
        List<String> a = new ArrayList<>(List.of("deploy", bundle.toString(), "--broker", mosquitto.url(), "--fleet",
                FLEET, "--state-dir", dir.resolve("state").toString(), "--trust", trust.toString(), "--discover",
                "700", "--status-poll", "300ms", "--json"));
        for (String b : boards) {
            if (b.startsWith("--")) {
                a.add(b);
            } else {
                a.add("--board");
                a.add(b);
            }
        }
        return SpindleRun.of(a.toArray(new String[0]));
    }

    @Test
    void deployToTwoBoards_bothRunIt_thenRollbackGoesBack_andTheSameBundleDeploysAgain() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path v1 = bundles.signed("e2e-app", "1.0.0", "good");
        Path v2 = bundles.signed("e2e-app", "2.0.0", "good");
        Agent b1 = agent("b1", bundles.trust());
        Agent b2 = agent("b2", bundles.trust());

        SpindleRun r = deploy(v1, bundles.trust(), "b1", "b2");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.json().path("ok").asBoolean(), r.out());
        for (String b : List.of("b1", "b2")) {
            assertEquals("done", r.board(b).path("state").asText(), r.out());
            assertEquals("1.0.0", r.board(b).path("version").asText(), r.out());
        }
        String sha1 = SlotBundles.sha256(v1);
        for (Agent a : List.of(b1, b2)) {
            assertTrue(a.deploy().awaitIdle(30_000));
            assertEquals("1.0.0", a.deploy().firmwareVersion());
            JsonNode st = a.deploy().status();
            assertEquals(sha1, st.path("slots").path(st.path("active").asText()).path("sha256").asText(), st.toString());
        }
        assertEquals("1.0.0 good", System.getProperty("spindle.test.slot-app")); // the bundle's own code runs
        String audit = Files.readString(dir.resolve("state/audit.log"));
        assertTrue(audit.contains(sha1) && audit.contains("\"b1\"") && audit.contains("\"b2\""), audit);
        // the transfer and the install left no bundle file behind on the boards
        assertTrue(waitEmpty(dir.resolve("board-b1/deploy-bundles")), files(dir.resolve("board-b1/deploy-bundles")).toString());
        assertEquals(List.of(), files(dir.resolve("board-b1/incoming")).stream().filter(f -> !f.endsWith(".done")).toList());

        // Two agents in one JVM share the Spindle thread registry, so an app stop waits for the other
        // board's app threads too: b2 leaves before b1 switches firmware again.
        agents.remove(b2);
        b2.close();

        SpindleRun again = deploy(v1, bundles.trust(), "b1");
        assertEquals(ExitCodes.OK, again.code(), again.out() + again.err()); // already runs it: nothing sent

        SpindleRun up = deploy(v2, bundles.trust(), "b1");
        assertEquals(ExitCodes.OK, up.code(), up.out() + up.err());
        assertEquals("2.0.0", b1.deploy().firmwareVersion());
        assertEquals("2.0.0 good", System.getProperty("spindle.test.slot-app"));

        SpindleRun back = SpindleRun.of("rollback", "b1", "--broker", mosquitto.url(), "--fleet", FLEET);
        assertEquals(ExitCodes.OK, back.code(), back.err());
        assertTrue(back.out().contains("now running e2e-app 1.0.0"), back.out());
        assertEquals("1.0.0", b1.deploy().firmwareVersion());

        // the board took v2's transfer before: it must get (and install) it again, not answer "already complete"
        SpindleRun redo = deploy(v2, bundles.trust(), "b1");
        assertEquals(ExitCodes.OK, redo.code(), redo.out() + redo.err());
        assertEquals("2.0.0", redo.board("b1").path("version").asText());
        assertEquals("2.0.0", b1.deploy().firmwareVersion());
    }

    @Test
    void aCrashingBundleRollsBack_exit6_andIsRefusedAsPreviouslyFailed() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path bad = bundles.signed("e2e-app", "3.0.0", "crash");
        Agent b1 = agent("b1", bundles.trust());

        SpindleRun r = deploy(bad, bundles.trust(), "b1");
        assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, r.code(), r.out() + r.err());
        JsonNode b = r.board("b1");
        assertEquals("rolled_back", b.path("state").asText(), r.out());
        assertTrue(b.path("reason").asText().startsWith("app_crashed"), r.out());
        assertTrue(b1.deploy().awaitIdle(30_000));
        assertEquals("factory", b1.deploy().activeSlot());
        assertEquals("factory-1", b1.deploy().firmwareVersion());

        SpindleRun again = deploy(bad, bundles.trust(), "b1");
        assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, again.code(), again.out() + again.err());
        assertEquals("failed", again.board("b1").path("state").asText(), again.out());
        assertTrue(again.board("b1").path("reason").asText().startsWith("previously_failed"), again.out());
        assertEquals("factory", b1.deploy().activeSlot());

        // --force: the board installs it anyway (meta.force of the transfer), and it crashes again
        SpindleRun forced = deploy(bad, bundles.trust(), "b1", "--force");
        assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, forced.code(), forced.out() + forced.err());
        assertEquals("rolled_back", forced.board("b1").path("state").asText(), forced.out());
        assertTrue(forced.board("b1").path("reason").asText().startsWith("app_crashed"), forced.out());
        assertTrue(b1.deploy().awaitIdle(30_000));
        assertEquals("factory", b1.deploy().activeSlot());
        assertEquals(2, b1.deploy().state().history().stream().filter(h -> "rolled_back".equals(h.outcome())).count());
    }

    @Test
    void aBrokerRestartInTheMiddleOfTheTransfer_theRolloutStillCompletes() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path big = paddedBundle(bundles, 16 << 20);
        String sha = SlotBundles.sha256(big);
        Agent b1 = agent("b1", bundles.trust());
        long t0 = System.nanoTime();

        AtomicReference<SpindleRun> result = new AtomicReference<>();
        Thread host = new Thread(() -> result.set(deploy(big, bundles.trust(), "b1")), "e2e-deploy");
        host.start();
        Path part = dir.resolve("board-b1/incoming/" + sha + ".part");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(part) && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(Files.exists(part), "the transfer never started");
        mosquitto.stop();
        // the precondition of this test: the broker went away while the transfer was under way
        assertFalse(Files.exists(dir.resolve("board-b1/incoming/" + sha + ".done")), "the transfer ended too soon");
        Thread.sleep(1500);
        mosquitto.start();
        host.join(150_000);
        System.out.println("e2e broker restart: rollout ended after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        SpindleRun r = result.get();
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals("done", r.board("b1").path("state").asText(), r.out());
        assertEquals("4.0.0", b1.deploy().firmwareVersion());
    }

    @Test
    void theHostToolKilledInTheMiddleOfTheTransfer_resumeFinishesTheRollout() throws Exception {
        SlotBundles bundles = new SlotBundles(dir.resolve("bundles"));
        Path big = paddedBundle(bundles, 12 << 20);
        long t0 = System.nanoTime();
        String sha = SlotBundles.sha256(big);
        Agent b1 = agent("b1", bundles.trust());

        Path state = dir.resolve("state");
        Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), SpindleCommand.class.getName(), "deploy", big.toString(),
                "--board", "b1", "--broker", mosquitto.url(), "--fleet", FLEET, "--state-dir", state.toString(),
                "--trust", bundles.trust().toString(), "--discover", "700", "--json")
                .redirectErrorStream(true).redirectOutput(dir.resolve("host.log").toFile()).start();
        Path part = dir.resolve("board-b1/incoming/" + sha + ".part");
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            while (!Files.exists(part) && host.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(2);
            }
            assertTrue(Files.exists(part), () -> "the transfer never started: " + read(dir.resolve("host.log")));
        } finally {
            host.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no clean-up in the host tool
        }
        assertFalse(Files.exists(dir.resolve("board-b1/incoming/" + sha + ".done")), "the transfer ended too soon");
        System.out.println("e2e resume: host tool killed after " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        SpindleRun r = SpindleRun.of("deploy", "--resume", "--broker", mosquitto.url(), "--fleet", FLEET, "--state-dir",
                state.toString(), "--status-poll", "300ms", "--json");
        System.out.println("e2e resume: resumed rollout ended after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertEquals("done", r.board("b1").path("state").asText(), r.out());
        assertEquals("4.0.0", b1.deploy().firmwareVersion());
        String audit = Files.readString(state.resolve("audit.log"));
        assertTrue(audit.contains("rollout_resumed") && audit.contains(sha), audit);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** A signed bundle of the good slot app with a library of {@code padBytes} random (incompressible) bytes. */
    private Path paddedBundle(SlotBundles bundles, int padBytes) throws Exception {
        Path work = Files.createDirectories(dir.resolve("padded"));
        Path jar = work.resolve("app.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("slot-app.properties"));
            j.write("version=4.0.0\nmode=good\n".getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("dev/spindle/agent/SlotTestApp.class"));
            try (InputStream in = SlotTestApp.class.getResourceAsStream("SlotTestApp.class")) {
                in.transferTo(j);
            }
        }
        Path lib = work.resolve("pad.jar");
        byte[] pad = new byte[padBytes];
        new Random(7).nextBytes(pad);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(lib))) {
            j.putNextEntry(new JarEntry("pad.bin"));
            j.write(pad);
        }
        Path unsigned = work.resolve("unsigned.zip");
        BundleBuilder.build(new BundleBuilder.Spec("e2e-big", SemVer.parse("4.0.0"), SlotTestApp.class.getName(),
                List.of("sim"), SemVer.parse("0.1.0-SNAPSHOT")), jar, List.of(lib), unsigned);
        Path signed = work.resolve("e2e-big-4.0.0.zip");
        return bundles.sign(unsigned, signed);
    }

    private static boolean waitEmpty(Path d) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!files(d).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return files(d).isEmpty();
    }

    private static List<String> files(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
