package dev.spindle.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.AgentConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive made by {@code make dist} (run after {@code package}): unpacked,
 * {@code install.sh} is run into throw-away roots (a temporary directory as the file system root)
 * and what it wrote is checked; the unit goes through {@code systemd-analyze verify}; the
 * scripts through {@code shellcheck}; the launcher runs the agent from the archive's {@code lib/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // hang guard only
class AgentArchiveTest {
    @TempDir
    static Path unpacked;
    static Path home;

    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    static Run run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hang: " + Arrays.toString(cmd));
        return new Run(p.exitValue(), out);
    }

    static Run run(String... cmd) throws IOException, InterruptedException {
        return run(Map.of(), cmd);
    }

    static boolean have(String command) throws Exception {
        return run("sh", "-c", "command -v " + command).code() == 0;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("spindle.dist.archive", "target/missing.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "the archive is built at package: " + archive);
        Run tar = run("tar", "-xzf", archive.toString(), "-C", unpacked.toString());
        assertEquals(0, tar.code(), tar.out());
        try (var s = Files.list(unpacked)) {
            home = s.findFirst().orElseThrow();
        }
        assertTrue(home.getFileName().toString().startsWith("spindle-agent-"), home.toString());
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid");
    }

    /** A root that looks like Raspberry Pi OS bookworm on a Pi: users, groups, devices, boot files, Java. */
    private Path piRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\ndialout:x:20:pi\ngpio:x:997:pi\npi:x:1000:\n");
        Files.createDirectories(root.resolve("dev"));
        Path chip = Files.writeString(root.resolve("dev/gpiochip0"), "");
        Path tty = Files.writeString(root.resolve("dev/ttyS0"), "");
        Files.createSymbolicLink(root.resolve("dev/serial0"), Path.of("ttyS0"));
        if (isRoot()) {
            Files.setAttribute(chip, "unix:gid", 997);
            Files.setAttribute(tty, "unix:gid", 20);
        }
        Files.setPosixFilePermissions(chip, PosixFilePermissions.fromString(isRoot() ? "rw-rw----" : "rw-rw-rw-"));
        Files.setPosixFilePermissions(tty, PosixFilePermissions.fromString(isRoot() ? "rw-rw----" : "rw-rw-rw-"));
        Files.createDirectories(root.resolve("boot/firmware"));
        Files.writeString(root.resolve("boot/firmware/config.txt"), "[all]\nenable_uart=1\n");
        Files.writeString(root.resolve("boot/firmware/cmdline.txt"), "console=tty1 root=PARTUUID=1234-02 rootwait\n");
        Files.createDirectories(root.resolve("usr/lib/jvm/java-17-openjdk-arm64/bin"));
        Files.writeString(root.resolve("usr/lib/jvm/java-17-openjdk-arm64/bin/java"), "");
        return root;
    }

    private Run install(Path root) throws Exception {
        return run(home.resolve("install.sh").toString(), "--root", root.toString());
    }

    private static long count(Path file, String regex) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.matches(regex)).count();
    }

    @Test
    void installsIntoAThrowAwayRootAndIsIdempotent() throws Exception {
        Path root = piRoot();
        Run first = install(root);
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("0 warning(s)"), first.out());
        assertTrue(first.out().contains("useradd and groupadd are not run"), first.out());

        // the user, in its groups
        List<String> passwd = Files.readAllLines(root.resolve("etc/passwd"));
        String user = passwd.stream().filter(l -> l.startsWith("spindle:")).findFirst().orElseThrow();
        String[] u = user.split(":");
        int spindleUid = Integer.parseInt(u[2]);
        assertTrue(spindleUid >= 100 && spindleUid < 1000, "a system user: " + user);
        assertEquals("/usr/sbin/nologin", u[6]);
        assertTrue(Files.readString(root.resolve("etc/group")).contains("gpio:x:997:pi,spindle\n"));
        assertTrue(Files.readString(root.resolve("etc/group")).contains("dialout:x:20:pi,spindle\n"));
        assertEquals(1, count(root.resolve("etc/group"), "spindle:x:" + u[3] + ":"));

        // the files, with their modes
        assertEquals("rwxr-xr-x", mode(root.resolve("opt/spindle/bin/spindle-agent")));
        try (var jars = Files.list(root.resolve("opt/spindle/lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("spindle-agent-.*\\.jar")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("org.eclipse.paho.client.mqttv3")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("pi4j-plugin-gpiod")), names.toString());
        }
        Path unit = root.resolve("etc/systemd/system/spindle-agent.service");
        assertEquals("rw-r--r--", mode(unit));
        String unitText = Files.readString(unit);
        assertTrue(unitText.contains("ExecStart=/opt/spindle/bin/spindle-agent --config /etc/spindle/agent.properties"));
        assertTrue(unitText.contains("SupplementaryGroups=gpio dialout") && unitText.contains("StateDirectory=spindle"));
        assertEquals(Path.of("/etc/systemd/system/spindle-agent.service"),
                Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/spindle-agent.service")));
        Path config = root.resolve("etc/spindle/agent.properties");
        assertEquals("rw-r-----", mode(config));
        assertEquals(Files.readString(home.resolve("etc/agent.properties")), Files.readString(config));
        assertEquals("rwxr-x---", mode(root.resolve("var/lib/spindle")));
        if (isRoot()) {
            assertEquals(spindleUid, uid(root.resolve("var/lib/spindle")));
            assertEquals(Integer.parseInt(u[3]), gid(config), "the agent reads its config through its group");
            assertEquals(0, uid(config));
        }

        // again: nothing doubles, nothing is replaced by a .new
        String passwdBefore = Files.readString(root.resolve("etc/passwd"));
        String groupBefore = Files.readString(root.resolve("etc/group"));
        Run second = install(root);
        assertEquals(0, second.code(), second.out());
        assertEquals(passwdBefore, Files.readString(root.resolve("etc/passwd")));
        assertEquals(groupBefore, Files.readString(root.resolve("etc/group")));
        assertFalse(Files.exists(root.resolve("etc/spindle/agent.properties.new")));

        // an edited config is kept; the new default goes next to it
        String edited = Files.readString(config) + "board.id=pi-07\nbroker.url=ssl://broker.lab:8883\n";
        Files.writeString(config, edited);
        Files.writeString(root.resolve("opt/spindle/lib/stale-0.9.jar"), "an old version's library");
        Run third = install(root);
        assertEquals(0, third.code(), third.out());
        assertTrue(third.out().contains("kept your " + config), third.out());
        assertEquals(edited, Files.readString(config));
        assertEquals(Files.readString(home.resolve("etc/agent.properties")),
                Files.readString(root.resolve("etc/spindle/agent.properties.new")));
        assertFalse(Files.exists(root.resolve("opt/spindle/lib/stale-0.9.jar")), "lib/ is replaced as a whole");
        assertFalse(third.out().contains("next: provision"), "provisioned: no reminder");
    }

    @Test
    void aBareRootGetsAWarningAndAFixForEachProblem() throws Exception {
        Path root = dir.resolve("bare");
        Files.createDirectories(root.resolve("boot/firmware"));
        Files.writeString(root.resolve("boot/firmware/config.txt"), "[all]\n");
        Files.writeString(root.resolve("boot/firmware/cmdline.txt"), "console=serial0,115200 console=tty1 rootwait\n");
        Files.createDirectories(root.resolve("dev"));
        Path chip = Files.writeString(root.resolve("dev/gpiochip0"), "");
        Files.setPosixFilePermissions(chip, PosixFilePermissions.fromString("rw-------"));
        Run r = install(root);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("created an empty " + root.toRealPath() + "/etc/passwd"), r.out());
        assertTrue(r.out().contains("4 warning(s)"), r.out());
        assertTrue(r.out().contains("WARNING: no Java 17 or newer") && r.out().contains("apt install openjdk-17-jre-headless"),
                r.out());
        assertTrue(r.out().contains("WARNING: /dev/gpiochip0 is group") && r.out().contains("60-spindle-gpio.rules"), r.out());
        assertTrue(r.out().contains("WARNING: the UART is off") && r.out().contains("enable_uart=1 to /boot/firmware/config.txt"),
                r.out());
        assertTrue(r.out().contains("WARNING: the Linux serial console uses the UART") && r.out().contains("do_serial_cons 1"),
                r.out());
        assertTrue(Files.readString(root.resolve("etc/passwd")).startsWith("spindle:x:"), "the user is still made");
    }

    @Test
    void badCommandLinesAreExitTwo() throws Exception {
        Run r = run(home.resolve("install.sh").toString(), "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("unknown option '--frobnicate'"), r.out());
        Run rel = run(home.resolve("install.sh").toString(), "--root", dir.toString(), "--prefix", "opt");
        assertEquals(2, rel.code());
        Run help = run(home.resolve("install.sh").toString(), "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--root DIR"), help.out());
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(have("systemd-analyze"), "systemd-analyze is not installed");
        Path root = piRoot();
        assertEquals(0, install(root).code());
        // verify checks that ExecStart exists: point it at the launcher installed in the throw-away root
        String text = Files.readString(root.resolve("etc/systemd/system/spindle-agent.service"))
                .replace("ExecStart=/opt/spindle/", "ExecStart=" + root.toRealPath() + "/opt/spindle/");
        Path unit = Files.writeString(dir.resolve("spindle-agent.service"), text);
        Run ok = run("systemd-analyze", "verify", "--man=no", unit.toString());
        assertEquals(0, ok.code(), ok.out());
        assertEquals("", ok.out().trim(), "no warnings");
        // the control: verify does notice a broken unit
        Path bad = Files.writeString(dir.resolve("bad.service"), text.replace("NoNewPrivileges=", "NoNewPrivilegez="));
        assertTrue(run("systemd-analyze", "verify", "--man=no", bad.toString()).out().contains("Unknown key"));
    }

    @Test
    void theScriptsAreShellcheckClean() throws Exception {
        Assumptions.assumeTrue(have("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
        Run r = run("shellcheck", home.resolve("install.sh").toString(), home.resolve("bin/spindle-agent").toString());
        assertEquals(0, r.code(), r.out());
    }

    @Test
    void theLauncherFindsJava17AndRunsTheAgentFromLib() throws Exception {
        String launcher = home.resolve("bin/spindle-agent").toString();
        Run check = run(Map.of("JAVA_HOME", System.getProperty("java.home")), launcher, "--check-java");
        assertEquals(0, check.code(), check.out());
        assertTrue(check.out().matches("(?s)java: .*/bin/java \\(Java (1[7-9]|[2-9]\\d)\\)\\s*"), check.out());

        Path old = Files.createDirectories(dir.resolve("jdk11/bin"));
        Path fake = Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run tooOld = run(Map.of("JAVA_HOME", dir.resolve("jdk11").toString()), launcher, "--check-java");
        assertEquals(2, tooOld.code(), tooOld.out());
        assertTrue(tooOld.out().contains("Java 17 or newer is needed, found " + fake + " (Java 11)"), tooOld.out());
        assertTrue(tooOld.out().contains("sudo apt install openjdk-17-jre-headless"), tooOld.out());

        // the agent itself, with the launcher's JVM flags and the archive's lib/: it detects the board and refuses a mismatch
        Path model = Files.write(dir.resolve("model"), "Raspberry Pi Zero 2 W Rev 1.0\0".getBytes(StandardCharsets.UTF_8));
        Path cfg = Files.writeString(dir.resolve("agent.properties"), "board.id=pi-1\nboard.type=rpi5\ndata.dir="
                + dir.resolve("data") + "\nboard.model.file=" + model + "\n");
        Run agent = run(Map.of("JAVA_HOME", System.getProperty("java.home")), launcher, "--config", cfg.toString());
        assertEquals(2, agent.code(), agent.out());
        assertTrue(agent.out().contains("board.type=rpi5") && agent.out().contains("which is rpizero2w"), agent.out());
    }

    @Test
    void theDefaultConfigLoadsAndEveryKeyIsDocumented() throws Exception {
        Path file = home.resolve("etc/agent.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        p.setProperty("board.id", "pi-07"); // provisioning adds it
        p.setProperty("board.model.file", dir.resolve("no-model").toString());
        AgentConfig c = AgentConfig.from(p, file.toString(), file.getParent());
        assertEquals(Path.of("/var/lib/spindle"), c.dataDir());
        assertEquals("unknown", c.boardType(), "detected (no model file here: no HAL)");
        String agentMd = Files.readString(home.resolve("doc/agent.md"));
        Matcher m = Pattern.compile("(?m)^#?([a-z][a-z.]+)=").matcher(Files.readString(file));
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1));
            assertTrue(agentMd.contains("| `" + m.group(1) + "` |"), m.group(1) + " is in docs/agent.md's table");
        }
        assertTrue(keys.containsAll(List.of("board.id", "fleet", "board.type", "broker.url", "broker.credentials",
                "data.dir")), keys.toString());
    }
}
