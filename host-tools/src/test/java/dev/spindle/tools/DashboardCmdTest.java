package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code spindle dashboard} from the command line: flags, starting while the broker is away, the HTTP API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class DashboardCmdTest {
    @Test
    void startsWithoutABrokerAndServesTheApi() throws Exception {
        int nobody = EmbeddedBroker.freePort("127.0.0.1");
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        DashboardCmd cmd = (DashboardCmd) cl.getSubcommands().get("dashboard").getCommand();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("dashboard", "--port", "0", "--bind", "127.0.0.1",
                "--broker", "tcp://127.0.0.1:" + nobody, "--fleet", "lab")), "dashboard-cmd");
        t.start();
        try {
            while (cmd.dashboard() == null && t.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(t.isAlive(), "ended early: " + code.get() + " " + err);
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(waitFor(out, "http://"));
            assertTrue(m.find(), out.toString());
            String base = m.group();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> fleet = http.send(HttpRequest.newBuilder(URI.create(base + "api/fleet")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, fleet.statusCode());
            JsonNode f = Json.MAPPER.readTree(fleet.body());
            assertEquals(false, f.path("connected").asBoolean(true), fleet.body());
            assertEquals("lab", f.path("fleet").asText());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(page.body().contains("/static/fleet.js"), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
            HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(URI.create(base + "static/vendor/uPlot.iife.min.js"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, uplot.statusCode(), "uPlot copied from npm into the jar");
            assertTrue(uplot.body().contains("uPlot"));
            HttpResponse<String> noHeader = http.send(HttpRequest.newBuilder(URI.create(base + "api/board/b1/gpio"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"pin\":\"GPIO17\",\"value\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, noHeader.statusCode(), "a pin write without the dashboard's header is refused");
            HttpResponse<String> traversal = http.send(HttpRequest.newBuilder(URI.create(base + "static/..%2F..%2Fetc"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, traversal.statusCode());
        } finally {
            cmd.stop();
            t.join(30_000);
        }
        assertEquals(ExitCodes.OK, code.get(), err.toString());
    }

    @Test
    void badPortIsAUsageError() {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(ExitCodes.USAGE, cl.execute("dashboard", "--port", "70000"));
        assertTrue(err.toString().contains("--port 70000"), err.toString());
    }

    private static String waitFor(StringWriter out, String text) throws InterruptedException {
        while (!out.toString().contains(text)) {
            Thread.sleep(20);
        }
        return out.toString();
    }
}
