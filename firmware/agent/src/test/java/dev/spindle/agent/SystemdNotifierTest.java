package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SystemdNotifier} with a stand-in {@code systemd-notify} on the PATH that records its
 * arguments and the {@code NOTIFY_SOCKET} it was given (the real one needs a listening manager).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // hang guard only
class SystemdNotifierTest {
    @TempDir
    Path dir;

    private Path fakeNotify() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("systemd-notify");
        Files.writeString(script, "#!/bin/sh\necho \"$NOTIFY_SOCKET $*\" >> " + dir.resolve("calls") + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private List<String> calls() throws Exception {
        Path f = dir.resolve("calls");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void outsideSystemdNothingIsSent() throws Exception {
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("PATH", fakeNotify().toString()), (l, m) -> { });
        assertFalse(n.active());
        n.ready(System::currentTimeMillis, 1000, (l, m) -> { });
        n.stopping((l, m) -> { });
        assertTrue(calls().isEmpty());
    }

    @Test
    void readyWatchdogWhileTickingAndStopping() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("PATH", fakeNotify().toString(),
                "NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "1500000"), (l, m) -> log.add(l + " " + m));
        assertTrue(n.active());
        assertEquals(1500, n.watchdogMs());
        AtomicLong tick = new AtomicLong(System.currentTimeMillis());
        n.ready(tick::get, 5000, (l, m) -> log.add(l + " " + m));
        assertEquals("/run/systemd/notify --ready --status=running", calls().get(0));
        while (calls().stream().filter(c -> c.endsWith("WATCHDOG=1")).count() < 2) {
            tick.set(System.currentTimeMillis());
            Thread.sleep(50);
        }
        tick.set(0); // the agent's timer is stuck: no more pings, and the log says why
        while (log.stream().noneMatch(l -> l.contains("not feeding the systemd watchdog"))) {
            Thread.sleep(50);
        }
        long pings = calls().stream().filter(c -> c.endsWith("WATCHDOG=1")).count();
        n.stopping((l, m) -> log.add(l + " " + m));
        List<String> all = calls();
        assertEquals("/run/systemd/notify STOPPING=1", all.get(all.size() - 1));
        assertEquals(pings, all.stream().filter(c -> c.endsWith("WATCHDOG=1")).count(), "no ping once stuck: " + all);
    }

    @Test
    void aWatchdogForAnotherProcessIsIgnored() throws Exception {
        SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of("PATH", fakeNotify().toString(),
                "NOTIFY_SOCKET", "@sock", "WATCHDOG_USEC", "1000000", "WATCHDOG_PID", "1"), (l, m) -> { });
        assertTrue(n.active());
        assertEquals(0, n.watchdogMs());
    }
}
