package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout engine with a SCRIPTED TEST DOUBLE of the per-board step
 * ({@link ScriptedBoardDeployment}): waves, the failure threshold, step timeouts, bounded
 * concurrency, write-ahead persistence, stop and resume. The MQTT per-board step has its own test.
 * Timeouts here are hang guards, never measurements.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RolloutEngineWithScriptedBoardsTest {
    @TempDir
    Path dir;

    private RolloutStore store() {
        return new RolloutStore(dir);
    }

    private AuditLog audit() {
        return new AuditLog(dir.resolve("audit.log"), "tester", "testhost");
    }

    private RolloutRecord run(RolloutRecord r, BoardDeployment d) throws IOException {
        return new RolloutEngine(r, d, store(), audit(), new RolloutListener() { }).run();
    }

    private List<JsonNode> auditLines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit.log"))) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    @Test
    void scriptedBoards_allSucceed_everyBoardDone_andAWaveStartsOnlyAfterThePreviousEnded() throws Exception {
        RolloutRecord r = Rollouts.record("1,50%,100%", "0", 3, Rollouts.LONG, Rollouts.boards(10));
        assertEquals(List.of(1, 5, 10), java.util.Arrays.stream(r.plan.waveEnds).boxed().toList());
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord result = run(r, d);

        assertEquals(RolloutRecord.COMPLETED, result.status);
        assertTrue(result.allDone());
        assertEquals(10, d.calls.size());
        for (RolloutRecord.Board b : result.boards) {
            assertEquals("1.2.0", b.version);
            assertEquals(1, b.attempts);
            assertNull(b.reason);
        }
        // wave order: every board of wave w ended before any board of wave w+1 started
        List<String> ev = new ArrayList<>(d.events);
        for (RolloutRecord.Board later : result.boards) {
            int start = ev.indexOf("start " + later.board);
            for (RolloutRecord.Board earlier : result.boards) {
                if (earlier.wave < later.wave) {
                    assertTrue(ev.indexOf("end " + earlier.board) < start, earlier.board + " ended after "
                            + later.board + " started: " + ev);
                }
            }
        }
        // what is on disk is the final state
        RolloutRecord disk = store().load(r.id);
        assertEquals(RolloutRecord.COMPLETED, disk.status);
        assertEquals(10, disk.count(BoardState.DONE));
        // the audit log: start, one result per board, end
        List<JsonNode> audit = auditLines();
        assertEquals("rollout_started", audit.get(0).get("event").asText());
        assertEquals("tester", audit.get(0).get("user").asText());
        assertEquals("testhost", audit.get(0).get("host").asText());
        assertEquals("ab".repeat(32), audit.get(0).get("sha256").asText());
        assertEquals(10, audit.get(0).get("boards").size());
        assertEquals(10, audit.stream().filter(a -> a.get("event").asText().equals("board_result")).count());
        assertTrue(audit.stream().filter(a -> a.get("event").asText().equals("board_result"))
                .allMatch(a -> a.get("outcome").asText().equals("done") && a.get("version").asText().equals("1.2.0")));
        assertEquals("rollout_ended", audit.get(audit.size() - 1).get("event").asText());
        assertEquals("completed", audit.get(audit.size() - 1).get("status").asText());
        assertEquals(Summary.exitCode(result), 0);
    }

    @Test
    void scriptedBoards_firstFailureWithDefaultThreshold_stopsTheRollout_restSkipped() throws Exception {
        RolloutRecord r = Rollouts.record("1,100%", "0", 4, Rollouts.LONG, Rollouts.boards(6));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> t.board().equals("b01")
                ? ScriptedBoardDeployment.fails("untrusted_key: signed by key 12ab") : ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord result = run(r, d);

        assertEquals(RolloutRecord.STOPPED, result.status);
        assertEquals(1, d.calls.size(), "no board of the second wave may start");
        assertEquals(BoardState.FAILED, Rollouts.board(result, "b01").state);
        assertEquals("untrusted_key: signed by key 12ab", Rollouts.board(result, "b01").reason);
        assertEquals(5, result.count(BoardState.SKIPPED));
        assertTrue(result.stopReason.contains("1 boards failed"), result.stopReason);
        assertEquals(dev.spindle.tools.ExitCodes.ROLLOUT_INCOMPLETE, Summary.exitCode(result));
    }

    @Test
    void scriptedBoards_thresholdCrossedInsideAWave_startsNoFurtherBoard() throws Exception {
        // parallel 1 makes the order deterministic: b01 ok (wave 1); wave 2: b02 fails, b03 rolls back
        // (2 > limit 1: crossed), b04..b08 never start
        RolloutRecord r = Rollouts.record("1,100%", "1", 1, Rollouts.LONG, Rollouts.boards(8));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> switch (t.board()) {
            case "b02" -> ScriptedBoardDeployment.fails("wrong_board");
            case "b03" -> ScriptedBoardDeployment.rollsBack("health_check_failed: app crashed");
            default -> ScriptedBoardDeployment.succeeds("1.2.0");
        });
        RolloutRecord result = run(r, d);

        assertEquals(List.of("b01", "b02", "b03"), d.calls.stream().map(DeployTask::board).toList());
        assertEquals(RolloutRecord.STOPPED, result.status);
        assertEquals(BoardState.ROLLED_BACK, Rollouts.board(result, "b03").state);
        assertEquals("1.0.0", Rollouts.board(result, "b03").version);
        assertEquals(5, result.count(BoardState.SKIPPED));
        assertEquals(1, result.count(BoardState.DONE));
    }

    @Test
    void scriptedBoards_percentThreshold_toleratesUpToTheLimit() throws Exception {
        // 10% of 20 boards = 2 tolerated: two failures do not stop it
        RolloutRecord r = Rollouts.record("100%", "10%", 4, Rollouts.LONG, Rollouts.boards(20));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> t.board().equals("b05") || t.board().equals("b12")
                ? ScriptedBoardDeployment.fails("tampered") : ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord result = run(r, d);
        assertEquals(RolloutRecord.COMPLETED, result.status);
        assertEquals(18, result.count(BoardState.DONE));
        assertEquals(2, result.count(BoardState.FAILED));
        assertEquals(20, d.calls.size());
        assertEquals(dev.spindle.tools.ExitCodes.ROLLOUT_INCOMPLETE, Summary.exitCode(result));
    }

    @Test
    void scriptedBoards_parallelBoundIsReachedAndNeverExceeded() throws Exception {
        int parallel = 3;
        CountDownLatch allIn = new CountDownLatch(parallel);
        RolloutRecord r = Rollouts.record("100%", "0", parallel, Rollouts.LONG, Rollouts.boards(9));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> (task, l) -> {
            l.step(BoardState.TRANSFERRING);
            allIn.countDown();
            allIn.await(); // the first three wait for each other: proves three run at once
            return Outcome.done("1.2.0");
        });
        RolloutRecord result = run(r, d);
        assertTrue(result.allDone());
        assertEquals(parallel, d.maxRunning.get());
    }

    @Test
    void scriptedBoards_aHungStepTimesOut_andTheRolloutStillEnds() throws Exception {
        StepTimeouts t = new StepTimeouts(Duration.ofMinutes(5), Duration.ofMillis(300), Duration.ofMinutes(5));
        CountDownLatch hung = new CountDownLatch(2);
        RolloutRecord r = Rollouts.record("100%", "5", 4, t, Rollouts.boards(5));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(task -> switch (task.board()) {
            case "b02" -> ScriptedBoardDeployment.hangsIn(BoardState.INSTALLING, hung);
            case "b04" -> ScriptedBoardDeployment.ignoresInterrupts(BoardState.INSTALLING, hung);
            default -> ScriptedBoardDeployment.succeeds("1.2.0");
        });
        RolloutRecord result = run(r, d);

        assertEquals(RolloutRecord.COMPLETED, result.status);
        assertEquals(3, result.count(BoardState.DONE));
        for (String b : List.of("b02", "b04")) {
            RolloutRecord.Board x = Rollouts.board(result, b);
            assertEquals(BoardState.TIMED_OUT, x.state, b);
            assertEquals(BoardState.INSTALLING, x.timedOutIn, b);
            assertTrue(x.reason.contains("installing did not end within 300ms"), x.reason);
        }
        JsonNode j = Summary.json(result, 5);
        assertEquals("installing", j.get("boards").get(1).get("timed_out_in").asText());
        assertEquals(2, j.get("counts").get("timed_out").asInt());
    }

    @Test
    void scriptedBoards_stepIsOnDiskBeforeTheBoardGoesOn() throws Exception {
        RolloutRecord r = Rollouts.record("100%", "0", 2, Rollouts.LONG, Rollouts.boards(2));
        List<String> seen = new CopyOnWriteArrayList<>();
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> (task, l) -> {
            for (BoardState s : List.of(BoardState.TRANSFERRING, BoardState.INSTALLING, BoardState.HEALTH_CHECK)) {
                l.step(s);
                RolloutRecord disk = store().load(r.id);
                seen.add(task.board() + "=" + Rollouts.board(disk, task.board()).state.wireName());
            }
            l.step(BoardState.INSTALLING); // backwards: ignored
            assertEquals(BoardState.HEALTH_CHECK, Rollouts.board(store().load(r.id), task.board()).state);
            return Outcome.done("1.2.0");
        });
        run(r, d);
        for (String b : List.of("b01", "b02")) {
            assertTrue(seen.containsAll(List.of(b + "=transferring", b + "=installing", b + "=health_check")), seen.toString());
        }
        // no temporary files are left beside the rollout file
        try (var s = Files.list(store().dir())) {
            assertEquals(List.of(r.id + ".json"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void scriptedBoards_aThrowingDeploymentIsAFailedBoard_notACrash() throws Exception {
        RolloutRecord r = Rollouts.record("100%", "3", 2, Rollouts.LONG, Rollouts.boards(3));
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> t.board().equals("b02")
                ? (task, l) -> {
                    throw new IllegalStateException("boom");
                }
                : ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord result = run(r, d);
        assertEquals(BoardState.FAILED, Rollouts.board(result, "b02").state);
        assertTrue(Rollouts.board(result, "b02").reason.contains("boom"));
        assertEquals(2, result.count(BoardState.DONE));
    }

    /**
     * Stops the engine mid-rollout (as Ctrl-C does): b01 and b02 done, b03 in its health check,
     * b04 still transferring, b05..b06 not started. A new engine from the file on disk resumes:
     * done boards are not redone, b03 and b04 are resumed from their step, the rest run.
     */
    @Test
    void scriptedBoards_stopMidRollout_thenResumeFromDisk_finishesWithoutRedoingDoneBoards() throws Exception {
        CountDownLatch midStep = new CountDownLatch(2);
        // two waves, so b05 and b06 cannot start while b03 and b04 hang (with one wave, the slots
        // that b01 and b02 free would start them before the stop)
        RolloutRecord r = Rollouts.record("4,100%", "0", 4, Rollouts.LONG, Rollouts.boards(6));
        ScriptedBoardDeployment first = new ScriptedBoardDeployment(t -> switch (t.board()) {
            case "b01", "b02" -> ScriptedBoardDeployment.succeeds("1.2.0");
            case "b03" -> ScriptedBoardDeployment.hangsIn(BoardState.HEALTH_CHECK, midStep);
            default -> ScriptedBoardDeployment.hangsIn(BoardState.TRANSFERRING, midStep);
        });
        RolloutEngine engine = new RolloutEngine(r, first, store(), audit(), new RolloutListener() { });
        AtomicReference<RolloutRecord> out = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                out.set(engine.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        runner.start();
        midStep.await(); // b03 in health_check and b04 transferring (wave 2: b05, b06 wait)
        while (first.events.stream().filter(e -> e.startsWith("end ")).count() < 2) {
            Thread.sleep(5); // b01 and b02 done
        }
        engine.stop();
        runner.join();
        assertNull(failure.get());
        RolloutRecord stopped = out.get();
        assertEquals(RolloutRecord.INTERRUPTED, stopped.status);

        RolloutRecord disk = store().load(r.id);
        assertEquals(RolloutRecord.INTERRUPTED, disk.status);
        assertEquals(BoardState.DONE, Rollouts.board(disk, "b01").state);
        assertEquals(BoardState.DONE, Rollouts.board(disk, "b02").state);
        assertEquals(BoardState.HEALTH_CHECK, Rollouts.board(disk, "b03").state);
        assertEquals(BoardState.TRANSFERRING, Rollouts.board(disk, "b04").state);
        assertEquals(BoardState.PENDING, Rollouts.board(disk, "b05").state);
        assertEquals(BoardState.PENDING, Rollouts.board(disk, "b06").state);

        ScriptedBoardDeployment second = new ScriptedBoardDeployment(t -> ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord resumed = run(store().load(r.id), second);
        assertEquals(RolloutRecord.COMPLETED, resumed.status);
        assertTrue(resumed.allDone());
        assertEquals(0, second.calls("b01"));
        assertEquals(0, second.calls("b02"));
        assertEquals(4, second.calls.size());
        DeployTask b03 = second.calls.stream().filter(c -> c.board().equals("b03")).findFirst().orElseThrow();
        assertEquals(BoardState.HEALTH_CHECK, b03.resumeFrom());
        assertEquals(2, b03.attempt());
        DeployTask b04 = second.calls.stream().filter(c -> c.board().equals("b04")).findFirst().orElseThrow();
        assertEquals(BoardState.TRANSFERRING, b04.resumeFrom());
        DeployTask b05 = second.calls.stream().filter(c -> c.board().equals("b05")).findFirst().orElseThrow();
        assertNull(b05.resumeFrom());
        assertEquals(1, b05.attempt());

        List<String> events = auditLines().stream().map(a -> a.get("event").asText()).toList();
        assertEquals("rollout_started", events.get(0));
        assertTrue(events.contains("rollout_resumed"), events.toString());
        assertEquals(6, events.stream().filter(e -> e.equals("board_result")).count(), events.toString());
        assertEquals(2, events.stream().filter(e -> e.equals("rollout_ended")).count());
    }

    @Test
    void scriptedBoards_interruptingTheEngineThread_leavesAResumableFile() throws Exception {
        CountDownLatch midStep = new CountDownLatch(1);
        RolloutRecord r = Rollouts.record("100%", "0", 1, Rollouts.LONG, Rollouts.boards(3));
        ScriptedBoardDeployment first = new ScriptedBoardDeployment(t -> t.board().equals("b01")
                ? ScriptedBoardDeployment.succeeds("1.2.0") : ScriptedBoardDeployment.hangsIn(BoardState.INSTALLING, midStep));
        AtomicReference<RolloutRecord> out = new AtomicReference<>();
        AtomicReference<Boolean> interruptKept = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                out.set(new RolloutEngine(r, first, store(), audit(), new RolloutListener() { }).run());
                interruptKept.set(Thread.currentThread().isInterrupted());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        runner.start();
        midStep.await();
        runner.interrupt();
        runner.join();
        assertEquals(RolloutRecord.INTERRUPTED, out.get().status);
        assertTrue(interruptKept.get(), "run() restores the interrupt flag");
        RolloutRecord disk = store().load(r.id);
        assertEquals(BoardState.INSTALLING, Rollouts.board(disk, "b02").state);

        ScriptedBoardDeployment second = new ScriptedBoardDeployment(t -> ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord resumed = run(disk, second);
        assertTrue(resumed.allDone());
        assertEquals(List.of("b02", "b03"), second.calls.stream().map(DeployTask::board).toList());
    }

    @Test
    void scriptedBoards_resumeAfterThresholdStop_withARaisedLimit_runsTheSkippedBoards_andRechecksTimedOut() throws Exception {
        StepTimeouts t = new StepTimeouts(Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofMinutes(5));
        CountDownLatch hung = new CountDownLatch(1);
        RolloutRecord r = Rollouts.record("1,100%", "0", 2, t, Rollouts.boards(4));
        ScriptedBoardDeployment first = new ScriptedBoardDeployment(task -> task.board().equals("b01")
                ? ScriptedBoardDeployment.hangsIn(BoardState.TRANSFERRING, hung) : ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord stopped = run(r, first);
        assertEquals(RolloutRecord.STOPPED, stopped.status);
        assertEquals(BoardState.TIMED_OUT, Rollouts.board(stopped, "b01").state);
        assertEquals(3, stopped.count(BoardState.SKIPPED));

        RolloutRecord disk = store().load(r.id);
        disk.plan.maxFailures = "1";
        ScriptedBoardDeployment second = new ScriptedBoardDeployment(task -> ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord resumed = run(disk, second);
        assertTrue(resumed.allDone(), Summary.table(resumed));
        DeployTask b01 = second.calls.stream().filter(c -> c.board().equals("b01")).findFirst().orElseThrow();
        assertEquals(BoardState.TIMED_OUT, b01.resumeFrom(), "a timed-out board is re-checked, not started over");
        assertFalse(resumed.boards.stream().anyMatch(b -> b.reason != null));
    }
}
