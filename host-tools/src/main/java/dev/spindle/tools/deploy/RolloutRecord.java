package dev.spindle.tools.deploy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollout as stored in {@code {state-dir}/rollouts/{id}.json} (docs/deploy.md, "Fleet
 * rollouts"): the plan, the bundle and every board's state. Plain fields for Jackson (snake_case
 * on disk). The {@link RolloutEngine} mutates it only under its lock; everything else reads a
 * copy ({@link #copy()}).
 */
public final class RolloutRecord {
    /** Format of the file; a higher one is refused by {@link RolloutStore#load}. */
    public static final int FORMAT = 1;

    public static final String RUNNING = "running";
    /** Every board was attempted (each ended done, failed, rolled_back or timed_out). */
    public static final String COMPLETED = "completed";
    /** The failure threshold was crossed; boards not started are skipped. */
    public static final String STOPPED = "stopped";
    /** The host tool was stopped (Ctrl-C) or lost its state file; resumable. */
    public static final String INTERRUPTED = "interrupted";

    public int format = FORMAT;
    public String id;
    public String status = RUNNING;
    /** Why it stopped or was interrupted, null otherwise. */
    public String stopReason;
    public long createdMs;
    public long updatedMs;
    /** OS user and host that started it. */
    public String user;
    public String host;
    public String fleet;
    public Bundle bundle;
    public Plan plan;
    public List<Board> boards = new ArrayList<>();

    /** The bundle as checked when the rollout was created. */
    public static final class Bundle {
        public String path;
        public String name;
        public String version;
        public String sha256;
        public long size;

        static Bundle of(BundleInfo b) {
            Bundle o = new Bundle();
            o.path = b.path().toString();
            o.name = b.name();
            o.version = b.version();
            o.sha256 = b.sha256();
            o.size = b.size();
            return o;
        }

        BundleInfo info() {
            return new BundleInfo(Path.of(path), name, version, sha256, size);
        }
    }

    /** The plan; {@code wave_ends} are the cumulative wave sizes resolved against the boards. */
    public static final class Plan {
        public String waves;
        public int[] waveEnds;
        public String maxFailures;
        public int parallel;
        public long transferTimeoutMs;
        public long installTimeoutMs;
        public long healthCheckTimeoutMs;

        StepTimeouts timeouts() {
            return new StepTimeouts(Duration.ofMillis(transferTimeoutMs), Duration.ofMillis(installTimeoutMs),
                    Duration.ofMillis(healthCheckTimeoutMs));
        }

        void timeouts(StepTimeouts t) {
            transferTimeoutMs = t.transfer().toMillis();
            installTimeoutMs = t.install().toMillis();
            healthCheckTimeoutMs = t.healthCheck().toMillis();
        }
    }

    /** One board. */
    public static final class Board {
        public String board;
        /** 1-based wave number. */
        public int wave;
        public BoardState state = BoardState.PENDING;
        /** For failed, rolled_back, timed_out, skipped: why. */
        public String reason;
        /** The step a timed_out board was in. */
        public BoardState timedOutIn;
        /** Version the board runs afterwards when known. */
        public String version;
        public int attempts;
        public long startedMs;
        public long endedMs;

        Board copy() {
            Board b = new Board();
            b.board = board;
            b.wave = wave;
            b.state = state;
            b.reason = reason;
            b.timedOutIn = timedOutIn;
            b.version = version;
            b.attempts = attempts;
            b.startedMs = startedMs;
            b.endedMs = endedMs;
            return b;
        }
    }

    /** @return a deep copy */
    public RolloutRecord copy() {
        RolloutRecord r = new RolloutRecord();
        r.format = format;
        r.id = id;
        r.status = status;
        r.stopReason = stopReason;
        r.createdMs = createdMs;
        r.updatedMs = updatedMs;
        r.user = user;
        r.host = host;
        r.fleet = fleet;
        r.bundle = bundle;
        Plan p = new Plan();
        p.waves = plan.waves;
        p.waveEnds = plan.waveEnds.clone();
        p.maxFailures = plan.maxFailures;
        p.parallel = plan.parallel;
        p.transferTimeoutMs = plan.transferTimeoutMs;
        p.installTimeoutMs = plan.installTimeoutMs;
        p.healthCheckTimeoutMs = plan.healthCheckTimeoutMs;
        r.plan = p;
        for (Board b : boards) {
            r.boards.add(b.copy());
        }
        return r;
    }

    /** @return how many boards are in {@code state} */
    public long count(BoardState state) {
        return boards.stream().filter(b -> b.state == state).count();
    }

    /** @return whether every board runs the new version */
    @JsonIgnore
    public boolean allDone() {
        return !boards.isEmpty() && boards.stream().allMatch(b -> b.state == BoardState.DONE);
    }

    /** @return whether the rollout has ended for good (nothing left to resume) */
    @JsonIgnore
    public boolean finished() {
        return COMPLETED.equals(status) || STOPPED.equals(status);
    }
}
