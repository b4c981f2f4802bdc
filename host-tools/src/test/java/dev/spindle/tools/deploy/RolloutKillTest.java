package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the host tool with SIGKILL in the middle of a rollout (a child JVM running the engine
 * with the SCRIPTED TEST DOUBLE of the per-board step, {@link RolloutChild}), then resumes from
 * what is on disk: the file is whole, done boards are not redone, boards caught mid-step are
 * resumed in that step, and the rollout ends with every board done.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RolloutKillTest {
    @TempDir
    Path dir;

    @Test
    void scriptedBoards_sigkillMidRollout_thenResume_endsWithEveryBoardDone() throws Exception {
        RolloutStore store = new RolloutStore(dir);
        RolloutRecord r = Rollouts.record("100%", "0", 4, Rollouts.LONG, Rollouts.boards(8));
        store.save(r);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-cp", cp, RolloutChild.class.getName(), dir.toString(), r.id)
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            // until b01..b03 are done and b04..b07 (parallel 4) sit in their health check; b08 waits
            while (true) {
                assertTrue(child.isAlive(), () -> "the child ended early: " + read(dir.resolve("child.log")));
                RolloutRecord now = store.load(r.id);
                if (now.count(BoardState.DONE) == 3 && now.count(BoardState.HEALTH_CHECK) == 4) {
                    break;
                }
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no last write
            child.waitFor();
        }
        RolloutRecord disk = store.load(r.id);
        assertEquals(RolloutRecord.RUNNING, disk.status, "killed: nobody wrote an end");
        try (var s = Files.list(store.dir())) {
            assertEquals(List.of(r.id + ".json"), s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("child.log")).toList());
        }

        ScriptedBoardDeployment second = new ScriptedBoardDeployment(t -> ScriptedBoardDeployment.succeeds("1.2.0"));
        RolloutRecord resumed = new RolloutEngine(disk, second, store,
                new AuditLog(dir.resolve("audit.log"), "tester", "testhost"), new RolloutListener() { }).run();
        assertEquals(RolloutRecord.COMPLETED, resumed.status);
        assertTrue(resumed.allDone(), Summary.table(resumed));
        for (String done : List.of("b01", "b02", "b03")) {
            assertEquals(0, second.calls(done), done + " was done before the kill and must not be redone");
        }
        for (DeployTask t : second.calls) {
            if (t.board().compareTo("b07") <= 0) {
                assertEquals(BoardState.HEALTH_CHECK, t.resumeFrom(), t.board());
                assertEquals(2, t.attempt());
            } else {
                assertNull(t.resumeFrom(), t.board());
            }
        }
        assertEquals(5, second.calls.size());
        assertFalse(Files.readString(dir.resolve("audit.log")).isEmpty());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
