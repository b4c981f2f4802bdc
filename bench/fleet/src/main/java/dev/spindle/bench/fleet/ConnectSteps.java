package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Stats;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.mqtt.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The reconnect storm as the simulated boards saw it ({@link Link.ConnectTiming} of each board's
 * connect after the broker stopped): per second, how many boards reached their reconnect slot,
 * started the attempt, wrote their CONNECT and were connected again, with the delays between the
 * steps. Next to the broker's log ({@link StormLog}) it shows on which side a connect was late.
 *
 * @param timings the boards' connects after {@code sinceMs}
 * @param sinceMs when the broker stopped: the per-second counts start at its second
 */
record ConnectSteps(List<Link.ConnectTiming> timings, long sinceMs) {
    static ConnectSteps of(List<Link.ConnectTiming> all, long sinceMs) {
        List<Link.ConnectTiming> after = new ArrayList<>();
        for (Link.ConnectTiming t : all) {
            if (t.attemptMs() >= sinceMs) {
                after.add(t);
            }
        }
        return new ConnectSteps(after, sinceMs);
    }

    /** Counts per wall-clock second of one step (steps that did not apply, -1, left out). */
    static TreeMap<Long, Integer> perSecond(List<Link.ConnectTiming> timings, ToLongFunction<Link.ConnectTiming> step) {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (Link.ConnectTiming t : timings) {
            long ms = step.applyAsLong(t);
            if (ms >= 0) {
                counts.merge(ms / 1000, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Milliseconds from one step to a later one, sorted (pairs where either did not apply left out). */
    static long[] delays(List<Link.ConnectTiming> timings, ToLongFunction<Link.ConnectTiming> from,
            ToLongFunction<Link.ConnectTiming> to) {
        return timings.stream().filter(t -> from.applyAsLong(t) >= 0 && to.applyAsLong(t) >= 0)
                .mapToLong(t -> to.applyAsLong(t) - from.applyAsLong(t)).sorted().toArray();
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("connects", timings.size());
        step(o, "slot", Link.ConnectTiming::slotMs);
        step(o, "attempt", Link.ConnectTiming::attemptMs);
        step(o, "connectSent", Link.ConnectTiming::connectSentMs);
        step(o, "connack", Link.ConnectTiming::connackMs);
        step(o, "connected", Link.ConnectTiming::connectedMs);
        delay(o, "slotToAttempt", Link.ConnectTiming::slotMs, Link.ConnectTiming::attemptMs);
        delay(o, "attemptToConnectSent", Link.ConnectTiming::attemptMs, Link.ConnectTiming::connectSentMs);
        delay(o, "connectSentToConnack", Link.ConnectTiming::connectSentMs, Link.ConnectTiming::connackMs);
        delay(o, "connackToConnected", Link.ConnectTiming::connackMs, Link.ConnectTiming::connectedMs);
        return o;
    }

    private void step(ObjectNode o, String name, ToLongFunction<Link.ConnectTiming> step) {
        TreeMap<Long, Integer> counts = perSecond(timings, step);
        o.put(name + "PeakPerS", StormLog.peak(counts));
        o.putPOJO(name + "PerSecond", fromSecond(counts, sinceMs / 1000));
    }

    /** The counts as a list from {@code firstSecond} on, seconds without any as 0. */
    static List<Integer> fromSecond(TreeMap<Long, Integer> counts, long firstSecond) {
        List<Integer> list = new ArrayList<>();
        if (!counts.isEmpty()) {
            for (long s = firstSecond; s <= counts.lastKey(); s++) {
                list.add(counts.getOrDefault(s, 0));
            }
        }
        return list;
    }

    private void delay(ObjectNode o, String name, ToLongFunction<Link.ConnectTiming> from,
            ToLongFunction<Link.ConnectTiming> to) {
        long[] d = delays(timings, from, to);
        o.put(name + "P50Ms", Stats.percentile(d, 0.50));
        o.put(name + "P99Ms", Stats.percentile(d, 0.99));
        o.put(name + "MaxMs", d.length == 0 ? -1 : d[d.length - 1]);
        o.put(name + "Count", d.length);
    }
}
