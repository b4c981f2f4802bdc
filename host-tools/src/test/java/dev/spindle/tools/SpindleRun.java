package dev.spindle.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One {@code spindle ...} run in this JVM with its output captured (picocli's testing recipe),
 * for every test of the command line.
 */
public record SpindleRun(int code, String out, String err) {
    public static SpindleRun of(String... args) {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new SpindleRun(code, out.toString(), err.toString());
    }

    /** The output read as JSON ({@code --json}). */
    public JsonNode json() throws IOException {
        return Json.MAPPER.readTree(out);
    }

    /** The entry of {@code board} in the {@code boards} array of a {@code --json} summary. */
    public JsonNode board(String id) throws IOException {
        for (JsonNode b : json().path("boards")) {
            if (b.path("board").asText().equals(id)) {
                return b;
            }
        }
        throw new AssertionError("board " + id + " not in the summary: " + out + err);
    }
}
