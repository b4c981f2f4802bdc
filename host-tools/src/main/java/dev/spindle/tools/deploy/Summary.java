package dev.spindle.tools.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import dev.spindle.tools.ExitCodes;
import java.util.ArrayList;
import java.util.List;

/** The end of a rollout: the table for people, the JSON object for scripts, the exit code. */
final class Summary {
    private Summary() {
    }

    /** @return 0 when every targeted board runs the new version, else {@link ExitCodes#ROLLOUT_INCOMPLETE} */
    static int exitCode(RolloutRecord r) {
        return r.allDone() ? ExitCodes.OK : ExitCodes.ROLLOUT_INCOMPLETE;
    }

    static String table(RolloutRecord r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BOARD", "WAVE", "STATE", "VERSION", "ATTEMPTS", "DETAIL"});
        for (RolloutRecord.Board b : r.boards) {
            rows.add(new String[] {b.board, String.valueOf(b.wave), b.state.wireName(),
                b.version == null ? "-" : b.version, String.valueOf(b.attempts), b.reason == null ? "" : b.reason});
        }
        StringBuilder s = new StringBuilder(render(rows));
        s.append(counts(r)).append(System.lineSeparator());
        s.append("rollout ").append(r.id).append(' ').append(r.status);
        if (r.stopReason != null) {
            s.append(" (").append(r.stopReason).append(')');
        }
        s.append(": ").append(r.bundle.name).append(' ').append(r.bundle.version);
        s.append(System.lineSeparator());
        if (!r.allDone() && !RolloutRecord.COMPLETED.equals(r.status)) {
            s.append("continue it with: spindle deploy --resume ").append(r.id).append(System.lineSeparator());
        }
        return s.toString();
    }

    static String counts(RolloutRecord r) {
        List<String> parts = new ArrayList<>();
        for (BoardState st : BoardState.values()) {
            long n = r.count(st);
            if (n > 0) {
                parts.add(n + " " + st.wireName());
            }
        }
        return r.boards.size() + " boards: " + String.join(", ", parts);
    }

    /** The {@code --json} summary (schema in docs/deploy.md). */
    static ObjectNode json(RolloutRecord r, int failureLimit) {
        ObjectNode o = Json.object();
        o.put("rollout", r.id);
        o.put("ok", r.allDone());
        o.put("exit_code", exitCode(r));
        o.put("status", r.status);
        if (r.stopReason != null) {
            o.put("stop_reason", r.stopReason);
        }
        o.put("fleet", r.fleet);
        ObjectNode b = o.putObject("bundle");
        b.put("name", r.bundle.name).put("version", r.bundle.version).put("sha256", r.bundle.sha256)
                .put("path", r.bundle.path).put("size", r.bundle.size);
        o.put("waves", r.plan.waves);
        ArrayNode ends = o.putArray("wave_ends");
        for (int e : r.plan.waveEnds) {
            ends.add(e);
        }
        o.put("max_failures", r.plan.maxFailures);
        o.put("failure_limit", failureLimit);
        ObjectNode counts = o.putObject("counts");
        for (BoardState st : BoardState.values()) {
            counts.put(st.wireName(), r.count(st));
        }
        ArrayNode boards = o.putArray("boards");
        for (RolloutRecord.Board x : r.boards) {
            ObjectNode n = boards.addObject();
            n.put("board", x.board).put("wave", x.wave).put("state", x.state.wireName());
            if (x.reason != null) {
                n.put("reason", x.reason);
            }
            if (x.timedOutIn != null) {
                n.put("timed_out_in", x.timedOutIn.wireName());
            }
            if (x.version != null) {
                n.put("version", x.version);
            }
            n.put("attempts", x.attempts).put("started_ms", x.startedMs).put("ended_ms", x.endedMs);
        }
        return o;
    }

    /** Left-aligned columns separated by two spaces. */
    static String render(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(r[i]);
                if (i < cols - 1) {
                    line.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }
}
