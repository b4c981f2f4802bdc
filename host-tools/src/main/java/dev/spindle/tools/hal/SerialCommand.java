package dev.spindle.tools.hal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spindle serial}: list the serial ports of the local board, or open one and relay stdin/stdout. */
@Command(name = "serial", mixinStandardHelpOptions = true,
        description = "List serial ports, open one and relay it to stdin/stdout, or write a line to one.",
        subcommands = {SerialList.class, SerialOpen.class, SerialWrite.class})
public final class SerialCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
