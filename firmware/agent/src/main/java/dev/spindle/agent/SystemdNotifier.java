package dev.spindle.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells systemd that the agent is up ({@code READY=1}), still alive ({@code WATCHDOG=1}) and
 * stopping ({@code STOPPING=1}) when it runs as a {@code Type=notify} service with
 * {@code WatchdogSec=} (dist/src/main/dist/spindle-agent.service).
 *
 * <p>How: systemd's {@code NOTIFY_SOCKET} is a Unix datagram socket, and Java 17 speaks Unix
 * sockets only as streams ({@code SocketChannel}), so without native code (JNA, junixsocket) the
 * agent cannot send the datagram itself. It runs {@code systemd-notify} instead, which inherits
 * {@code NOTIFY_SOCKET}; the unit sets {@code NotifyAccess=all} because the sender is a child
 * process, not the main PID. Since systemd 246 {@code systemd-notify} waits until the manager has
 * processed the message (a barrier), so the message is not lost when the short-lived child has
 * exited before systemd looked at its credentials (Raspberry Pi OS bookworm has 252).
 *
 * <p>The watchdog: a daemon thread sends {@code WATCHDOG=1} every third of {@code WATCHDOG_USEC},
 * but only while the agent's own timer thread keeps ticking ({@code alive}); an agent whose timer
 * is stuck stops feeding the watchdog and systemd restarts it. Outside systemd (no
 * {@code NOTIFY_SOCKET}) nothing happens.
 */
final class SystemdNotifier {
    private final String command; // the systemd-notify executable, or null when not under systemd
    private final String socket; // NOTIFY_SOCKET
    private final long watchdogMs; // 0: no watchdog
    private volatile boolean stopped;

    private SystemdNotifier(String command, String socket, long watchdogMs) {
        this.command = command;
        this.socket = socket;
        this.watchdogMs = watchdogMs;
    }

    /** @return a notifier for this process's environment (a no-op outside a notify service) */
    static SystemdNotifier fromEnvironment(Map<String, String> env, PrintLog log) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isBlank()) {
            return new SystemdNotifier(null, null, 0);
        }
        String cmd = find(env.getOrDefault("PATH", "/usr/bin:/bin"));
        if (cmd == null) {
            log.print("warning", "NOTIFY_SOCKET is set but systemd-notify is not on the PATH: install systemd"
                    + " (or use Type=simple without WatchdogSec in the unit)");
            return new SystemdNotifier(null, null, 0);
        }
        long usec = 0;
        String w = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (w != null && (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            try {
                usec = Long.parseLong(w.trim());
            } catch (NumberFormatException e) {
                log.print("warning", "WATCHDOG_USEC=" + w + " is not a number; no watchdog");
            }
        }
        return new SystemdNotifier(cmd, socket, TimeUnit.MICROSECONDS.toMillis(usec));
    }

    /** Where the agent's messages go before and outside the log ring. */
    interface PrintLog {
        void print(String level, String line);
    }

    private static String find(String path) {
        for (String d : path.split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "systemd-notify");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    boolean active() {
        return command != null;
    }

    long watchdogMs() {
        return watchdogMs;
    }

    /** Sends {@code READY=1} and starts the watchdog thread (when systemd asked for one). */
    void ready(LongSupplier lastTickMs, long maxSilenceMs, PrintLog log) {
        if (command == null) {
            return;
        }
        send(log, "--ready", "--status=running");
        if (watchdogMs <= 0) {
            return;
        }
        long every = Math.max(500, watchdogMs / 3);
        Thread t = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                long silent = System.currentTimeMillis() - lastTickMs.getAsLong();
                if (silent <= maxSilenceMs) {
                    send(log, "WATCHDOG=1");
                } else {
                    log.print("error", "the agent's timer has not ticked for " + silent
                            + " ms: not feeding the systemd watchdog, systemd will restart the agent");
                }
            }
        }, "agent-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** Sends {@code STOPPING=1} and ends the watchdog thread. */
    void stopping(PrintLog log) {
        stopped = true;
        if (command != null) {
            send(log, "STOPPING=1");
        }
    }

    private void send(PrintLog log, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(command);
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", socket);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.print("warning", "systemd-notify " + String.join(" ", args) + " did not finish in 10 s");
            } else if (p.exitValue() != 0) {
                log.print("warning", "systemd-notify " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            log.print("warning", "cannot run systemd-notify: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
