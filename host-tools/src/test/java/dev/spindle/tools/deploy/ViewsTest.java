package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The progress bars (drawn by the progressbar library into a captured consumer) and the line view. */
class ViewsTest {
    private static RolloutRecord.Board board(String name, BoardState s, String reason) {
        RolloutRecord.Board b = new RolloutRecord.Board();
        b.board = name;
        b.wave = 1;
        b.state = s;
        b.reason = reason;
        b.attempts = 1;
        b.version = s == BoardState.DONE ? "1.2.0" : null;
        return b;
    }

    @Test
    void progressBarsShowBytesStepAndResultPerBoard() {
        List<String> frames = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ProgressBars bars = new ProgressBars(new PrintStream(lines, true, StandardCharsets.UTF_8),
                () -> new DelegatingProgressBarConsumer(frames::add, 120), 4 * 1024 * 1024, List.of("pi-1", "pi-22"));
        bars.waveStarted(1, 2, List.of("pi-1", "pi-22"));
        bars.boardChanged(board("pi-1", BoardState.TRANSFERRING, null));
        bars.boardChanged(board("pi-22", BoardState.TRANSFERRING, null));
        bars.transferred("pi-1", 2 * 1024 * 1024, 4 * 1024 * 1024);
        bars.boardChanged(board("pi-1", BoardState.HEALTH_CHECK, null));
        bars.boardChanged(board("pi-1", BoardState.DONE, null));
        bars.boardChanged(board("pi-22", BoardState.ROLLED_BACK, "health_check_failed: app exited"));
        bars.close();
        String all = String.join("\n", frames);
        assertTrue(lines.toString(StandardCharsets.UTF_8).contains("wave 1/2: 2 boards"));
        assertTrue(all.contains("pi-1 "), all);
        assertTrue(all.contains("100%") && all.contains("done 1.2.0"), all);
        assertTrue(all.contains("pi-22") && all.contains("rolled_back: health_check_failed: app exited"), all);
        assertTrue(all.contains("KiB"), all);
    }

    @Test
    void lineViewPrintsOneLinePerChange() {
        StringWriter w = new StringWriter();
        LineView v = new LineView(new PrintWriter(w));
        v.waveStarted(2, 3, List.of("a", "b"));
        v.boardChanged(board("a", BoardState.DONE, null));
        v.boardChanged(board("b", BoardState.TIMED_OUT, "step installing did not end within 3m"));
        v.stopping("failure threshold crossed");
        String s = w.toString();
        assertTrue(s.contains("wave 2/3: a, b"), s);
        assertTrue(s.contains("a: done (1.2.0)"), s);
        assertTrue(s.contains("b: timed_out: step installing did not end within 3m"), s);
        assertTrue(s.contains("stopping: failure threshold crossed"), s);
    }
}
