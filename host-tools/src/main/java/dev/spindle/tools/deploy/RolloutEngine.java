package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a rollout: waves one after the other, the boards of a wave in parallel (at most
 * {@code plan.parallel} at once), each through one {@link BoardDeployment} call, with a timeout
 * per step, the failure threshold, and the rollout file written at every board state change.
 *
 * <h2>Algorithm (the coordinator, the thread that calls {@link #run})</h2>
 * <pre>
 * for each wave, in order:
 *   todo = boards of the wave with something to do (pending, skipped, or mid-step / timed_out
 *          on a resume: those are handed to the deployment with resumeFrom = their state)
 *   loop, under lock:
 *     expire: a running board whose step deadline passed -> timed_out; its thread is interrupted
 *             and abandoned (whatever it returns later is ignored)
 *     threshold crossed (failures > limit) or stop asked -> start nothing more
 *     else start boards from todo while fewer than parallel run; each gets its first step
 *             (transferring, or the step it is resumed in) and that step's deadline
 *     nothing running and nothing (more) to start -> wave over
 *     wait until a board reports, a deadline passes, or stop() is called
 *   after the lock: write the rollout file, start the new boards' threads, tell the listener
 * after the last wave (or the stop): boards never started -> skipped (threshold) or left pending
 * (stop asked: resumable); status completed | stopped | interrupted; file written
 * </pre>
 * Each board runs on a thread of its own ({@code deploy-BOARD}); its step reports and its result
 * change its record under the lock, then write the file (outside the lock) before the call
 * returns, so a step is on disk before the board's work goes on (write-ahead). Writes are group
 * committed: a writer takes a snapshot of the newest version under the lock and skips the write
 * when a concurrent writer already stored that version.
 *
 * <p>A board keeps its place in {@code running} until its result is written to the rollout file and
 * the audit log, so a wave (and {@link #run}) never ends before its boards' results are on disk;
 * while it writes no deadline applies to it ({@code over}). File writes ignore interrupts
 * ({@link UninterruptibleIo}): a stop interrupts board threads, which may be writing.
 *
 * <p>No board can hang the rollout: every step has a deadline, enforced here and not by the
 * deployment. After {@link #stop()}, boards still running get {@link #STOP_GRACE} to return, then
 * are abandoned in their current step (a resume re-checks them).
 *
 * <p>Locking: {@code lock} guards {@code record} (and every board in it), {@code running},
 * {@code version}, {@code stopRequested}, {@code stopDeadline}, {@code thresholdCrossed},
 * {@code fatal}. {@code writeLock} guards {@code writtenVersion} and serializes file writes; it is
 * taken before {@code lock}, never after.
 */
public final class RolloutEngine {
    /** How long boards may take to return after a stop before they are abandoned. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final RolloutRecord record; // guarded by lock
    private final BoardDeployment deployment;
    private final RolloutStore store;
    private final AuditLog audit;
    private final RolloutListener listener;
    private final StepTimeouts timeouts;
    private final int parallel;
    private final int failureLimit;
    private final BundleInfo bundle;

    private final Object lock = new Object();
    private final Object writeLock = new Object();
    private final Map<String, Attempt> running = new LinkedHashMap<>(); // guarded by lock
    private long version; // guarded by lock
    private long writtenVersion = -1; // guarded by writeLock
    private boolean stopRequested; // guarded by lock
    private long stopDeadline; // guarded by lock (System.nanoTime)
    private boolean thresholdCrossed; // guarded by lock
    private IOException fatal; // guarded by lock

    /** One board's attempt: its thread and the deadline of its current step. */
    private static final class Attempt {
        final RolloutRecord.Board board;
        BoardState resumeFrom; // written once by the coordinator before the thread starts
        Thread thread;
        long deadline; // System.nanoTime; guarded by the engine's lock
        boolean over; // guarded by the engine's lock: ended, timed out or abandoned

        Attempt(RolloutRecord.Board board) {
            this.board = board;
        }
    }

    /**
     * @param record     the rollout (new, or loaded for a resume); the engine owns it from now on
     * @param deployment the per-board step
     * @param store      where the record is written at each change
     * @param audit      the audit log
     * @param listener   the user interface
     */
    public RolloutEngine(RolloutRecord record, BoardDeployment deployment, RolloutStore store, AuditLog audit,
            RolloutListener listener) {
        this.record = record;
        this.deployment = deployment;
        this.store = store;
        this.audit = audit;
        this.listener = listener;
        this.timeouts = record.plan.timeouts();
        this.parallel = Math.max(1, record.plan.parallel);
        this.failureLimit = FailureThreshold.parse(record.plan.maxFailures).limit(record.boards.size());
        this.bundle = record.bundle.info();
    }

    /** @return how many failures the rollout tolerates */
    public int failureLimit() {
        return failureLimit;
    }

    /** Makes {@link #run} start no more boards, interrupt the running ones and return (Ctrl-C). */
    public void stop() {
        synchronized (lock) {
            requestStopLocked("stopped by the operator");
        }
    }

    private void requestStopLocked(String why) {
        if (!stopRequested) {
            stopRequested = true;
            stopDeadline = System.nanoTime() + STOP_GRACE.toNanos();
            if (record.stopReason == null) {
                record.stopReason = why;
            }
            for (Attempt a : running.values()) {
                if (a.thread != null) {
                    a.thread.interrupt();
                }
            }
            lock.notifyAll();
        }
    }

    /**
     * Runs the rollout to its end, or until {@link #stop()} or an interrupt of the calling thread.
     *
     * @return a copy of the final record
     * @throws IOException when the rollout file cannot be written (the rollout is then stopped
     *                     as after {@link #stop()}: running boards are interrupted)
     */
    public RolloutRecord run() throws IOException {
        boolean interrupted = false;
        boolean resumed;
        synchronized (lock) {
            resumed = record.boards.stream().anyMatch(b -> b.attempts > 0);
            record.status = RolloutRecord.RUNNING;
            record.stopReason = null;
            for (RolloutRecord.Board b : record.boards) {
                if (b.state == BoardState.SKIPPED) {
                    b.state = BoardState.PENDING;
                    b.reason = null;
                }
            }
            changedLocked();
        }
        persist(); // the first write: when it fails nothing was started
        auditStart(resumed);
        int waves = record.plan.waveEnds.length;
        for (int w = 1; w <= waves; w++) {
            Deque<RolloutRecord.Board> todo = new ArrayDeque<>();
            List<String> names = new ArrayList<>();
            synchronized (lock) {
                if (stopRequested || thresholdCrossed) {
                    break;
                }
                for (RolloutRecord.Board b : record.boards) {
                    if (b.wave == w && (b.state == BoardState.PENDING || b.state.inStep()
                            || b.state == BoardState.TIMED_OUT)) {
                        todo.add(b);
                        names.add(b.board);
                    }
                }
            }
            if (todo.isEmpty()) {
                continue;
            }
            listener.waveStarted(w, waves, names);
            interrupted |= runWave(todo);
        }
        RolloutRecord result;
        List<RolloutRecord.Board> skipped = new ArrayList<>();
        synchronized (lock) {
            if (thresholdCrossed) {
                for (RolloutRecord.Board b : record.boards) {
                    if (b.state == BoardState.PENDING) {
                        b.state = BoardState.SKIPPED;
                        b.reason = "not started: " + record.stopReason;
                        skipped.add(b.copy());
                    }
                }
                record.status = RolloutRecord.STOPPED;
            } else if (stopRequested) {
                record.status = RolloutRecord.INTERRUPTED;
            } else {
                record.status = RolloutRecord.COMPLETED;
            }
            changedLocked();
        }
        persistQuietly();
        for (RolloutRecord.Board b : skipped) {
            listener.boardChanged(b);
        }
        synchronized (lock) {
            result = record.copy();
        }
        auditEnd(result);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (fatal != null) {
                throw fatal;
            }
        }
        return result;
    }

    /** @return whether the calling thread was interrupted meanwhile */
    private boolean runWave(Deque<RolloutRecord.Board> todo) {
        boolean interrupted = false;
        while (true) {
            List<Attempt> start = new ArrayList<>();
            List<RolloutRecord.Board> changed = new ArrayList<>();
            String stopping = null;
            boolean over = false;
            synchronized (lock) {
                expireLocked(changed);
                if (!thresholdCrossed && failuresLocked() > failureLimit) {
                    thresholdCrossed = true;
                    record.stopReason = "failure threshold crossed: " + failuresLocked() + " boards failed, --max-failures "
                            + record.plan.maxFailures + " allows " + failureLimit;
                    stopping = record.stopReason;
                    changedLocked();
                }
                while (!thresholdCrossed && !stopRequested && running.size() < parallel && !todo.isEmpty()) {
                    RolloutRecord.Board b = todo.poll();
                    Attempt a = new Attempt(b);
                    // a board left mid-step or timed out is resumed: it continues in that step
                    a.resumeFrom = b.state.inStep() || b.state == BoardState.TIMED_OUT ? b.state : null;
                    BoardState first = b.state.inStep() ? b.state
                            : b.state == BoardState.TIMED_OUT && b.timedOutIn != null ? b.timedOutIn
                            : BoardState.TRANSFERRING;
                    b.state = first;
                    b.reason = null;
                    b.timedOutIn = null;
                    b.attempts++;
                    b.startedMs = System.currentTimeMillis();
                    b.endedMs = 0;
                    a.deadline = System.nanoTime() + timeouts.of(first).toNanos();
                    running.put(b.board, a);
                    start.add(a);
                    changed.add(b.copy());
                    changedLocked();
                }
                if (running.isEmpty() && (todo.isEmpty() || thresholdCrossed || stopRequested)) {
                    over = true;
                } else if (start.isEmpty() && changed.isEmpty() && stopping == null) {
                    long wait = nextWaitMsLocked();
                    try {
                        lock.wait(wait);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        requestStopLocked("the host tool was interrupted");
                    }
                }
            }
            persistQuietly();
            if (stopping != null) {
                listener.stopping(stopping);
            }
            for (RolloutRecord.Board b : changed) {
                listener.boardChanged(b);
                if (b.state.isFinal()) {
                    auditBoard(b);
                }
            }
            for (Attempt a : start) {
                launch(a);
            }
            if (over) {
                return interrupted;
            }
        }
    }

    private long nextWaitMsLocked() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Attempt a : running.values()) {
            next = Math.min(next, a.deadline);
        }
        if (stopRequested) {
            next = Math.min(next, stopDeadline);
        }
        if (next == Long.MAX_VALUE) {
            return 1; // nothing running (not reached: the loop then ends or starts boards); never wait(0)
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    private void expireLocked(List<RolloutRecord.Board> changed) {
        long now = System.nanoTime();
        for (var it = running.values().iterator(); it.hasNext();) {
            Attempt a = it.next();
            if (a.over) {
                continue; // writing its result (see attempt)
            }
            if (now - a.deadline >= 0) {
                RolloutRecord.Board b = a.board;
                BoardState step = b.state;
                b.timedOutIn = step;
                b.state = BoardState.TIMED_OUT;
                b.reason = "step " + step.wireName() + " did not end within " + human(timeouts.of(step))
                        + " (--step-timeout " + step.wireName() + "=…)";
                b.endedMs = System.currentTimeMillis();
                abandon(a, it);
                changed.add(b.copy());
                changedLocked();
            } else if (stopRequested && now - stopDeadline >= 0) {
                abandon(a, it); // left in its step: a resume re-checks it
                changedLocked();
            }
        }
    }

    private static void abandon(Attempt a, java.util.Iterator<Attempt> it) {
        a.over = true;
        if (a.thread != null) {
            a.thread.interrupt();
        }
        it.remove();
    }

    private int failuresLocked() {
        int n = 0;
        for (RolloutRecord.Board b : record.boards) {
            if (b.state.countsAsFailure()) {
                n++;
            }
        }
        return n;
    }

    private void changedLocked() {
        version++;
        record.updatedMs = System.currentTimeMillis();
        lock.notifyAll();
    }

    private void launch(Attempt a) {
        DeployTask task;
        synchronized (lock) {
            RolloutRecord.Board b = a.board;
            task = new DeployTask(b.board, bundle, a.resumeFrom, b.attempts);
        }
        Thread t = new Thread(() -> attempt(a, task), "deploy-" + task.board());
        t.setDaemon(true);
        synchronized (lock) {
            a.thread = t;
            if (a.over || stopRequested) {
                // timed out or stopped before it began: run nothing (a stopped board stays in its step)
                if (!a.over) {
                    running.remove(a.board.board);
                    a.over = true;
                    changedLocked();
                }
                return;
            }
            t.start(); // under the lock: a stop() after this point finds the thread alive and interrupts it
        }
    }

    /** The body of a board's thread. */
    private void attempt(Attempt a, DeployTask task) {
        Outcome outcome = null;
        String internal = null;
        try {
            outcome = deployment.deploy(task, new ProgressListener() {
                @Override
                public void step(BoardState step) {
                    stepped(a, step);
                }

                @Override
                public void transferred(long bytes, long total) {
                    synchronized (lock) {
                        if (a.over) {
                            return;
                        }
                    }
                    listener.transferred(task.board(), bytes, total);
                }
            });
            if (outcome == null) {
                internal = "the deployment returned no outcome";
            }
        } catch (InterruptedException e) {
            outcome = null;
        } catch (RuntimeException e) {
            internal = "internal error: " + e;
        }
        RolloutRecord.Board copy;
        synchronized (lock) {
            if (a.over) {
                return; // timed out or abandoned meanwhile: the result does not count
            }
            a.over = true; // from here on no deadline applies: it only writes its result
            RolloutRecord.Board b = a.board;
            if (outcome != null) {
                b.state = outcome.state();
                b.reason = outcome.reason();
                b.version = outcome.version();
                b.endedMs = System.currentTimeMillis();
            } else if (internal != null) {
                b.state = BoardState.FAILED;
                b.reason = internal;
                b.endedMs = System.currentTimeMillis();
            } else if (!stopRequested) {
                b.state = BoardState.FAILED;
                b.reason = "the deployment was interrupted unexpectedly";
                b.endedMs = System.currentTimeMillis();
            } // else: stopped; the board stays in its step for a resume
            copy = b.copy();
            changedLocked();
        }
        try {
            persistQuietly();
            listener.boardChanged(copy);
            if (copy.state.isFinal()) {
                auditBoard(copy);
            }
        } finally {
            // only now is the slot free: the wave (and run()) never ends before its results are written
            synchronized (lock) {
                running.remove(task.board());
                lock.notifyAll();
            }
        }
    }

    private void stepped(Attempt a, BoardState step) {
        RolloutRecord.Board copy;
        synchronized (lock) {
            RolloutRecord.Board b = a.board;
            if (a.over || !step.inStep() || step.ordinal() <= b.state.ordinal()) {
                return;
            }
            b.state = step;
            a.deadline = System.nanoTime() + timeouts.of(step).toNanos();
            copy = b.copy();
            changedLocked();
        }
        persistQuietly();
        listener.boardChanged(copy);
    }

    /** Writes the newest version of the record unless a concurrent write already did. */
    private void persist() throws IOException {
        synchronized (writeLock) {
            RolloutRecord snapshot;
            long v;
            synchronized (lock) {
                if (version == writtenVersion) {
                    return;
                }
                v = version;
                snapshot = record.copy();
            }
            store.save(snapshot);
            writtenVersion = v;
        }
    }

    /** {@link #persist} from a board thread: a failure stops the rollout and is thrown by {@link #run}. */
    private void persistQuietly() {
        try {
            persist();
        } catch (IOException e) {
            synchronized (lock) {
                if (fatal == null) {
                    fatal = new IOException("cannot write the rollout file " + store.file(record.id) + ": "
                            + e.getMessage() + " (free space or fix permissions, then spindle deploy --resume "
                            + record.id + ")", e);
                }
                requestStopLocked("the rollout file could not be written");
            }
        }
    }

    private void auditStart(boolean resumed) {
        RolloutRecord r;
        synchronized (lock) {
            r = record.copy();
        }
        ObjectNode o = audit.record(resumed ? "rollout_resumed" : "rollout_started", r.id);
        putBundle(o, r);
        o.put("fleet", r.fleet);
        ArrayNode boards = o.putArray("boards");
        r.boards.forEach(b -> boards.add(b.board));
        o.put("waves", r.plan.waves);
        o.put("max_failures", r.plan.maxFailures);
        appendAudit(o);
    }

    private void auditBoard(RolloutRecord.Board b) {
        ObjectNode o = audit.record("board_result", record.id);
        o.put("fleet", record.fleet);
        o.put("board", b.board);
        o.put("bundle", bundle.name());
        o.put("version", bundle.version());
        o.put("sha256", bundle.sha256());
        o.put("outcome", b.state.wireName());
        if (b.reason != null) {
            o.put("reason", b.reason);
        }
        o.put("attempts", b.attempts);
        appendAudit(o);
    }

    private void auditEnd(RolloutRecord r) {
        ObjectNode o = audit.record("rollout_ended", r.id);
        putBundle(o, r);
        o.put("fleet", r.fleet);
        o.put("status", r.status);
        if (r.stopReason != null) {
            o.put("stop_reason", r.stopReason);
        }
        ObjectNode counts = o.putObject("counts");
        for (BoardState s : BoardState.values()) {
            long n = r.count(s);
            if (n > 0) {
                counts.put(s.wireName(), n);
            }
        }
        appendAudit(o);
    }

    private static void putBundle(ObjectNode o, RolloutRecord r) {
        o.put("bundle", r.bundle.name);
        o.put("version", r.bundle.version);
        o.put("sha256", r.bundle.sha256);
        o.put("bundle_file", r.bundle.path);
    }

    private void appendAudit(ObjectNode o) {
        try {
            audit.append(o);
        } catch (IOException e) {
            synchronized (lock) {
                if (fatal == null) {
                    fatal = new IOException("cannot append to the audit log " + audit.file() + ": " + e.getMessage()
                            + " (free space or fix permissions, then spindle deploy --resume " + record.id + ")", e);
                }
                requestStopLocked("the audit log could not be written");
            }
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
