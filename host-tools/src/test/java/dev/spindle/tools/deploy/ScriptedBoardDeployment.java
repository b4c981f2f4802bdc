package dev.spindle.tools.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * TEST DOUBLE of the per-board step, for the {@link RolloutEngine} unit tests only (the real
 * transfer and board side are not in this branch): each board follows a script of what the
 * board "does": its steps, the outcome, or hanging in a step. Records every call, the
 * concurrency reached and the order of starts and ends.
 */
final class ScriptedBoardDeployment implements BoardDeployment {
    /** What one board does on one call. */
    interface Script {
        Outcome run(DeployTask task, ProgressListener l) throws Exception;
    }

    private final Function<DeployTask, Script> scripts;
    final List<DeployTask> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final Map<String, AtomicInteger> perBoard = new ConcurrentHashMap<>();

    ScriptedBoardDeployment(Function<DeployTask, Script> scripts) {
        this.scripts = scripts;
    }

    @Override
    public Outcome deploy(DeployTask task, ProgressListener l) throws InterruptedException {
        calls.add(task);
        perBoard.computeIfAbsent(task.board(), k -> new AtomicInteger()).incrementAndGet();
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        events.add("start " + task.board());
        try {
            return scripts.apply(task).run(task, l);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            events.add("end " + task.board());
            running.decrementAndGet();
        }
    }

    int calls(String board) {
        AtomicInteger n = perBoard.get(board);
        return n == null ? 0 : n.get();
    }

    /** Goes through all three steps, reports the transfer, and ends done. */
    static Script succeeds(String version) {
        return (t, l) -> {
            l.step(BoardState.TRANSFERRING);
            l.transferred(t.bundle().size(), t.bundle().size());
            l.step(BoardState.INSTALLING);
            l.step(BoardState.HEALTH_CHECK);
            return Outcome.done(version);
        };
    }

    static Script fails(String reason) {
        return (t, l) -> {
            l.step(BoardState.INSTALLING);
            return Outcome.failed(reason);
        };
    }

    static Script rollsBack(String reason) {
        return (t, l) -> {
            l.step(BoardState.INSTALLING);
            l.step(BoardState.HEALTH_CHECK);
            return Outcome.rolledBack(reason, "1.0.0");
        };
    }

    /** Enters {@code step}, counts down {@code entered}, then waits until interrupted. */
    static Script hangsIn(BoardState step, CountDownLatch entered) {
        return (t, l) -> {
            l.step(step);
            entered.countDown();
            new CountDownLatch(1).await();
            throw new AssertionError("not reached");
        };
    }

    /** Enters {@code step} and then ignores interrupts for good (a broken implementation). */
    static Script ignoresInterrupts(BoardState step, CountDownLatch entered) {
        return (t, l) -> {
            l.step(step);
            entered.countDown();
            Object never = new Object();
            while (true) {
                synchronized (never) {
                    try {
                        never.wait();
                    } catch (InterruptedException ignored) {
                        // a broken deployment that swallows the interrupt: the engine must not depend on it
                    }
                }
            }
        };
    }
}
