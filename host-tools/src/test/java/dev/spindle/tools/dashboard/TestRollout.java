package dev.spindle.tools.dashboard;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.tools.deploy.AuditLog;
import dev.spindle.tools.deploy.BoardDeployment;
import dev.spindle.tools.deploy.BoardState;
import dev.spindle.tools.deploy.DeployTask;
import dev.spindle.tools.deploy.Outcome;
import dev.spindle.tools.deploy.ProgressListener;
import dev.spindle.tools.deploy.RolloutEngine;
import dev.spindle.tools.deploy.RolloutListener;
import dev.spindle.tools.deploy.RolloutPublisher;
import dev.spindle.tools.deploy.RolloutRecord;
import dev.spindle.tools.deploy.RolloutStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real {@link RolloutEngine} with the real {@link RolloutPublisher} on the test broker, whose
 * per-board step is scripted here (the board side of a deploy is tested in the deploy package):
 * what each board does is given by a {@link Step}. Runs on a thread of its own.
 */
final class TestRollout implements AutoCloseable {
    /** What one board does. */
    interface Step {
        Outcome run(DeployTask task, ProgressListener l) throws InterruptedException;
    }

    final RolloutRecord record;
    private final Thread thread;
    final AtomicReference<Object> result = new AtomicReference<>();
    private RolloutEngine engine;

    /**
     * @param waves  cumulative wave sizes, e.g. {@code {2, 5}}
     * @param boards board id to what it does, in rollout order
     */
    TestRollout(Link link, Path stateDir, String id, int[] waves, int parallel, Map<String, Step> boards) {
        this(link, stateDir, id, waves, parallel, "10", boards);
    }

    /** @param maxFailures as {@code spindle deploy --max-failures} */
    TestRollout(Link link, Path stateDir, String id, int[] waves, int parallel, String maxFailures,
            Map<String, Step> boards) {
        RolloutRecord r = new RolloutRecord();
        r.id = id;
        r.createdMs = System.currentTimeMillis();
        r.user = "ana";
        r.host = "ops-1";
        r.fleet = TestFleet.FLEET;
        r.bundle = new RolloutRecord.Bundle();
        r.bundle.path = stateDir.resolve("blink.zip").toString();
        r.bundle.name = "blink";
        r.bundle.version = "1.3.0";
        r.bundle.sha256 = "9f2c".repeat(16);
        r.bundle.size = 4096;
        r.plan = new RolloutRecord.Plan();
        r.plan.waves = "custom";
        r.plan.waveEnds = waves;
        r.plan.maxFailures = maxFailures;
        r.plan.parallel = parallel;
        r.plan.transferTimeoutMs = 300_000;
        r.plan.installTimeoutMs = 300_000;
        r.plan.healthCheckTimeoutMs = 300_000;
        int i = 0;
        int wave = 0;
        for (String b : boards.keySet()) {
            while (i >= waves[wave]) {
                wave++;
            }
            RolloutRecord.Board x = new RolloutRecord.Board();
            x.board = b;
            x.wave = wave + 1;
            r.boards.add(x);
            i++;
        }
        this.record = r;
        BoardDeployment d = (task, l) -> boards.get(task.board()).run(task, l);
        RolloutListener pub = RolloutPublisher.start(link, r, new RolloutListener() { });
        engine = new RolloutEngine(r, d, new RolloutStore(stateDir), new AuditLog(stateDir), pub);
        thread = new Thread(() -> {
            try {
                result.set(engine.run());
            } catch (Exception e) {
                result.set(e);
            }
        }, "test-rollout");
    }

    TestRollout start() {
        thread.start();
        return this;
    }

    /** Transfers half, waits for {@code gate}, then installs and passes its health check. */
    static Step gated(CountDownLatch gate) {
        return (t, l) -> {
            l.step(BoardState.TRANSFERRING);
            l.transferred(t.bundle().size() / 2, t.bundle().size());
            gate.await();
            l.transferred(t.bundle().size(), t.bundle().size());
            l.step(BoardState.INSTALLING);
            l.step(BoardState.HEALTH_CHECK);
            return Outcome.done(t.bundle().version());
        };
    }

    static Step succeeds() {
        return (t, l) -> {
            l.step(BoardState.TRANSFERRING);
            l.transferred(t.bundle().size(), t.bundle().size());
            l.step(BoardState.INSTALLING);
            l.step(BoardState.HEALTH_CHECK);
            return Outcome.done(t.bundle().version());
        };
    }

    static Step fails(String reason) {
        return failsAfter(new CountDownLatch(0), reason);
    }

    /** Waits for {@code start} (while transferring), then fails in its install step. */
    static Step failsAfter(CountDownLatch start, String reason) {
        return (t, l) -> {
            start.await();
            l.step(BoardState.TRANSFERRING);
            l.transferred(t.bundle().size(), t.bundle().size());
            l.step(BoardState.INSTALLING);
            return Outcome.failed(reason);
        };
    }

    static Step rollsBack(String reason) {
        return (t, l) -> {
            l.step(BoardState.TRANSFERRING);
            l.transferred(t.bundle().size(), t.bundle().size());
            l.step(BoardState.INSTALLING);
            l.step(BoardState.HEALTH_CHECK);
            return Outcome.rolledBack(reason, "1.2.0");
        };
    }

    /** Waits for the rollout to end (hang guard: 60 s). */
    Object await() throws InterruptedException {
        thread.join(60_000);
        return result.get();
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            engine.stop();
            thread.join(30_000);
        }
    }
}
