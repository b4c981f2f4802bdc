package dev.spindle.tools.deploy;

import java.io.PrintWriter;
import java.util.List;

/**
 * The view of a rollout when the output is not a terminal (a log file, a CI job): one line per
 * wave start and per board state change, no bars. Thread-safe (synchronizes on this).
 */
final class LineView implements RolloutListener {
    private final PrintWriter out;

    LineView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void waveStarted(int wave, int waves, List<String> boards) {
        out.println("wave " + wave + "/" + waves + ": " + String.join(", ", boards));
        out.flush();
    }

    @Override
    public synchronized void boardChanged(RolloutRecord.Board b) {
        StringBuilder s = new StringBuilder(b.board).append(": ").append(b.state.wireName());
        if (b.state == BoardState.DONE && b.version != null) {
            s.append(" (").append(b.version).append(')');
        }
        if (b.reason != null) {
            s.append(": ").append(b.reason);
        }
        out.println(s);
        out.flush();
    }

    @Override
    public synchronized void stopping(String reason) {
        out.println("stopping: " + reason + "; boards already running finish");
        out.flush();
    }
}
