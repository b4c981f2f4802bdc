package dev.spindle.protocol;

import java.util.List;

/**
 * {@code spindle/v1/{fleet}/{board}/log}, QoS 0, not retained: log lines written since the last
 * message (at most one message a second). The {@code log.tail} command returns the same lines
 * from the board's ring.
 */
public record LogMessage(int v, long ts, List<Line> lines) {

    /**
     * @param ts    ms since the epoch
     * @param level {@code info}, {@code warning}, {@code error}, or {@code out}/{@code err} for the app's console
     * @param text  the line, without its line break
     */
    public record Line(long ts, String level, String text) {
    }
}
