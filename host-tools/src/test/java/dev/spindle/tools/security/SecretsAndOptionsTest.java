package dev.spindle.tools.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.mqtt.TlsConfig;
import dev.spindle.tools.SpindleCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Passwords: never a flag, hashed as Mosquitto does, kept in mode-600 files; key formats. */
class SecretsAndOptionsTest {
    @TempDir
    Path dir;

    /** Every option of every subcommand, recursively. */
    static void options(CommandLine cl, List<String> out) {
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            for (String n : o.names()) {
                out.add(cl.getCommandName() + " " + n);
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            options(sub, out);
        }
    }

    @Test
    void noCommandLineFlagTakesAPassword() {
        List<String> all = new ArrayList<>();
        options(SpindleCommand.commandLine(), all);
        assertTrue(all.size() > 50, all.toString());
        for (String o : all) {
            String n = o.toLowerCase();
            boolean secret = n.contains("password") || n.contains("passwd") || n.contains("secret");
            assertFalse(secret && !n.endsWith("-file") && !n.endsWith(" --passwd"), "a flag that takes a secret: " + o);
        }
        // --passwd (provision) names the broker's hash file, never a password
        assertTrue(all.contains("provision --passwd"));
    }

    @Test
    void passwordFileHashesVerifyAndMatchMosquittoPasswd() throws Exception {
        Path f = dir.resolve("passwd");
        PasswordFile p = PasswordFile.load(f);
        p.put("pi-07", "s3cret-ünïcode".toCharArray());
        p.put("alice", "other".toCharArray());
        p.save();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String text = Files.readString(f);
        assertFalse(text.contains("s3cret"), text);
        PasswordFile again = PasswordFile.load(f);
        assertEquals(List.of("pi-07", "alice"), List.copyOf(again.users()));
        String line = text.lines().filter(l -> l.startsWith("pi-07:")).findFirst().orElseThrow();
        assertTrue(PasswordFile.matches(line.substring(6), "s3cret-ünïcode".toCharArray()));
        assertFalse(PasswordFile.matches(line.substring(6), "s3cret".toCharArray()));

        // the hash mosquitto_passwd makes verifies with our code: same format, same bytes hashed
        Path m = dir.resolve("m");
        Process pr = new ProcessBuilder("mosquitto_passwd", "-c", "-b", m.toString(), "bob", "pässword")
                .redirectErrorStream(true).start();
        assertEquals(0, pr.waitFor(), "mosquitto_passwd (Debian package mosquitto) failed: "
                + new String(pr.getInputStream().readAllBytes()));
        String ml = Files.readString(m).trim();
        assertTrue(PasswordFile.matches(ml.substring(4), "pässword".toCharArray()), ml);
    }

    @Test
    void randomPasswordsAreLongAndDiffer() {
        String a = Secrets.randomPassword();
        String b = Secrets.randomPassword();
        assertEquals(26, a.length());
        assertFalse(a.equals(b));
        assertTrue(a.matches("[A-Za-z2-9]+"), a);
    }

    @Test
    void keysInTheWrongFormatAreRefusedWithTheFix() throws Exception {
        Path k = dir.resolve("old.key");
        Files.writeString(k, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(TlsConfig.TlsFileException.class,
                () -> TlsConfig.readPrivateKey(k));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + k), e.getMessage());
        Path c = dir.resolve("not-a.crt");
        Files.writeString(c, "hello");
        Exception e2 = org.junit.jupiter.api.Assertions.assertThrows(TlsConfig.TlsFileException.class,
                () -> TlsConfig.readCertificates(c, "CA file"));
        assertTrue(e2.getMessage().contains("BEGIN CERTIFICATE"), e2.getMessage());
        // a key that does not belong to the certificate
        Path ca = dir.resolve("ca");
        StringWriter out = new StringWriter();
        CommandLine cl = SpindleCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("ca", "init", "--out", ca.toString()));
        Pki.write(dir.resolve("other.key"), Pki.newKeyPair().getPrivate());
        Exception e3 = org.junit.jupiter.api.Assertions.assertThrows(TlsConfig.TlsFileException.class,
                () -> TlsConfig.of(ca.resolve("ca.crt"), ca.resolve("ca.crt"), dir.resolve("other.key")).socketFactory());
        assertTrue(e3.getMessage().contains("does not fit"), e3.getMessage());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.key"))));
        // ca init never overwrites
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("ca", "init", "--out", ca.toString()));
        assertTrue(err.toString().contains("never overwritten"), err.toString());
    }

    @Test
    void provisionedConfigDetectsTheBoardAndTrustsTheGivenKeys() throws Exception {
        Path ca = dir.resolve("ca");
        Path keys = dir.resolve("keys");
        CommandLine cl = SpindleCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("ca", "init", "--out", ca.toString()));
        assertEquals(0, cl.execute("keygen", "--out", keys.toString(), "--name", "fleet-2026"));
        assertEquals(0, cl.execute("provision", "pi-07", "--fleet", "lab", "--out", dir.resolve("boards").toString(),
                "--broker", "ssl://broker.lab:8883", "--ca-cert", ca.resolve("ca.crt").toString(), "--trust",
                keys.resolve("fleet-2026.pub").toString()));
        Path board = dir.resolve("boards/pi-07");
        assertEquals(Files.readString(keys.resolve("fleet-2026.pub")), Files.readString(board.resolve("trust/fleet-2026.pub")));
        dev.spindle.agent.AgentConfig cfg = dev.spindle.agent.AgentConfig.load(board.resolve("agent.properties"));
        assertEquals(List.of(board.resolve("trust")), cfg.deploy().trust());
        // no board.type: the agent detects its board (here, not a Pi: no model file, so no HAL)
        assertFalse(Files.readString(board.resolve("agent.properties")).contains("\nboard.type="));
        // a trust file that is not a public key is a usage error
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("provision", "pi-08", "--fleet", "lab", "--out", dir.resolve("boards").toString(),
                "--broker", "ssl://broker.lab:8883", "--ca-cert", ca.resolve("ca.crt").toString(), "--trust",
                keys.resolve("fleet-2026.key").toString()));
        assertTrue(err.toString().contains("is not a public key file"), err.toString());
    }

    @Test
    void tlsSettingsWithAPlainUrlAreAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = SpindleCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("boards", "--broker", "tcp://127.0.0.1:1", "--ca", "x.crt"));
        assertTrue(err.toString().contains("use ssl://HOST:PORT"), err.toString());
    }
}
