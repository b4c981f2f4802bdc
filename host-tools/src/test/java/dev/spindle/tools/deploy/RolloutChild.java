package dev.spindle.tools.deploy;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A host tool to kill: runs the stored rollout {@code args[1]} of state directory {@code args[0]}
 * with the SCRIPTED TEST DOUBLE of the per-board step (the engine is what is under test): boards
 * b01..b03 succeed, the others enter their health check and stay there until the process is killed.
 */
public final class RolloutChild {
    private RolloutChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        RolloutStore store = new RolloutStore(dir);
        RolloutRecord r = store.load(args[1]);
        ScriptedBoardDeployment d = new ScriptedBoardDeployment(t -> t.board().compareTo("b03") <= 0
                ? ScriptedBoardDeployment.succeeds("1.2.0")
                : ScriptedBoardDeployment.hangsIn(BoardState.HEALTH_CHECK, new CountDownLatch(1)));
        new RolloutEngine(r, d, store, new AuditLog(dir.resolve("audit.log"), "child", "testhost"),
                new RolloutListener() { }).run();
    }
}
