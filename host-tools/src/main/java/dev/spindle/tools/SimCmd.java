package dev.spindle.tools;

import dev.spindle.agent.AgentConfig;
import dev.spindle.protocol.Topics;
import dev.spindle.tools.sim.Footprint;
import dev.spindle.tools.sim.SimFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spindle sim --boards N}: N simulated boards in this JVM, each a real agent (docs/tools.md). */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Run N simulated boards in this process, each a real Spindle agent with its own MQTT",
            "connection (birth and will, telemetry, commands, outbox) and no firmware app: load tests and",
            "demos of large fleets. Prints the memory and threads each board costs. Ctrl-C stops them",
            "cleanly (each publishes its offline state)."})
final class SimCmd extends ToolCommand {
    @Option(names = "--boards", paramLabel = "N", required = true, description = "How many boards (1..100000).")
    int boards;

    @Option(names = "--prefix", paramLabel = "TEXT", defaultValue = "sim-",
            description = "Board ids are PREFIX0001, PREFIX0002, ... (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--period", paramLabel = "S", defaultValue = "1",
            description = "Telemetry period of each board in seconds (default ${DEFAULT-VALUE}).")
    double periodS;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where the boards keep their outboxes (a directory each). Default: a temporary directory in"
                + " /dev/shm (memory), removed at the end: the agent forces every outbox write to disk (fsync), and"
                + " a thousand boards sharing one disk would measure the disk, not Spindle."})
    Path dataDir;

    @Option(names = "--start-rate", paramLabel = "N", defaultValue = "200",
            description = "Boards started per second, so the broker sees a ramp, not a burst (0: all at once; default ${DEFAULT-VALUE}).")
    double startRate;

    @Option(names = "--timer-threads", paramLabel = "N", defaultValue = "2",
            description = "Threads the boards share for telemetry and checks (default ${DEFAULT-VALUE}).")
    int timerThreads;

    @Option(names = "--trust", paramLabel = "DIR|PUB", split = ",",
            description = {"Signing keys the boards trust (deploy.trust: .pub files or directories of them; repeatable)."
                + " Without it the boards refuse every bundle, as real boards without a key do."})
    List<Path> trust = new ArrayList<>();

    @Option(names = "--health-grace", paramLabel = "MS", defaultValue = "-1",
            description = {"deploy.health.grace.ms of every board: how long a deployed firmware must run healthy"
                + " before the board reports the deploy done (default: the agent's, 30 s). Rollout load tests shorten it."})
    long healthGraceMs;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0",
            description = "Stop after S seconds (default: run until Ctrl-C).")
    long durationS;

    @Override
    int run() throws ToolException, InterruptedException {
        if (boards < 1 || boards > 100_000) {
            throw new ToolException(ExitCodes.USAGE, "--boards must be between 1 and 100000, got " + boards);
        }
        if (periodS < 0.1 || periodS > 3600) {
            throw new ToolException(ExitCodes.USAGE, "--period must be between 0.1 and 3600 seconds, got " + periodS);
        }
        try {
            Topics.checkId("board", prefix + "0001");
        } catch (IllegalArgumentException e) {
            throw new ToolException(ExitCodes.USAGE, "--prefix '" + prefix + "' makes bad board ids: " + e.getMessage());
        }
        for (Path k : trust) {
            if (!Files.isReadable(k)) {
                throw new ToolException(ExitCodes.USAGE, "--trust " + k + ": no such readable key file or directory"
                        + " (give the .pub from spindle keygen, or a directory of them)");
            }
        }
        if (healthGraceMs < -1 || healthGraceMs > 86_400_000L) {
            throw new ToolException(ExitCodes.USAGE, "--health-grace must be between 0 and 86400000 ms, got "
                    + healthGraceMs);
        }
        BrokerOptions.Resolved r = broker.resolve();
        if (r.tls() != null) {
            throw new ToolException(ExitCodes.USAGE, "spindle sim connects over plain TCP only (tcp://HOST:PORT); "
                    + "run it against a test broker's plain listener");
        }
        boolean tempDir = dataDir == null;
        Path dir;
        try {
            dir = tempDir ? SimFleet.tempDataDir() : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot create the data directory " + dataDir + ": " + e.getMessage()
                    + " (give a writable --data-dir)");
        }
        Footprint before = Footprint.now();
        SimFleet fleet = new SimFleet(new SimFleet.Settings(r.broker(), r.fleet(), prefix, periodS, dir, r.username(),
                r.password(), timerThreads, new SimFleet.Deploy(trust, healthGraceMs)));
        try {
            out().println("Starting " + boards + " simulated boards (" + prefix + "0001..) of fleet '" + r.fleet()
                    + "' on " + r.broker() + (startRate > 0 ? ", " + startRate + " a second" : "") + "; data in " + dir);
            out().flush();
            long t0 = System.nanoTime();
            fleet.start(1, boards, startRate);
            if (!fleet.awaitAllOnline(Math.max(30_000, (long) (boards * 20L)))) {
                out().println("Only " + fleet.online() + " of " + boards + " boards connected; the others keep retrying"
                        + " (check the broker's max_connections and its open file limit, ulimit -n)");
            } else {
                out().printf("All %d boards online after %.1f s%n", boards, (System.nanoTime() - t0) / 1e9);
            }
            Thread.sleep(2000); // the first telemetry and thread tables go out
            Footprint after = Footprint.now();
            out().println("Per board: " + after.perBoard(before, boards) + " (JVM: " + after.threads() + " threads, "
                    + after.heapBytes() / (1024 * 1024) + " MiB heap"
                    + (after.rssBytes() < 0 ? "" : ", " + after.rssBytes() / (1024 * 1024) + " MiB RSS") + ")");
            out().flush();
            awaitStop(durationS * 1000);
            out().println("Stopping " + boards + " boards");
            out().flush();
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot prepare a board's data directory in " + dir + ": "
                    + e.getMessage());
        } catch (AgentConfig.Invalid e) {
            throw new ToolException(ExitCodes.USAGE, e.getMessage());
        } finally {
            fleet.close();
            if (tempDir) {
                deleteTree(dir);
            }
        }
        return ExitCodes.OK;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the system cleans it eventually
        }
    }
}
