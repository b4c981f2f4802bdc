package dev.spindle.tools;

import dev.spindle.protocol.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spindle broker}: runs the embedded MQTT broker (Moquette) until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run the embedded MQTT broker (Moquette 0.17) until Ctrl-C.",
            "For a lab or the demo; a production fleet uses Mosquitto (docs/operations.md)."})
public final class BrokerCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for the network).")
    String host;

    @Option(names = "--port", defaultValue = "1883", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--data-dir", description = "Keep retained messages and sessions here across restarts (default: in memory).")
    Path dataDir;

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Makes {@link #call()} return (Ctrl-C does it through a shutdown hook). */
    public void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedBroker broker;
        try {
            broker = EmbeddedBroker.start(host, port, dataDir);
        } catch (IOException e) {
            spec.commandLine().getErr().println("spindle broker: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        Thread hook = new Thread(() -> {
            stop();
            broker.close();
        }, "spindle-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("MQTT broker listening on " + broker.url() + (host.equals("0.0.0.0") ? " (all interfaces)" : "")
                    + (dataDir == null ? ", in memory" : ", data in " + dataDir) + ". Ctrl-C stops it.");
            out.println("Point boards and tools at it: SPINDLE_BROKER=" + broker.url());
            out.flush();
            stop.await();
        } finally {
            broker.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the broker too
            }
        }
        return ExitCodes.OK;
    }
}
