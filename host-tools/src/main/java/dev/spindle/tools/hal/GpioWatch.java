package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.Edge;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.tools.ExitCodes;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle gpio watch PIN}: prints one line per edge ({@code 1.234s GPIO 27 falling}) until
 * {@code --count} edges were seen or {@code --timeout-ms} passed (default: until interrupted).
 * Edges arrive on the input's Spindle listener thread and are printed by the command's thread.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Print the edges of a line as they happen.")
final class GpioWatch extends HalCommand {
    @Parameters(paramLabel = "PIN", description = "BCM line (17) or header pin (pin11)")
    String pin;

    @Option(names = "--edge", paramLabel = "rising|falling|both", defaultValue = "both",
            description = "which edges (default: ${DEFAULT-VALUE})")
    String edge;

    @Option(names = "--pull", paramLabel = "none|up|down", defaultValue = "none",
            description = "bias resistor (default: ${DEFAULT-VALUE})")
    String pull;

    @Option(names = "--debounce-ms", paramLabel = "MS", defaultValue = "0", description = "debounce window")
    long debounceMs;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "stop after N edges (0: no limit)")
    int count;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "-1",
            description = "stop after this long (-1: no limit)")
    long timeoutMs;

    @Override
    int run() {
        try (Board board = boardOptions.open()) {
            int bcm = GpioCommand.pin(board.spec(), pin);
            BlockingQueue<Edge> edges = new LinkedBlockingQueue<>();
            try (DigitalInput in = board.openInput(bcm,
                    InputConfig.DEFAULT.pull(Pull.parse(pull)).debounceMs(debounceMs))) {
                in.addListener(Edge.parse(edge), (input, e) -> edges.add(e));
                out().println("watching GPIO " + bcm + " on " + board.name() + " (" + board.backend() + "), level "
                        + (in.read() ? "high" : "low"));
                out().flush();
                long start = System.nanoTime();
                long deadline = timeoutMs < 0 ? Long.MAX_VALUE : start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                int seen = 0;
                while (count == 0 || seen < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Edge e = edges.poll(Math.min(left, TimeUnit.SECONDS.toNanos(3600)), TimeUnit.NANOSECONDS);
                    if (e != null) {
                        seen++;
                        out().printf("%.3fs GPIO %d %s%n", (System.nanoTime() - start) / 1e9, bcm, e);
                        out().flush();
                    }
                }
                return ExitCodes.OK;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
        }
    }

    static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HalException("interrupted");
        }
    }
}
