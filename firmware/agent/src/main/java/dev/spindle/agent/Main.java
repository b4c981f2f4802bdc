package dev.spindle.agent;

import dev.spindle.threading.PriorityMap;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp … dev.spindle.agent.Main --config agent.properties}: runs the board agent until
 * the process is told to stop (SIGTERM, Ctrl-C), then stops cleanly (state offline, no will).
 *
 * <p>Exit codes: 0 after a clean stop, 2 for a bad command line or configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("Usage: spindle-agent --config FILE");
                System.out.println("Runs the Spindle board agent; docs/agent.md lists the config keys.");
                return;
            } else {
                System.err.println("spindle-agent: unknown argument '" + args[i] + "'. Usage: spindle-agent --config FILE");
                System.exit(2);
            }
        }
        if (config == null) {
            System.err.println("spindle-agent: --config FILE is missing (docs/agent.md shows an example)");
            System.exit(2);
        }
        AgentConfig cfg;
        try {
            cfg = AgentConfig.load(config);
        } catch (AgentConfig.Invalid e) {
            System.err.println("spindle-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream err = System.err;
        LogRing ring = new LogRing(cfg.logLines(), err);
        System.setOut(ring.tee(System.out, "out"));
        System.setErr(ring.tee(err, "err"));
        BoardIo io;
        try {
            io = HalBoardIo.open(cfg, ring);
        } catch (AgentConfig.Invalid e) {
            System.err.println("spindle-agent: " + config + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        if (io.board() != null) {
            PriorityMap.install(io.board().priorityMap()); // the board definition's priority.map
        }
        if (cfg.tls() != null && !cfg.tls().isHostnameChecked()) {
            ring.log("warning", "INSECURE: broker.tls.insecure=true: the broker's certificate is not checked against "
                    + "the host name in " + cfg.brokerUrl() + "; for development only, remove it in production");
        }
        Agent agent;
        try {
            agent = new Agent(cfg, io, ring);
        } catch (java.io.UncheckedIOException e) {
            System.err.println("spindle-agent: " + e.getMessage() + " (" + e.getCause().getMessage() + ")");
            io.close();
            System.exit(1);
            return;
        }
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv(), ring::log);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.stopping(ring::log);
            agent.close();
            stopped.countDown();
        }, "agent-shutdown"));
        agent.start();
        // the timer ticks every second: 15 s without a tick means it is stuck
        systemd.ready(agent::lastTickMs, 15_000, ring::log);
        stopped.await(); // the shutdown hook ends the process
    }
}
