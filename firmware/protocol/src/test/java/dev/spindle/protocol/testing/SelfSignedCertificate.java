package dev.spindle.protocol.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A broker certificate for TLS tests, made by the JDK's {@code keytool}: self-signed, EC P-256,
 * for {@code localhost} and {@code 127.0.0.1}, valid two days. {@link #certificate()} is both
 * what Mosquitto serves and the CA file a client trusts; {@link #key()} is its PKCS#8 key in PEM,
 * which Mosquitto (OpenSSL) reads.
 */
public final class SelfSignedCertificate {
    private final Path certificate;
    private final Path key;

    private SelfSignedCertificate(Path certificate, Path key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Makes the certificate and its key as PEM files in {@code dir}. */
    public static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path store = dir.resolve("broker.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-keystore", store.toString(), "-storepass", "changeit", "-storetype", "PKCS12")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool could not make a test certificate: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Path cert = dir.resolve("broker.crt");
        Path key = dir.resolve("broker.key");
        Files.writeString(cert, pem("CERTIFICATE", ks.getCertificate("broker").getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(key, pem("PRIVATE KEY", ks.getKey("broker", "changeit".toCharArray()).getEncoded()),
                StandardCharsets.US_ASCII);
        return new SelfSignedCertificate(cert, key);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public Path certificate() {
        return certificate;
    }

    public Path key() {
        return key;
    }
}
