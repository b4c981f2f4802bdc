package dev.spindle.tools.deploy;

import java.nio.file.Path;
import java.time.Duration;

/** Builds rollout records for the tests. */
final class Rollouts {
    private Rollouts() {
    }

    static RolloutRecord record(String waves, String maxFailures, int parallel, StepTimeouts t, String... boards) {
        RolloutRecord r = new RolloutRecord();
        r.id = RolloutStore.newId(System.currentTimeMillis());
        r.createdMs = System.currentTimeMillis();
        r.user = "tester";
        r.host = "testhost";
        r.fleet = "lab";
        r.bundle = RolloutRecord.Bundle.of(new BundleInfo(Path.of("/tmp/blink.zip"), "blink", "1.2.0",
                "ab".repeat(32), 4096));
        RolloutRecord.Plan p = new RolloutRecord.Plan();
        p.waves = waves;
        p.waveEnds = Waves.parse(waves).resolve(boards.length);
        p.maxFailures = maxFailures;
        p.parallel = parallel;
        p.timeouts(t);
        r.plan = p;
        int wave = 0;
        for (int i = 0; i < boards.length; i++) {
            while (i >= p.waveEnds[wave]) {
                wave++;
            }
            RolloutRecord.Board b = new RolloutRecord.Board();
            b.board = boards[i];
            b.wave = wave + 1;
            r.boards.add(b);
        }
        return r;
    }

    /** Timeouts that never fire in a test (hang guards only). */
    static final StepTimeouts LONG = new StepTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5));

    static String[] boards(int n) {
        String[] b = new String[n];
        for (int i = 0; i < n; i++) {
            b[i] = String.format("b%02d", i + 1);
        }
        return b;
    }

    static RolloutRecord.Board board(RolloutRecord r, String name) {
        return r.boards.stream().filter(b -> b.board.equals(name)).findFirst().orElseThrow();
    }
}
