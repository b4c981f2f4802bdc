package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 240, unit = TimeUnit.SECONDS) // hang guard only
class DemoCmdTest {
    @Test
    void startsBoardsAndStopsThemCleanly() throws Exception {
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("demo", "--boards", "2", "--period", "1", "--button-period", "1")));
        t.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!out.toString().contains("Ctrl-C stops") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(out.toString().contains("All 2 boards are online"), out.toString());
        // demo-1's scripted button crashes the demo firmware's 'fragile' thread
        while (!out.toString().contains("thread_crashed: thread fragile crashed") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(out.toString().contains("demo-1  EVENT ERROR thread_crashed: thread fragile crashed"), out.toString());
        assertTrue(out.toString().contains("gpio write 27 low --board demo-2"), out.toString());
        ((DemoCmd) cl.getSubcommands().get("demo").getCommand()).stop();
        t.join(120_000);
        assertEquals(ExitCodes.OK, code.get(), out.toString());
        assertTrue(out.toString().contains("2 of 2 boards offline"), out.toString());
        assertTrue(out.toString().contains("OFFLINE  (stopped"), out.toString());
    }
}
