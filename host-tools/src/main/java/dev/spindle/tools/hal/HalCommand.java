package dev.spindle.tools.hal;

import dev.spindle.hal.HalException;
import dev.spindle.tools.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The common shape of the gpio and serial subcommands: a board from {@link BoardOptions}, output
 * through picocli's writers, a {@link HalException} turned into its message on stderr and exit 1.
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
        } finally {
            out().flush();
        }
    }

    abstract int run() throws HalException;
}
