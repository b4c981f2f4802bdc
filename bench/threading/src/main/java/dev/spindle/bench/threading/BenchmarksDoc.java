package dev.spindle.bench.threading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.bench.common.MarkedSection;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns {@code bench/results/threading.json} into the Markdown table of {@code docs/benchmarks.md}:
 * one row per comparison with Spindle's figure, the peer's from the same run, the ratio, the target
 * and whether it was met. Only the text between the markers of {@link #SECTION} is replaced; the
 * rest of the page (analysis, floors) is written by hand. A page without the markers gets the
 * section appended.
 *
 * <pre>java -cp ... dev.spindle.bench.threading.BenchmarksDoc [JSON [DOC]]</pre>
 */
public final class BenchmarksDoc {
    static final MarkedSection SECTION = new MarkedSection("threading", "bench-threading");

    /** One line of the table. {@code met} is null for rows shown for information only. */
    static final class Row {
        final String what;
        final String spindle;
        final String peer;
        final String peerValue;
        final String ratio;
        final String target;
        final Boolean met;

        Row(String what, String spindle, String peer, String peerValue, String ratio, String target, Boolean met) {
            this.what = what;
            this.spindle = spindle;
            this.peer = peer;
            this.peerValue = peerValue;
            this.ratio = ratio;
            this.target = target;
            this.met = met;
        }
    }

    private BenchmarksDoc() {
    }

    public static void main(String[] args) throws IOException {
        Path json = Paths.get(args.length > 0 ? args[0] : "bench/results/threading.json");
        Path doc = Paths.get(args.length > 1 ? args[1] : "docs/benchmarks.md");
        write(new ObjectMapper().readTree(json.toFile()), doc);
        System.out.println("Wrote " + doc);
    }

    /** Replaces the generated section of {@code doc} with the table for {@code results}. */
    static void write(JsonNode results, Path doc) throws IOException {
        SECTION.write(doc, table(results));
    }

    /** @return the Markdown: run facts, the comparison table, the latency-by-queue table */
    static String table(JsonNode r) {
        StringBuilder md = new StringBuilder();
        JsonNode m = r.path("machine");
        md.append("Run ").append(r.path("generated").asText()).append(", ").append(m.path("cores").asInt())
                .append(" cores, ").append(m.path("java").asText()).append(".  \n");
        md.append("Configuration ").append(r.path("config").asText()).append(".  \n");
        md.append("Machine load (`uptime`) before: `").append(m.path("uptimeBefore").asText()).append("`  \n");
        md.append("after: `").append(m.path("uptimeAfter").asText()).append("`\n\n");
        md.append("| # | measure | Spindle | peer | peer's figure | ratio | target | met? |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows(r)) {
            md.append("| ").append(row.what).append(" | ").append(row.spindle).append(" | ").append(row.peer)
                    .append(" | ").append(row.peerValue).append(" | ").append(row.ratio).append(" | ")
                    .append(row.target).append(" | ")
                    .append(row.met == null ? "info" : row.met ? "yes" : "**no**").append(" |\n");
        }
        md.append("\nHigh-priority acquire latency by number of low-priority contenders (benchmark 5, ")
                .append(r.path("latency").path(0).path("criticalSectionNanos").asLong() / 1000)
                .append(" us critical section; p99 is the median of ").append(LatencyHarness.BLOCKS)
                .append(" interleaved blocks' p99s):\n\n");
        md.append("| contenders | Spindle p50 | Spindle p90 | Spindle p99 | fair RL p50 | fair RL p90 | fair RL p99 |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (int n : new int[] {0, 1, 4, 8}) {
            JsonNode s = latency(r, "spindle", n);
            JsonNode f = latency(r, "fairReentrantLock", n);
            md.append("| ").append(n);
            for (JsonNode x : new JsonNode[] {s, f}) {
                for (String q : new String[] {"p50Nanos", "p90Nanos", "p99Nanos"}) {
                    md.append(" | ").append(micros(x.path(q).asLong()));
                }
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    /** Every comparison, in the order of issue 4's list. */
    static List<Row> rows(JsonNode r) {
        List<Row> rows = new ArrayList<>();
        // 1. Uncontended
        double lock = jmh(r, "UncontendedBench.spindleLock");
        rows.add(lower("1 uncontended acquire+release", ns(lock), "ReentrantLock",
                jmh(r, "UncontendedBench.reentrantLock"), lock, 1.0, BenchmarksDoc::ns));
        rows.add(lower("1 uncontended acquire+release", ns(lock), "synchronized block",
                jmh(r, "UncontendedBench.synchronizedBlock"), lock, Double.NaN, BenchmarksDoc::ns));
        // 2. Contended hand-off
        for (int threads : new int[] {2, 4}) {
            String cls = "Contended" + threads + ".";
            double s = jmh(r, cls + "spindleLock");
            rows.add(higher("2 contended hand-off, " + threads + " threads", s, "fair ReentrantLock",
                    jmh(r, cls + "fairReentrantLock"), 1.0));
            rows.add(higher("2 contended hand-off, " + threads + " threads", s, "non-fair ReentrantLock",
                    jmh(r, cls + "nonFairReentrantLock"), Double.NaN));
        }
        // 3. Ping-pong
        double sem = jmh(r, "PingPongBench.semaphoreSpindle");
        rows.add(lower("3 ping-pong round trip, Semaphore", us(sem), "j.u.c.Semaphore",
                jmh(r, "PingPongBench.semaphoreJdk"), sem, 1.1, BenchmarksDoc::us));
        double ev = jmh(r, "PingPongBench.eventSpindle");
        rows.add(lower("3 ping-pong round trip, Event", us(ev), "CountDownLatch (new pair per round)",
                jmh(r, "PingPongBench.eventCountDownLatch"), ev, 1.1, BenchmarksDoc::us));
        rows.add(lower("3 ping-pong round trip, Event", us(ev), "volatile flag + LockSupport",
                jmh(r, "PingPongBench.eventLockSupport"), ev, 1.1, BenchmarksDoc::us));
        double cond = jmh(r, "PingPongBench.conditionSpindle");
        rows.add(lower("3 ping-pong round trip, Condition", us(cond), "j.u.c.locks.Condition (ReentrantLock)",
                jmh(r, "PingPongBench.conditionJdk"), cond, 1.1, BenchmarksDoc::us));
        // 4. Priority order
        double share = priority(r, "spindle");
        for (String peer : new String[] {"fairReentrantLock", "nonFairReentrantLock"}) {
            rows.add(new Row("4 grants to the highest waiting priority (7 priorities)", percent(share),
                    peer.startsWith("fair") ? "fair ReentrantLock" : "non-fair ReentrantLock",
                    percent(priority(r, peer)), "-", "Spindle 100%", share >= 1.0));
        }
        // 5. Latency
        JsonNode s8 = latency(r, "spindle", 8);
        JsonNode f8 = latency(r, "fairReentrantLock", 8);
        for (String q : new String[] {"p50Nanos", "p99Nanos"}) {
            double s = s8.path(q).asDouble();
            double f = f8.path(q).asDouble();
            rows.add(new Row("5 high-priority acquire, 8 low contenders, " + q.substring(0, 3), micros((long) s),
                    "fair ReentrantLock", micros((long) f), ratio(s / f), "(info)", null));
        }
        double sGrowth = s8.path("p99Nanos").asDouble() / latency(r, "spindle", 1).path("p99Nanos").asDouble();
        double fGrowth = f8.path("p99Nanos").asDouble()
                / latency(r, "fairReentrantLock", 1).path("p99Nanos").asDouble();
        // Strict: Spindle's p99 within 2x of the no-queue run AND the FIFO peer's visibly growing.
        rows.add(new Row("5 p99 with 8 contenders / p99 with 1 (lock held, no queue)", ratio(sGrowth),
                "fair ReentrantLock", ratio(fGrowth), "-", "Spindle <= 2.0x, fair RL > 1x",
                sGrowth <= 2.0 && fGrowth > 1.0));
        double sMedian = s8.path("p50Nanos").asDouble() / latency(r, "spindle", 1).path("p50Nanos").asDouble();
        double fMedian = f8.path("p50Nanos").asDouble()
                / latency(r, "fairReentrantLock", 1).path("p50Nanos").asDouble();
        rows.add(new Row("5 p50 with 8 contenders / p50 with 1 (lock held, no queue)", ratio(sMedian),
                "fair ReentrantLock", ratio(fMedian), "-", "(info: the same, less noisy)", null));
        double sFree = s8.path("p99Nanos").asDouble() / latency(r, "spindle", 0).path("p99Nanos").asDouble();
        double fFree = f8.path("p99Nanos").asDouble()
                / latency(r, "fairReentrantLock", 0).path("p99Nanos").asDouble();
        rows.add(new Row("5 p99 with 8 contenders / p99 on a free lock", ratio(sFree), "fair ReentrantLock",
                ratio(fFree), "-", "(info: waiting needs a wake-up)", null));
        // 6. Threads and memory
        double start = jmh(r, "ThreadStartBench.spindleThread");
        rows.add(lower("6 thread start+join", us(start), "java.lang.Thread", jmh(r, "ThreadStartBench.javaThread"),
                start, 1.2, BenchmarksDoc::us));
        JsonNode mem = r.path("memory");
        String[][] pairs = {
            {"Lock", "ReentrantLock"},
            {"Semaphore", "j.u.c.Semaphore"},
            {"Event", "CountDownLatch"},
            {"spindleThread", "javaThread"},
        };
        for (String[] p : pairs) {
            double a = mem.path(p[0]).asDouble();
            double b = mem.path(p[1]).asDouble();
            String what = p[0].equals("spindleThread") ? "6 heap per started, registered thread"
                    : "6 memory per new " + p[0];
            rows.add(new Row(what, bytes(a), p[1].equals("javaThread") ? "java.lang.Thread" : p[1], bytes(b),
                    ratio(a / b, 1.2), "<= 1.2x", a / b <= 1.2));
        }
        return rows;
    }

    private interface Format {
        String of(double v);
    }

    /** A row where less is better (time, bytes). NaN target: information only. */
    private static Row lower(String what, String spindle, String peer, double peerValue, double value, double target,
            Format f) {
        double ratio = value / peerValue;
        boolean info = Double.isNaN(target);
        return new Row(what, spindle, peer, f.of(peerValue), ratio(ratio, target),
                info ? "(info)" : "<= " + String.format(Locale.ROOT, "%.1fx", target), info ? null : ratio <= target);
    }

    private static Row higher(String what, double value, String peer, double peerValue, double target) {
        double ratio = value / peerValue;
        boolean info = Double.isNaN(target);
        return new Row(what, opsPerSecond(value), peer, opsPerSecond(peerValue), ratio(ratio, target),
                info ? "(info)" : ">= " + String.format(Locale.ROOT, "%.1fx", target), info ? null : ratio >= target);
    }

    /** @return the primary score of the JMH benchmark named {@code Class.method}, or NaN */
    static double jmh(JsonNode r, String shortName) {
        for (JsonNode b : r.path("jmh")) {
            String name = b.path("benchmark").asText();
            if (name.endsWith("." + shortName)) {
                return b.path("primaryMetric").path("score").asDouble(Double.NaN);
            }
        }
        return Double.NaN;
    }

    static double priority(JsonNode r, String lock) {
        for (JsonNode n : r.path("priorityOrder")) {
            if (lock.equals(n.path("lock").asText())) {
                return n.path("share").asDouble(Double.NaN);
            }
        }
        return Double.NaN;
    }

    static JsonNode latency(JsonNode r, String lock, int contenders) {
        for (JsonNode n : r.path("latency")) {
            if (lock.equals(n.path("lock").asText()) && n.path("contenders").asInt(-1) == contenders) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static String ns(double v) {
        return String.format(Locale.ROOT, "%.1f ns", v);
    }

    static String us(double v) {
        return String.format(Locale.ROOT, "%.2f us", v);
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f us", nanos / 1000.0);
    }

    static String opsPerSecond(double v) {
        return String.format(Locale.ROOT, "%.2f M ops/s", v / 1e6);
    }

    static String bytes(double v) {
        return String.format(Locale.ROOT, "%.0f B", v);
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    /** A ratio, with three decimals where two would round it onto its target and hide the verdict. */
    static String ratio(double v, double target) {
        if (!Double.isNaN(target) && Math.abs(v - target) < 0.005 && v != target) {
            return String.format(Locale.ROOT, "%.3fx", v);
        }
        return ratio(v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
    }
}
