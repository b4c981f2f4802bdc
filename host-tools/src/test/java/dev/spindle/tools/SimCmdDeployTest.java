package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.agent.SlotBundles;
import dev.spindle.agent.SlotTestApp;
import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.testing.MosquittoBroker;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code spindle sim --trust --health-grace}: simulated boards take a signed bundle from the real
 * {@code spindle deploy} (transfer, A/B slots, health check) when they trust its key, and refuse
 * one signed by another key; a missing key file is a usage error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class SimCmdDeployTest {
    private static final String FLEET = "simdeploy";

    @TempDir
    Path dir;

    private static Path bundle(SlotBundles keys, Path dir, String version) throws Exception {
        Path jar = dir.resolve("app-" + version + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("slot-app.properties"));
            j.write(("version=" + version + "\nmode=good\n").getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("dev/spindle/agent/SlotTestApp.class"));
            try (InputStream in = SlotTestApp.class.getResourceAsStream("SlotTestApp.class")) {
                in.transferTo(j);
            }
        }
        Path unsigned = dir.resolve("unsigned-" + version + ".zip");
        // board type none: what spindle sim boards report
        BundleBuilder.build(new BundleBuilder.Spec("sim-app", SemVer.parse(version), SlotTestApp.class.getName(),
                List.of("none"), SemVer.parse("0.0.1")), jar, List.of(), unsigned);
        return keys.sign(unsigned, dir.resolve("sim-app-" + version + ".zip"));
    }

    private static String[] deploy(String url, Path bundle, Path state) {
        return new String[] {"deploy", bundle.toString(), "--broker", url, "--fleet", FLEET, "--board", "t-0001,t-0002",
            "--state-dir", state.toString(), "--discover", "1000", "--status-poll", "300ms", "--json"};
    }

    @Test
    void boardsTrustingTheKeyRunTheBundle_andRefuseAnotherKeysBundle() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("mosquitto"), port)) {
            broker.start();
            SlotBundles trusted = new SlotBundles(dir.resolve("trusted"));
            SlotBundles other = new SlotBundles(dir.resolve("other"));
            Path good = bundle(trusted, dir.resolve("trusted"), "1.0.0");
            Path foreign = bundle(other, dir.resolve("other"), "2.0.0");

            CommandLine sim = SpindleCommand.commandLine();
            StringWriter simOut = new StringWriter();
            sim.setOut(new PrintWriter(simOut, true));
            sim.setErr(new PrintWriter(simOut, true));
            SimCmd cmd = (SimCmd) sim.getSubcommands().get("sim").getCommand();
            AtomicInteger simCode = new AtomicInteger(-1);
            Thread t = new Thread(() -> simCode.set(sim.execute("sim", "--boards", "2", "--prefix", "t-", "--broker",
                    broker.url(), "--fleet", FLEET, "--period", "0.2", "--start-rate", "0", "--data-dir",
                    dir.resolve("boards").toString(), "--trust", trusted.trust().toString(), "--health-grace", "500")),
                    "spindle-sim");
            t.start();
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while (!simOut.toString().contains("All 2 boards online")) {
                    assertTrue(t.isAlive() && System.currentTimeMillis() < deadline, simOut.toString());
                    Thread.sleep(50);
                }

                CommandLine d = SpindleCommand.commandLine();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                d.setOut(new PrintWriter(out, true));
                d.setErr(new PrintWriter(err, true));
                int code = d.execute(deploy(broker.url(), good, dir.resolve("state")));
                assertEquals(ExitCodes.OK, code, out + "" + err);
                JsonNode s = Json.MAPPER.readTree(out.toString());
                for (JsonNode b : s.path("boards")) {
                    assertEquals("done", b.path("state").asText(), out.toString());
                    assertEquals("1.0.0", b.path("version").asText(), out.toString());
                }
                assertEquals(2, s.path("boards").size(), out.toString());
                // the slot's own code runs on the boards
                assertEquals("1.0.0 good", System.getProperty("spindle.test.slot-app"));

                // a bundle signed by a key the boards do not trust: every board refuses it
                CommandLine d2 = SpindleCommand.commandLine();
                StringWriter out2 = new StringWriter();
                d2.setOut(new PrintWriter(out2, true));
                d2.setErr(new PrintWriter(out2, true));
                int code2 = d2.execute(deploy(broker.url(), foreign, dir.resolve("state")));
                assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, code2, out2.toString());
                JsonNode first = Json.MAPPER.readTree(out2.toString()).path("boards").get(0);
                assertEquals("failed", first.path("state").asText(), out2.toString());
                assertTrue(first.path("reason").asText().startsWith("untrusted_key"), out2.toString());
            } finally {
                cmd.stop();
                t.join(60_000);
            }
            assertEquals(ExitCodes.OK, simCode.get(), simOut.toString());
        }
    }

    @Test
    void aMissingTrustFileIsAUsageError() {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("sim", "--boards", "1", "--broker", "tcp://127.0.0.1:1", "--trust",
                dir.resolve("nope.pub").toString());
        assertEquals(ExitCodes.USAGE, code, err.toString());
        assertTrue(err.toString().contains("--trust") && err.toString().contains("nope.pub"), err.toString());
    }
}
