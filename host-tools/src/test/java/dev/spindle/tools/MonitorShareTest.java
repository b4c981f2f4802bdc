package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.testing.MosquittoBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spindle monitor --share GROUP}: against a real Mosquitto, and refused on the embedded Moquette. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class MonitorShareTest {
    static final int N = 200;

    /** A monitor running on its own thread, its output kept. */
    static final class Running {
        final CommandLine cl = SpindleCommand.commandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;

        Running(String... args) {
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> code.set(cl.execute(args)), "monitor-under-test");
            thread.start();
        }

        int stop() throws InterruptedException {
            ((MonitorCmd) cl.getSubcommands().get("monitor").getCommand()).stop();
            thread.join(30_000);
            return code.get();
        }

        List<JsonNode> lines() throws Exception {
            List<JsonNode> l = new ArrayList<>();
            for (String s : out.toString().split("\n")) {
                if (!s.isBlank()) {
                    l.add(Json.MAPPER.readTree(s));
                }
            }
            return l;
        }

        long events() throws Exception {
            return lines().stream().filter(j -> j.path("kind").asText().equals("events")).count();
        }
    }

    @Test
    void twoMonitorsOfOneGroupSplitTheEventsWithNoneLostAndNoneTwice(@TempDir Path dir) throws Exception {
        try (MosquittoBroker mosquitto = new MosquittoBroker(dir.resolve("mosquitto"))) {
            mosquitto.start();
            Link boards = new Link(LinkConfig.builder(mosquitto.url(), "share-test-boards").build());
            boards.start();
            assertTrue(boards.awaitConnected(30_000));
            String[] args = {"monitor", "--json", "--share", "g1", "--broker", mosquitto.url(), "--fleet", "sh"};
            Running a = new Running(args);
            Running b = new Running(args);
            try {
                // both subscribed: the state topic is not shared, so each monitor sees it
                long deadline = System.currentTimeMillis() + 30_000;
                long ts = System.currentTimeMillis();
                while (!(a.out.toString().contains("\"kind\":\"state\"") && b.out.toString().contains("\"kind\":\"state\""))) {
                    assertTrue(System.currentTimeMillis() < deadline, "monitors not subscribed: " + a.err + b.err);
                    boards.publish(Topics.state("sh", "b0"), Json.bytes(new StateMessage(1, ts, "sh", "b0", true, null, 1,
                            "sim", "0.1.0", "app", null, ts, 1.0)), 1, true);
                    Thread.sleep(100);
                }
                for (int i = 0; i < N; i++) {
                    String board = "b" + (i % 5);
                    boards.publish(Topics.events("sh", board), Json.bytes(new EventMessage(1, System.currentTimeMillis(), 1,
                            i, EventMessage.APP_STARTED, EventMessage.INFO, "e-" + i, null, null, null)), 1, false);
                }
                while (a.events() + b.events() < N && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(300); // a duplicate would arrive now
            } finally {
                assertEquals(ExitCodes.OK, a.stop(), a.err.toString());
                assertEquals(ExitCodes.OK, b.stop(), b.err.toString());
                boards.close();
            }
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Running r : List.of(a, b)) {
                long mine = 0;
                for (JsonNode j : r.lines()) {
                    if (j.path("kind").asText().equals("events")) {
                        total++;
                        mine++;
                        assertTrue(seen.add(j.path("message").path("message").asText()), "twice: " + j);
                    }
                }
                assertTrue(mine > 0, "each monitor of the group gets a share: " + mine + " of " + N);
            }
            assertEquals(N, total, "none lost, none twice");
            assertEquals(N, seen.size());
        }
    }

    /**
     * The --share check runs before anything of the fleet is subscribed: its answer must not queue
     * behind the fleet's messages. The monitor's output blocks until the check passed (or the
     * monitor ended), so a fleet message handled before the check holds the worker, the check's
     * answer waits behind it, the check gives up (after its own 3 s) and the monitor fails.
     */
    @Test
    void theShareCheckDoesNotWaitBehindTheFleet(@TempDir Path dir) throws Exception {
        try (MosquittoBroker mosquitto = new MosquittoBroker(dir.resolve("mosquitto"))) {
            mosquitto.start();
            Link boards = new Link(LinkConfig.builder(mosquitto.url(), "probe-test-boards").build());
            boards.start();
            assertTrue(boards.awaitConnected(30_000));
            long ts = System.currentTimeMillis();
            for (int i = 0; i < 50; i++) { // retained: delivered the moment the monitor subscribes
                boards.publish(Topics.state("pq", "b" + i), Json.bytes(new StateMessage(1, ts, "pq", "b" + i, true, null, 1,
                        "sim", "0.1.0", "app", null, ts, 1.0)), 1, true);
            }
            CommandLine cl = SpindleCommand.commandLine();
            MonitorCmd monitor = (MonitorCmd) cl.getSubcommands().get("monitor").getCommand();
            AtomicInteger code = new AtomicInteger(-1);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Thread[] thread = new Thread[1];
            java.io.Writer gated = new java.io.Writer() {
                @Override
                public void write(char[] buf, int off, int len) {
                    while (!monitor.shareChecked() && thread[0].isAlive()) {
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    out.write(buf, off, len);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            cl.setOut(new PrintWriter(gated, true));
            cl.setErr(new PrintWriter(err, true));
            thread[0] = new Thread(() -> code.set(cl.execute("monitor", "--json", "--share", "g1", "--broker",
                    mosquitto.url(), "--fleet", "pq", "--timeout", "3000")), "monitor-under-test");
            thread[0].start();
            try {
                long deadline = System.currentTimeMillis() + 60_000; // hang guard
                while (thread[0].isAlive() && out.toString().split("\"kind\":\"state\"", -1).length - 1 < 50
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(thread[0].isAlive(), "the monitor ended (exit " + code.get() + "): " + err);
                assertTrue(monitor.shareChecked());
            } finally {
                monitor.stop();
                thread[0].join(30_000);
                boards.close();
            }
            assertEquals(ExitCodes.OK, code.get(), err.toString());
        }
    }

    @Test
    void countStopsTheMonitorAfterNMessages(@TempDir Path dir) throws Exception {
        try (MosquittoBroker mosquitto = new MosquittoBroker(dir.resolve("mosquitto"))) {
            mosquitto.start();
            Link boards = new Link(LinkConfig.builder(mosquitto.url(), "count-test-boards").build());
            boards.start();
            assertTrue(boards.awaitConnected(30_000));
            try {
                Running m = new Running("monitor", "--json", "--count", "3", "--broker", mosquitto.url(), "--fleet", "cnt");
                long deadline = System.currentTimeMillis() + 30_000;
                for (int i = 0; m.thread.isAlive() && System.currentTimeMillis() < deadline; i++) {
                    boards.publish(Topics.events("cnt", "b1"), Json.bytes(new EventMessage(1, System.currentTimeMillis(), 1,
                            i, EventMessage.APP_STARTED, EventMessage.INFO, "e-" + i, null, null, null)), 1, false);
                    Thread.sleep(50);
                }
                m.thread.join(30_000);
                assertEquals(ExitCodes.OK, m.code.get(), m.err.toString());
                assertEquals(3, m.lines().size(), m.out.toString());
            } finally {
                boards.close();
            }
        }
    }

    @Test
    void refusedWhereTheBrokerHasNoSharedSubscriptions() throws Exception {
        try (EmbeddedBroker moquette = EmbeddedBroker.start()) {
            Running m = new Running("monitor", "--share", "g1", "--broker", moquette.url(), "--fleet", "sh");
            m.thread.join(30_000);
            assertEquals(ExitCodes.FAILURE, m.code.get(), m.out + " / " + m.err);
            assertTrue(m.err.toString().contains("does not deliver through shared subscriptions"), m.err.toString());
            assertTrue(m.err.toString().contains("Mosquitto"), m.err.toString());
        }
    }

    @Test
    void helpSaysWhichBrokersHaveSharedSubscriptions() {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.execute("monitor", "--help");
        assertTrue(out.toString().contains("--share=GROUP"), out.toString());
        assertTrue(out.toString().contains("Moquette"), out.toString());
    }
}
