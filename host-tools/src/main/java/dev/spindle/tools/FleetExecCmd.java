package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.ErrorCode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle fleet exec [--board B…] COMMAND [KEY=VALUE | KEY:=JSON …]}: one agent command on
 * many boards at once, a reply (or error) per board, and exit 4 when any failed.
 *
 * <p>Concurrency: the requests go out from a pool of {@code --parallel} threads sharing one
 * {@link Rpc} (thread-safe); each thread waits for its own board's reply. Results are collected
 * by board in the order the boards were named (or found), so the output does not depend on
 * which board answered first.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run one agent command (ping, info, gpio.read, log.tail, app.restart, …) on many boards and",
            "collect the replies; exit 4 when any board failed or did not answer in time."},
        footer = {"", "Arguments: KEY=VALUE sends a string, KEY:=JSON sends a number, true/false or any JSON:",
            "  spindle fleet exec --fleet lab gpio.read pin=17",
            "  spindle fleet exec --fleet lab --board pi-01 --board pi-02 gpio.write pin=17 value:=1",
            "Without --board every board whose state is online (or stale) is targeted; offline ones are listed",
            "as skipped."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every targeted board answered ok",
            "1:failure (the message says what happened and what to do)",
            "2:bad command line (unknown option, bad KEY=VALUE)",
            "3:the MQTT broker could not be reached",
            "4:a board answered with an error or not in time (or no board was online)"})
final class FleetExecCmd extends ToolCommand {
    @Option(names = "--board", paramLabel = "BOARD",
            description = "Run it on these boards (repeat the option); default: every online board of the fleet.")
    List<String> boards = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object (results per board, skipped, ok) instead of the table.")
    boolean json;

    @Option(names = "--wait", paramLabel = "MS", defaultValue = "1500",
            description = "Without --board: how long to collect the fleet's state first, ms (default ${DEFAULT-VALUE}).")
    long waitMs;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "16",
            description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "The agent command, e.g. ping, info, gpio.read.")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "KEY=VALUE (a string) or KEY:=JSON (any JSON value).")
    List<String> args = new ArrayList<>();

    /** One board's outcome: {@code reply} when it answered ok, else {@code errorCode} and {@code error}. */
    record Result(String board, boolean ok, double ms, ObjectNode reply, String errorCode, String error) {
    }

    /** @return the arguments as a JSON object: KEY=VALUE strings, KEY:=JSON values */
    static ObjectNode parseArgs(List<String> args) throws ToolException {
        ObjectNode o = Json.object();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == 1 && a.charAt(0) == ':') {
                throw new ToolException(ExitCodes.USAGE, "argument '" + a + "' is not KEY=VALUE or KEY:=JSON"
                        + " (e.g. pin=17, value:=1)");
            }
            boolean raw = a.charAt(eq - 1) == ':';
            String key = a.substring(0, raw ? eq - 1 : eq);
            String value = a.substring(eq + 1);
            if (key.equals("id") || key.equals("reply") || key.equals("v")) {
                throw new ToolException(ExitCodes.USAGE, "argument '" + key + "' is set by spindle itself; leave it out");
            }
            if (raw) {
                try {
                    o.set(key, Json.MAPPER.readTree(value));
                } catch (java.io.IOException e) {
                    throw new ToolException(ExitCodes.USAGE, "argument " + key + ":=" + value + " is not JSON"
                            + " (a string needs quotes: " + key + ":='\"text\"', or use " + key + "=text)");
                }
            } else {
                o.put(key, value);
            }
        }
        return o;
    }

    @Override
    int run() throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        if (!command.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ToolException(ExitCodes.USAGE, "'" + command + "' is not a command name (ping, info, gpio.read, …)");
        }
        for (String b : boards) {
            LogsCmd.checkBoard(b);
        }
        if (parallel < 1) {
            throw new ToolException(ExitCodes.USAGE, "--parallel must be at least 1");
        }
        ObjectNode body = parseArgs(args);
        Map<String, JsonNode> argMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            argMap.put(e.getKey(), e.getValue());
        }
        FleetView view = new FleetView();
        boolean discover = boards.isEmpty();
        Link link = broker.connect(r, "fleet-exec", l -> {
            if (discover) {
                l.subscribe(Topics.fleetFilter(r.fleet(), Topics.STATE), Wire.QOS_RELIABLE,
                        m -> view.accept(m, System.currentTimeMillis()));
            }
        });
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(boards));
        List<FleetView.Board> skipped = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        try {
            if (discover) {
                Thread.sleep(waitMs);
                for (FleetView.Board b : view.boards(System.currentTimeMillis())) {
                    if (b.status() == FleetView.Status.OFFLINE) {
                        skipped.add(b);
                    } else {
                        targets.add(b.board());
                    }
                }
            }
            if (!targets.isEmpty()) {
                results = callAll(new Rpc(link, r.fleet()), targets, argMap);
            }
        } catch (LinkException e) {
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, e.getMessage());
        } finally {
            link.close();
        }
        boolean allOk = !targets.isEmpty() && results.stream().allMatch(Result::ok);
        if (json) {
            out().println(toJson(r.fleet(), body, results, skipped, allOk).toString());
        } else {
            printTable(results, skipped);
        }
        out().flush();
        if (targets.isEmpty()) {
            spec.commandLine().getErr().println("spindle fleet exec: no online board in fleet '" + r.fleet()
                    + "' to run " + command + " on (check --fleet, or name boards with --board)");
        }
        return allOk ? ExitCodes.OK : ExitCodes.BOARD_ERROR;
    }

    private List<Result> callAll(Rpc rpc, List<String> targets, Map<String, JsonNode> argMap) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, targets.size()), runnable -> {
            Thread t = new Thread(runnable, "spindle-fleet-exec");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (String b : targets) {
                futures.add(pool.submit(() -> callOne(rpc, b, argMap)));
            }
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new Result(targets.get(i), false, 0, null, ErrorCode.INTERNAL.wireName(),
                            String.valueOf(e.getCause())));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Result callOne(Rpc rpc, String board, Map<String, JsonNode> argMap) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            Reply reply = rpc.call(board, command, argMap, broker.timeoutMs);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (reply.ok()) {
                ObjectNode body = reply.body().deepCopy();
                body.remove(List.of("v", "id", "ok"));
                return new Result(board, true, ms, body, null, null);
            }
            ErrorCode code = reply.errorCode();
            return new Result(board, false, ms, null, code == null ? "unknown" : code.wireName(), reply.errorMessage());
        } catch (ProtocolException e) {
            return new Result(board, false, (System.nanoTime() - t0) / 1e6, null, e.code().wireName(), e.getMessage());
        }
    }

    private void printTable(List<Result> results, List<FleetView.Board> skipped) {
        if (!results.isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"BOARD", "RESULT", "TIME", "REPLY"});
            for (Result x : results) {
                rows.add(new String[] {x.board(), x.ok() ? "ok" : x.errorCode(),
                    String.format(Locale.ROOT, "%.1f ms", x.ms()),
                    x.ok() ? x.reply().toString() : x.error()});
            }
            out().print(table(rows));
        }
        for (FleetView.Board b : skipped) {
            out().println("skipped " + b.board() + ": offline");
        }
        long failed = results.stream().filter(x -> !x.ok()).count();
        out().println(command + " on " + results.size() + " boards: " + (results.size() - failed) + " ok, " + failed
                + " failed" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " offline skipped"));
    }

    private ObjectNode toJson(String fleet, ObjectNode body, List<Result> results, List<FleetView.Board> skipped,
            boolean allOk) {
        ObjectNode o = Json.object();
        o.put("fleet", fleet);
        o.put("command", command);
        o.set("args", body);
        o.put("ok", allOk);
        ArrayNode a = o.putArray("results");
        for (Result x : results) {
            ObjectNode n = a.addObject();
            n.put("board", x.board());
            n.put("ok", x.ok());
            n.put("ms", Math.round(x.ms() * 1000) / 1000.0);
            if (x.ok()) {
                n.set("reply", x.reply());
            } else {
                n.putObject("error").put("code", x.errorCode()).put("message", x.error());
            }
        }
        ArrayNode s = o.putArray("skipped");
        for (FleetView.Board b : skipped) {
            s.addObject().put("board", b.board()).put("status", b.status().wireName());
        }
        return o;
    }
}
