package dev.spindle.bench.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine a benchmark ran on, recorded next to its figures. */
public final class Machine {
    private Machine() {
    }

    /** @return the {@code uptime} line (load averages), or {@code /proc/loadavg} where there is no such command */
    public static String uptime() {
        String out = firstLineOf("uptime");
        if (out != null) {
            return out;
        }
        try {
            return "loadavg " + Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** @return {@code "OpenJDK 64-Bit Server VM 17.0.x"} */
    public static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** @return the first line a command prints (stdout and stderr), or null when it cannot run */
    public static String firstLineOf(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            p.waitFor();
            String first = out.lines().findFirst().orElse("").strip();
            return first.isEmpty() ? null : first;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
