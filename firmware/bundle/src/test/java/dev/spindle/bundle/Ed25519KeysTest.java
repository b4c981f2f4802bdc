package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeysTest {
    @TempDir
    Path tmp;

    @Test
    void keyFilesRoundTripWithOwnerOnlyPrivateKey() throws IOException {
        KeyPair kp = Ed25519Keys.generate();
        Path priv = tmp.resolve("k.key");
        Path pub = tmp.resolve("k.pub");
        Ed25519Keys.writePrivate(priv, kp.getPrivate());
        Ed25519Keys.writePublic(pub, kp.getPublic());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        String privText = Files.readString(priv);
        assertTrue(privText.startsWith("-----BEGIN PRIVATE KEY-----\n"), privText.substring(0, 30));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        PrivateKey back = Ed25519Keys.readPrivate(priv);
        assertEquals(kp.getPublic(), Ed25519Keys.readPublic(pub));
        byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
        assertTrue(BundleSignature.sign(msg, back).verifies(msg, kp.getPublic()));
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> Ed25519Keys.writePrivate(priv, kp.getPrivate()), "keys are never overwritten");
    }

    @Test
    void privateKeyReadableByOthersIsRefused() throws IOException {
        Path priv = tmp.resolve("k.key");
        Ed25519Keys.writePrivate(priv, Ed25519Keys.generate().getPrivate());
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> Ed25519Keys.readPrivate(priv));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(e.getMessage().contains("PRIVATE KEY"), "never print the key");
    }

    @Test
    void publicKeyIsDerivedFromThePrivateKeyAsTheJdkDoes() {
        for (int i = 0; i < 8; i++) {
            KeyPair kp = Ed25519Keys.generate();
            assertEquals(kp.getPublic(), Ed25519Keys.publicKeyOf(kp.getPrivate()));
        }
    }

    @Test
    void wrongKeyFilesSayWhatIsExpected() throws IOException {
        Path notKey = Files.writeString(tmp.resolve("x.pub"), "hello");
        IOException e = assertThrows(IOException.class, () -> Ed25519Keys.readPublic(notKey));
        assertTrue(e.getMessage().contains("spindle keygen"), e.getMessage());
        Path rsa = Files.writeString(tmp.resolve("rsa.pub"), "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAw"
                + "SAJBALRiMLAh9iimur8VA7qVvdqxevEuUkW4K+2KdMXmnQbG9Aa7k7eBjK1S+0LYmVjPKlJGNXHDGuy5Fw/d7rjVJ0BLB+ub"
                + "PQIDAQAB\n-----END PUBLIC KEY-----\n");
        e = assertThrows(IOException.class, () -> Ed25519Keys.readPublic(rsa));
        assertTrue(e.getMessage().contains("not an Ed25519 public key"), e.getMessage());
        IOException empty = assertThrows(IOException.class,
                () -> TrustStore.load(List.of(Files.createDirectory(tmp.resolve("trust")))));
        assertTrue(empty.getMessage().contains("holds no .pub file"), empty.getMessage());
    }

    @Test
    void trustStoreLoadsADirectoryOfPubFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("trust"));
        KeyPair a = Ed25519Keys.generate();
        KeyPair b = Ed25519Keys.generate();
        Ed25519Keys.writePublic(dir.resolve("a.pub"), a.getPublic());
        Ed25519Keys.writePublic(dir.resolve("b.pub"), b.getPublic());
        Files.writeString(dir.resolve("README"), "not a key");
        TrustStore t = TrustStore.load(List.of(dir));
        assertEquals(2, t.size());
        assertEquals(a.getPublic(), t.key(Ed25519Keys.keyId(a.getPublic())));
        assertTrue(t.source(Ed25519Keys.keyId(b.getPublic())).endsWith("b.pub"));
    }
}
