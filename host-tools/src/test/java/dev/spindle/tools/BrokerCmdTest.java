package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class BrokerCmdTest {
    @Test
    void servesClientsUntilStopped() throws Exception {
        int port = EmbeddedBroker.freePort("127.0.0.1");
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(cl.execute("broker", "--port", Integer.toString(port))));
        t.start();
        try (Link link = new Link(LinkConfig.builder("tcp://127.0.0.1:" + port, "probe").backoff(50, 200).build())) {
            link.start();
            assertTrue(link.awaitConnected(30_000), "connects to the broker");
        }
        BrokerCmd cmd = cl.getSubcommands().get("broker").getCommand();
        cmd.stop();
        t.join(30_000);
        assertEquals(ExitCodes.OK, code.get());
        assertTrue(out.toString().contains("listening on tcp://127.0.0.1:" + port), out.toString());
    }

    @Test
    void takenPortFailsWithAMessageAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandLine cl = SpindleCommand.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            java.util.Set<Thread> before = nonDaemon();
            assertEquals(ExitCodes.FAILURE, cl.execute("broker", "--port", Integer.toString(taken.getLocalPort())));
            assertTrue(err.toString().contains("is the port taken?"), err.toString());
            java.util.Set<Thread> left = nonDaemon();
            for (long deadline = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < deadline;) {
                left = nonDaemon();
                left.removeAll(before);
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(left.isEmpty(), "no broker threads left running: " + left);
        }
    }

    private static java.util.Set<Thread> nonDaemon() {
        java.util.Set<Thread> s = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isDaemon() && t.isAlive()) {
                s.add(t);
            }
        }
        return s;
    }
}
