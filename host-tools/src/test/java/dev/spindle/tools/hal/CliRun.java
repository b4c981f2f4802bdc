package dev.spindle.tools.hal;

import dev.spindle.tools.SpindleCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code spindle ...} in process with output captured (picocli's testing recipe). */
final class CliRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int code;

    CliRun(String... args) {
        CommandLine cl = SpindleCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        code = cl.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
