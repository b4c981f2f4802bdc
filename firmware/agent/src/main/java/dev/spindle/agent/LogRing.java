package dev.spindle.agent;

import dev.spindle.protocol.LogMessage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last N log lines of the board (the agent's own and what the firmware app prints), for the
 * {@code log} topic and the {@code log.tail} command. Bounded: the oldest lines go first.
 */
public final class LogRing {
    private final LogMessage.Line[] ring; // guarded by this
    private long written; // guarded by this: lines ever added; line n is at ring[n % length]
    private final PrintStream console;

    public LogRing(int capacity, PrintStream console) {
        if (capacity < 1) {
            throw new IllegalArgumentException("log ring needs at least one line, got " + capacity);
        }
        this.ring = new LogMessage.Line[capacity];
        this.console = console;
    }

    /** Adds a line (and echoes the agent's own lines to the console). */
    void log(String level, String text) {
        add(level, text);
        if (console != null && !level.equals("out") && !level.equals("err")) {
            console.println("[spindle-agent] " + level + ": " + text);
        }
    }

    synchronized void add(String level, String text) {
        ring[(int) (written % ring.length)] = new LogMessage.Line(System.currentTimeMillis(), level, text);
        written++;
    }

    /** @return the last {@code n} lines, oldest first */
    synchronized List<LogMessage.Line> tail(int n) {
        return since(Math.max(0, written - Math.min(n, ring.length)));
    }

    /** @return the lines with number {@code >= from} still in the ring, oldest first */
    synchronized List<LogMessage.Line> since(long from) {
        long start = Math.max(from, written - ring.length);
        List<LogMessage.Line> out = new ArrayList<>();
        for (long i = Math.max(0, start); i < written; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }

    synchronized long written() {
        return written;
    }

    int capacity() {
        return ring.length;
    }

    /**
     * A stream that passes everything to {@code original} and adds each complete line to the ring
     * with {@code level}. For {@code System.out}/{@code err} of an agent process.
     */
    PrintStream tee(PrintStream original, String level) {
        LogRing self = this;
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream(); // guarded by this

            @Override
            public synchronized void write(int b) {
                original.write(b);
                if (b == '\n') {
                    flushLine();
                } else if (line.size() < 4096) {
                    line.write(b);
                }
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }

            @Override
            public synchronized void flush() {
                original.flush();
            }

            private void flushLine() {
                String s = line.toString(StandardCharsets.UTF_8);
                line.reset();
                self.add(level, s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
