package dev.spindle.tools.deploy;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal view of a rollout: one progress bar per board being deployed (the progressbar
 * library, me.tongfei:progressbar), showing the bytes the board holds and, after the transfer,
 * its step; a bar closes with the board's result. Wave starts and the threshold stop are printed
 * as lines between bars.
 *
 * <p>Thread-safe: every method synchronizes on this (bars are created and closed under it; the
 * library redraws them from its own thread).
 */
final class ProgressBars implements RolloutListener {
    private final PrintStream lines;
    private final Supplier<ProgressBarConsumer> consumers;
    private final long bundleSize;
    private final int nameWidth;
    private final Map<String, ProgressBar> bars = new HashMap<>(); // guarded by this

    /**
     * @param lines     where wave lines go (the stream the bars are drawn on)
     * @param consumers makes the consumer of each bar; null for the library's console consumer
     *                  (an interactive terminal gets bars redrawn in place)
     */
    ProgressBars(PrintStream lines, Supplier<ProgressBarConsumer> consumers, long bundleSize, List<String> boards) {
        this.lines = lines;
        this.consumers = consumers;
        this.bundleSize = Math.max(1, bundleSize);
        this.nameWidth = Math.min(24, boards.stream().mapToInt(String::length).max().orElse(5));
    }

    @Override
    public synchronized void waveStarted(int wave, int waves, List<String> boards) {
        lines.println("wave " + wave + "/" + waves + ": " + boards.size() + (boards.size() == 1 ? " board" : " boards"));
        lines.flush();
    }

    @Override
    public synchronized void boardChanged(RolloutRecord.Board b) {
        if (b.state == BoardState.SKIPPED || b.state == BoardState.PENDING) {
            return;
        }
        ProgressBar bar = bars.get(b.board);
        if (bar == null) {
            if (b.state.isFinal() && b.attempts == 0) {
                return;
            }
            ProgressBarBuilder pb = new ProgressBarBuilder().setTaskName(pad(b.board)).setInitialMax(bundleSize)
                    .setStyle(ProgressBarStyle.ASCII).setUnit("KiB", 1024).setUpdateIntervalMillis(250)
                    .setMaxRenderedLength(100);
            if (consumers != null) {
                pb.setConsumer(consumers.get());
            }
            bar = pb.build();
            bars.put(b.board, bar);
        }
        switch (b.state) {
            case DONE -> {
                bar.stepTo(bar.getMax());
                bar.setExtraMessage(" done" + (b.version == null ? "" : " " + b.version));
            }
            case FAILED, ROLLED_BACK, TIMED_OUT -> bar.setExtraMessage(" " + b.state.wireName() + ": " + shorten(b.reason));
            default -> bar.setExtraMessage(" " + b.state.wireName());
        }
        if (b.state.isFinal() || !b.state.inStep()) {
            bar.close();
            bars.remove(b.board);
        }
    }

    @Override
    public synchronized void transferred(String board, long bytes, long total) {
        ProgressBar bar = bars.get(board);
        if (bar != null) {
            if (total > 0 && total != bar.getMax()) {
                bar.maxHint(total);
            }
            bar.stepTo(Math.max(0, Math.min(bytes, bar.getMax())));
        }
    }

    @Override
    public synchronized void stopping(String reason) {
        lines.println("stopping: " + reason + "; boards already running finish");
        lines.flush();
    }

    /** Closes the bars still open (an interrupted rollout). */
    synchronized void close() {
        for (ProgressBar bar : bars.values()) {
            bar.close();
        }
        bars.clear();
    }

    private String pad(String s) {
        return s.length() >= nameWidth ? s : s + " ".repeat(nameWidth - s.length());
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
