package dev.spindle.bench.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code make bench-fleet}: {@link FleetRun} with 1,000 boards at one telemetry message a second,
 * three shared monitors; writes bench/results/fleet.json and the fleet table of docs/benchmarks.md.
 * Options: {@code --boards N --window S --shared K --start-rate N}.
 */
public final class FleetBench {
    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        int boards = 1000;
        int window = 30;
        int shared = 3;
        double startRate = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--boards" -> boards = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--shared" -> shared = Integer.parseInt(args[i + 1]);
                case "--start-rate" -> startRate = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --boards N --window S --shared K --start-rate N)");
            }
        }
        Path dir = Files.createTempDirectory(Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
                "spindle-bench-fleet-");
        String loadBefore = uptime();
        ObjectNode r = FleetRun.run(new FleetRun.Config(boards, shared, window, 1.0, startRate), dir);
        r.put("date", Instant.now().toString());
        ObjectNode m = r.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("uptimeBefore", loadBefore);
        m.put("uptimeAfter", uptime());
        Path out = Path.of("bench/results/fleet.json");
        Files.createDirectories(out.getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), r);
        FleetBenchDoc.update(Path.of("docs/benchmarks.md"), r);
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        System.out.println("wrote " + out + " and docs/benchmarks.md (Fleet at scale)");
    }

    static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return s;
        } catch (Exception e) {
            return "(uptime failed: " + e.getMessage() + ")";
        }
    }
}
