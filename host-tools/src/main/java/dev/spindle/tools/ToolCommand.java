package dev.spindle.tools;

import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.mqtt.LinkException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the subcommands that talk to boards: the broker options, output, errors to exit codes. */
abstract class ToolCommand implements Callable<Integer> {
    @Mixin
    BrokerOptions broker;

    @Spec
    CommandSpec spec;

    /** Released by {@link #stop()} or Ctrl-C; long-running commands wait on it. */
    final CountDownLatch stopped = new CountDownLatch(1);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Makes a following command ({@code monitor}, {@code logs -f}) return, as Ctrl-C does. */
    public void stop() {
        stopped.countDown();
    }

    /** Waits for Ctrl-C (or {@link #stop()}), at most {@code ms} when positive. */
    void awaitStop(long ms) throws InterruptedException {
        Thread hook = new Thread(this::stop, "spindle-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (ms > 0) {
                stopped.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                stopped.await();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ToolException e) {
            spec.commandLine().getErr().println("spindle " + spec.name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (ProtocolException e) {
            spec.commandLine().getErr().println("spindle " + spec.name() + ": " + e.getMessage());
            return ExitCodes.BOARD_ERROR;
        } catch (LinkException e) {
            spec.commandLine().getErr().println("spindle " + spec.name() + ": " + e.getMessage());
            return ExitCodes.BROKER_UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    abstract int run() throws ToolException, ProtocolException, LinkException, InterruptedException;

    /** @throws ToolException with {@link ExitCodes#BOARD_ERROR} for an error reply */
    static Reply check(String board, Reply r) throws ToolException {
        if (!r.ok()) {
            throw new ToolException(ExitCodes.BOARD_ERROR, "board " + board + " answered " + r.errorCode() + ": "
                    + r.errorMessage());
        }
        return r;
    }

    static String ago(long thenMs, long nowMs) {
        if (thenMs <= 0) {
            return "never";
        }
        long s = Math.max(0, (nowMs - thenMs) / 1000);
        if (s < 120) {
            return s + "s ago";
        }
        if (s < 7200) {
            return s / 60 + "m ago";
        }
        if (s < 172800) {
            return s / 3600 + "h ago";
        }
        return s / 86400 + "d ago";
    }

    /** Renders rows as left-aligned columns separated by two spaces. */
    static String table(java.util.List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                b.append(r[i]);
                if (i < cols - 1) {
                    b.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }
}
