package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, bundle, sign and verify through the command line, as a script would use them. */
class BundleCommandsTest {
    @TempDir
    Path tmp;

    private SpindleRun last; // the latest run's exit code and output
    private Path app;
    private Path lib;

    private int run(String... args) {
        last = SpindleRun.of(args);
        return last.code();
    }

    private JsonNode json() throws IOException {
        return new ObjectMapper().readTree(last.out());
    }

    private static Path jar(Path f, int size) throws IOException {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(f))) {
            j.putNextEntry(new JarEntry("META-INF/maven/dev.spindle/demo/pom.properties"));
            j.write("version=0.4.0-SNAPSHOT\n".getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("x/Y.class"));
            j.write(payload);
        }
        return f;
    }

    @BeforeEach
    void jars() throws IOException {
        app = jar(tmp.resolve("demo.jar"), 2000);
        lib = jar(tmp.resolve("lib.jar"), 1000);
    }

    private Path keygen() throws IOException {
        Path keys = tmp.resolve("keys");
        assertEquals(ExitCodes.OK, run("keygen", "--out", keys.toString(), "--name", "ops", "--json"), last.err());
        assertTrue(json().get("ok").asBoolean());
        return keys;
    }

    private Path signedBundle(Path keys) {
        Path b = tmp.resolve("demo.zip");
        assertEquals(ExitCodes.OK, run("bundle", "--jar", app.toString(), "--lib", lib.toString(), "--name", "demo",
                "--main-class", "x.Y", "--board-type", "rpi-4b,sim", "--min-agent-version", "0.1.0",
                "--out", b.toString()), last.err());
        assertTrue(last.out().contains("demo 0.4.0-SNAPSHOT"), last.out());
        assertEquals(ExitCodes.OK, run("sign", b.toString(), "--key", keys.resolve("ops.key").toString()),
                last.err());
        return b;
    }

    @Test
    void keygenWritesOwnerOnlyPrivateKeyAndNeverPrintsKeys() throws IOException {
        Path keys = tmp.resolve("keys");
        assertEquals(ExitCodes.OK, run("keygen", "--out", keys.toString()));
        assertTrue(last.out().contains("key id:"), last.out());
        assertFalse(last.out().contains("BEGIN"), "key material printed");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("spindle.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        String before = Files.readString(keys.resolve("spindle.key"));
        assertEquals(ExitCodes.FAILURE, run("keygen", "--out", keys.toString()));
        assertTrue(last.err().contains("never overwritten"), last.err());
        assertEquals(before, Files.readString(keys.resolve("spindle.key")));
        assertEquals(ExitCodes.USAGE, run("keygen", "--out", keys.toString(), "--name", "../evil"));
    }

    @Test
    void bundleSignVerifyRoundTrip() throws IOException {
        Path keys = keygen();
        String keyId = json().get("keyId").asText();
        Path b = signedBundle(keys);
        assertEquals(ExitCodes.OK, run("verify", b.toString(), "--trust", keys.toString(), "--board-type", "sim",
                "--agent-version", "0.1.0", "--json"), last.err());
        JsonNode j = json();
        assertTrue(j.get("ok").asBoolean());
        assertEquals(keyId, j.get("signedBy").asText());
        assertEquals("demo", j.get("name").asText());
        assertEquals("0.4.0-SNAPSHOT", j.get("version").asText());
        assertEquals(ExitCodes.OK, run("verify", b.toString(), "--trust", keys.resolve("ops.pub").toString()));
        assertTrue(last.out().startsWith("OK "), last.out());
        assertTrue(last.out().contains("board type not checked"), last.out());
    }

    @Test
    void verifyRefusalsExitThreeWithTheWireName() throws IOException {
        Path keys = keygen();
        Path b = signedBundle(keys);
        assertEquals(ExitCodes.REFUSED, run("verify", b.toString(), "--trust", keys.toString(),
                "--board-type", "rpi-5", "--json"));
        assertEquals("wrong_board", json().get("reason").asText());
        assertEquals(ExitCodes.REFUSED, run("verify", b.toString(), "--trust", keys.toString(),
                "--agent-version", "0.0.9"));
        assertTrue(last.err().contains("agent_too_old: "), last.err());

        Path unsigned = tmp.resolve("unsigned.zip");
        run("bundle", "--jar", app.toString(), "--name", "demo", "--main-class", "x.Y", "--board-type", "sim",
                "--min-agent-version", "0.1.0", "--out", unsigned.toString());
        assertEquals(ExitCodes.REFUSED, run("verify", unsigned.toString(), "--trust", keys.toString(), "--json"));
        assertEquals("unsigned", json().get("reason").asText());
        assertTrue(json().get("advice").asText().contains("spindle sign"));
        assertEquals(ExitCodes.OK, run("verify", unsigned.toString(), "--dev"));
        assertTrue(last.out().contains("development mode"), last.out());

        Path other = tmp.resolve("other");
        run("keygen", "--out", other.toString());
        assertEquals(ExitCodes.REFUSED, run("verify", b.toString(), "--trust", other.toString(), "--json"));
        assertEquals("untrusted_key", json().get("reason").asText());

        byte[] bytes = Files.readAllBytes(b);
        bytes[bytes.length / 3] ^= 0x20;
        Path bad = Files.write(tmp.resolve("bad.zip"), bytes);
        assertEquals(ExitCodes.REFUSED, run("verify", bad.toString(), "--trust", keys.toString(), "--json"));
        assertFalse(json().get("ok").asBoolean());
        assertEquals(ExitCodes.REFUSED, run("sign", bad.toString(), "--key", keys.resolve("ops.key").toString()));
        assertTrue(last.err().startsWith("refusing to sign"), last.err());
    }

    @Test
    void usageErrorsSayWhatIsMissing() throws IOException {
        assertEquals(ExitCodes.USAGE, run("verify", "x.zip"));
        assertTrue(last.err().contains("--trust"), last.err());
        assertEquals(ExitCodes.USAGE, run("verify", "x.zip", "--dev", "--agent-version", "1.0"));
        assertTrue(last.err().contains("MAJOR.MINOR.PATCH"), last.err());
        assertEquals(ExitCodes.USAGE, run("bundle", "--jar", app.toString(), "--out", tmp.resolve("o.zip").toString()));
        assertTrue(last.err().contains("--main-class") && last.err().contains("--board-type"), last.err());
        Path keys = keygen();
        Files.setPosixFilePermissions(keys.resolve("ops.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(ExitCodes.FAILURE, run("sign", "x.zip", "--key", keys.resolve("ops.key").toString()));
        assertTrue(last.err().contains("chmod 600"), last.err());
        assertEquals(ExitCodes.FAILURE, run("sign", "x.zip", "--key", tmp.resolve("none.key").toString()));
        assertTrue(last.err().contains("does not exist; make one with `spindle keygen`"), last.err());
        assertEquals(ExitCodes.FAILURE, run("verify", tmp.resolve("none.zip").toString(), "--dev"));
        assertTrue(last.err().contains("none.zip does not exist"), last.err());
    }

    @Test
    void bundleFromAnAssemblyZipAndASpecFile() throws IOException {
        Path assembly = tmp.resolve("assembly.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(assembly))) {
            z.putNextEntry(new ZipEntry("app/"));
            z.putNextEntry(new ZipEntry("app/demo.jar"));
            z.write(Files.readAllBytes(app));
            z.putNextEntry(new ZipEntry("lib/"));
            z.putNextEntry(new ZipEntry("lib/lib.jar"));
            z.write(Files.readAllBytes(lib));
        }
        Path spec = Files.writeString(tmp.resolve("demo.properties"),
                "name=demo\nmainClass=x.Y\nboardTypes=rpi-4b, sim\nminAgentVersion=0.1.0-SNAPSHOT\n");
        Path b = tmp.resolve("out/demo.zip");
        assertEquals(ExitCodes.OK, run("bundle", "--from", assembly.toString(), "--spec", spec.toString(),
                "--board-type", "sim", "--out", b.toString(), "--json"), last.err());
        assertEquals("app/demo.jar", json().get("app").asText());
        assertEquals("lib/lib.jar", json().get("libs").get(0).asText());
        assertEquals(ExitCodes.OK, run("verify", b.toString(), "--dev", "--board-type", "sim", "--json"));
        assertEquals("[\"sim\"]", json().get("boardTypes").toString(), "the option wins over the spec");
        assertEquals("0.1.0-SNAPSHOT", json().get("minAgentVersion").asText());
    }
}
