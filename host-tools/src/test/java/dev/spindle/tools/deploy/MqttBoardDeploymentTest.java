package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.Rpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MqttBoardDeployment} over a real broker (Moquette in process) against a
 * {@link ScriptedBoard} (a stand-in for the board side that answers like the agent;
 * DeployWithAgentsTest uses real agents) and the test-only {@link TestUploader}: the protocol part
 * of the per-board step.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttBoardDeploymentTest {
    static EmbeddedBroker broker;
    static Link link;
    static Rpc rpc;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedBroker.quietLogging();
        broker = EmbeddedBroker.start();
        link = new Link(LinkConfig.builder(broker.url(), LinkConfig.toolClientId("deploy-test")).build());
        link.start();
        assertTrue(link.awaitConnected(10_000));
        rpc = new Rpc(link, "lab");
    }

    @AfterAll
    static void stop() {
        link.close();
        broker.close();
    }

    private static final BundleInfo BUNDLE = new BundleInfo(Path.of("/tmp/blink.zip"), "blink", "1.2.0",
            "ab".repeat(32), 10_000);

    /** Records steps and transfer progress. */
    static final class Recorder implements ProgressListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void step(BoardState step) {
            seen.add(step.wireName());
        }

        @Override
        public void transferred(long bytes, long total) {
            seen.add(bytes + "/" + total);
        }
    }

    private Outcome deploy(ScriptedBoard b, BoardState resumeFrom, Recorder r) throws Exception {
        b.ready();
        MqttBoardDeployment d = new MqttBoardDeployment(link, "lab", rpc, new TestUploader(Map.of(b.board, b)),
                Duration.ofSeconds(5), Duration.ofMillis(200));
        return d.deploy(new DeployTask(b.board, BUNDLE, resumeFrom, 1), r);
    }

    @Test
    void scriptedBoard_succeeds_stepsFollowTheBoardsEvents() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-ok", "sim", ScriptedBoard.Script.SUCCEED)) {
            Recorder r = new Recorder();
            Outcome o = deploy(b, null, r);
            assertEquals(Outcome.done("1.2.0"), o);
            assertEquals(1, b.received.get());
            assertEquals(List.of("transferring", "5000/10000", "10000/10000", "10000/10000", "installing",
                    "health_check"), r.seen);
        }
    }

    @Test
    void scriptedBoard_rollsBack_orFails_withTheBoardsReason() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-rb", "sim", ScriptedBoard.Script.ROLL_BACK)) {
            Outcome o = deploy(b, null, new Recorder());
            assertEquals(BoardState.ROLLED_BACK, o.state());
            assertEquals("health_check_failed: app exited with 1", o.reason());
            assertEquals("1.0.0", o.version());
            b.script(ScriptedBoard.Script.FAIL);
            Outcome f = deploy(b, null, new Recorder());
            assertEquals(Outcome.failed("untrusted_key: signed by key 3f2a"), f);
        }
    }

    @Test
    void scriptedBoard_alreadyRunningTheBundle_isDoneWithoutATransfer() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-same", "sim", ScriptedBoard.Script.SUCCEED)) {
            b.runs(BUNDLE.sha256(), "1.2.0");
            assertEquals(Outcome.done("1.2.0"), deploy(b, BoardState.TIMED_OUT, new Recorder()));
            assertEquals(0, b.received.get());
        }
    }

    @Test
    void scriptedBoard_lostEvents_theStatusPollFindsTheResult() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-quiet", "sim",
                ScriptedBoard.Script.SUCCEED_SILENTLY)) {
            assertEquals(Outcome.done("1.2.0"), deploy(b, null, new Recorder()));
            assertTrue(b.statusCalls.get() >= 2, "asked at the start and polled after the transfer");
        }
    }

    /** The rollback event is lost (or later than the poll): the status's history still says rolled back. */
    @Test
    void scriptedBoard_lostRollbackEvent_theStatusPollSaysRolledBack() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-rb-quiet", "sim",
                ScriptedBoard.Script.ROLL_BACK_SILENTLY)) {
            Outcome o = deploy(b, null, new Recorder());
            assertEquals(BoardState.ROLLED_BACK, o.state(), o.toString());
            assertEquals("health_check_failed: app exited with 1", o.reason());
            assertEquals("1.0.0", o.version(), "the version it runs again");
        }
    }

    @Test
    void scriptedBoard_resumedMidHealthCheck_skipsTheTransfer_andFollowsTheBoard() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-mid", "sim", ScriptedBoard.Script.SUCCEED)) {
            b.busyWith(BUNDLE.sha256(), "health_check");
            Recorder r = new Recorder();
            Thread finish = new Thread(() -> {
                try {
                    while (b.statusCalls.get() < 2) {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                b.runs(BUNDLE.sha256(), "1.2.0");
                b.busyWith(null, null);
            });
            finish.start();
            assertEquals(Outcome.done("1.2.0"), deploy(b, BoardState.HEALTH_CHECK, r));
            finish.join();
            assertEquals(0, b.received.get());
            assertEquals("health_check", r.seen.get(0));
        }
    }

    @Test
    void scriptedBoard_hanging_isInterruptible() throws Exception {
        try (ScriptedBoard b = new ScriptedBoard(broker.url(), "lab", "pi-hang", "sim", ScriptedBoard.Script.HANG)) {
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    deploy(b, null, new Recorder());
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.start();
            while (b.received.get() == 0) {
                Thread.sleep(10);
            }
            t.interrupt();
            t.join();
            assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        }
    }
}
