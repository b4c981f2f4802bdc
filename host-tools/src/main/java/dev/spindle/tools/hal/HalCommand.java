package dev.spindle.tools.hal;

import dev.spindle.hal.HalException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.tools.BrokerOptions;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.RemoteCall;
import dev.spindle.tools.ToolException;
import java.util.Map;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The common shape of the gpio and serial subcommands: a board from {@link BoardOptions}, output
 * through picocli's writers, a {@link HalException} turned into its message on stderr and exit 1;
 * the remote forms ({@link #remote}) report a {@link ToolException} with its exit code.
 */
abstract class HalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    BoardOptions boardOptions;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (HalException | IllegalArgumentException e) {
            err().println("spindle " + spec.qualifiedName().replace("spindle ", "") + ": " + e.getMessage());
            err().flush();
            return ExitCodes.FAILURE;
        } catch (ToolException e) {
            err().println("spindle " + spec.qualifiedName().replace("spindle ", "") + ": " + e.getMessage());
            err().flush();
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } finally {
            out().flush();
        }
    }

    abstract int run() throws HalException, ToolException, InterruptedException;

    /**
     * The remote form: runs {@code command} on the board {@code --board} names, over MQTT.
     *
     * @return the reply's body
     */
    JsonNode remote(BrokerOptions broker, String command, Map<String, ?> args) throws ToolException, InterruptedException {
        return RemoteCall.call(broker, boardOptions.remoteBoard(), command, args).body();
    }
}
