package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bench.common.Machine;
import dev.spindle.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code make bench-fleet}: {@link FleetRun} with 1,000 boards at one telemetry message a second,
 * three shared monitors; writes bench/results/fleet.json and the fleet table of docs/benchmarks.md.
 * Options: {@code --boards N --window S --shared K --start-rate N}; the rollout phase:
 * {@code --rollout-boards N} (the small rollout, 0: none), {@code --rollout-all true|false} (then
 * the whole fleet), {@code --bundle-bytes B}, {@code --waves W}, {@code --parallel P},
 * {@code --health-grace MS}; {@code --dashboard true|false}.
 */
public final class FleetBench {
    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        int boards = 1000;
        int window = 30;
        int shared = 3;
        double startRate = 200;
        int rolloutBoards = 100;
        boolean rolloutAll = true;
        int bundleBytes = 1 << 20;
        String waves = "1,10%,100%";
        int parallel = 32;
        long grace = 1000;
        boolean dashboard = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--boards" -> boards = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--shared" -> shared = Integer.parseInt(args[i + 1]);
                case "--start-rate" -> startRate = Double.parseDouble(args[i + 1]);
                case "--rollout-boards" -> rolloutBoards = Integer.parseInt(args[i + 1]);
                case "--rollout-all" -> rolloutAll = Boolean.parseBoolean(args[i + 1]);
                case "--bundle-bytes" -> bundleBytes = Integer.parseInt(args[i + 1]);
                case "--waves" -> waves = args[i + 1];
                case "--parallel" -> parallel = Integer.parseInt(args[i + 1]);
                case "--health-grace" -> grace = Long.parseLong(args[i + 1]);
                case "--dashboard" -> dashboard = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --boards N --window S --shared K --start-rate N --rollout-boards N --rollout-all true|false"
                        + " --bundle-bytes B --waves W --parallel P --health-grace MS --dashboard true|false)");
            }
        }
        Path dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
                "spindle-bench-fleet-");
        String loadBefore = Machine.uptime();
        ObjectNode r = Json.object();
        Exception failure = null;
        try {
            FleetRun.run(new FleetRun.Config(boards, shared, window, 1.0, startRate,
                    rolloutBoards == 0 && !rolloutAll ? null : new FleetRun.Rollout(rolloutBoards, rolloutAll, bundleBytes, waves,
                            parallel, grace), dashboard), dir, r);
            deleteTree(dir); // the boards' data and slots: about 2.5 MiB a board with the rollout (kept after a failure)
        } catch (Exception e) { // what the phases before measured is still written, with the failure
            failure = e;
            r.put("failure", String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        }
        r.put("date", Instant.now().toString());
        ObjectNode m = r.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("uptimeBefore", loadBefore);
        m.put("uptimeAfter", Machine.uptime());
        Path out = Path.of("bench/results/fleet.json");
        Files.createDirectories(out.getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), r);
        FleetBenchDoc.update(Path.of("docs/benchmarks.md"), r);
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        System.out.println("wrote " + out + " and docs/benchmarks.md (Fleet at scale)");
        if (failure != null) {
            System.err.println("bench-fleet: the run stopped early (its data is kept in " + dir + "); the figures written"
                    + " are those of the phases before:");
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("bench-fleet: could not remove " + dir + ": " + e.getMessage());
        }
    }

}
