package dev.spindle.protocol.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings of a {@link Link} for an {@code ssl://} broker URL: the CA certificates that the
 * broker's certificate must chain to (PEM; without one, the JDK's default trust store), an
 * optional client certificate and key (PEM; the key unencrypted PKCS#8, {@code BEGIN PRIVATE
 * KEY}), and whether the broker's host name is checked against its certificate (on unless
 * {@link #insecureNoHostnameCheck()} is asked for, which is for development only).
 *
 * <p>Only the JDK reads the files: certificates with {@link CertificateFactory}, keys with
 * {@link KeyFactory} (EC, RSA or Ed25519). A PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}) key is refused with the {@code openssl pkcs8} command that
 * converts it. Immutable; {@link #socketFactory()} builds a new context each call (at each
 * connect, so renewed files are picked up without a restart).
 */
public final class TlsConfig {
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final boolean insecureNoHostnameCheck;

    private TlsConfig(Path caFile, Path certFile, Path keyFile, boolean insecureNoHostnameCheck) {
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.insecureNoHostnameCheck = insecureNoHostnameCheck;
    }

    /** Verify the broker with the JDK's default trust store; no client certificate. */
    public static TlsConfig systemTrust() {
        return new TlsConfig(null, null, null, false);
    }

    /**
     * @param caFile   PEM file of the CA certificate(s) the broker's certificate must chain to; null for the JDK's
     * @param certFile PEM client certificate (and its chain), or null
     * @param keyFile  PEM PKCS#8 key of the client certificate; given exactly when {@code certFile} is
     * @throws IllegalArgumentException when only one of certificate and key is given
     */
    public static TlsConfig of(Path caFile, Path certFile, Path keyFile) {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate: give both "
                    + "(certificate " + certFile + ", key " + keyFile + ")");
        }
        return new TlsConfig(caFile, certFile, keyFile, false);
    }

    /**
     * The same settings without the check that the broker's certificate names the host connected
     * to. The certificate must still chain to the CA. For development only (e.g. a broker reached
     * by an address its certificate does not list); {@link Link} logs a warning at every start.
     */
    public TlsConfig insecureNoHostnameCheck() {
        return new TlsConfig(caFile, certFile, keyFile, true);
    }

    public Path caFile() {
        return caFile;
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    public boolean isHostnameChecked() {
        return !insecureNoHostnameCheck;
    }

    /**
     * Reads the files and makes the socket factory.
     *
     * @throws TlsFileException naming the file and what to do when one cannot be read or used
     */
    public SSLSocketFactory socketFactory() throws TlsFileException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate c : readCertificates(caFile, "CA file")) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null) {
                List<X509Certificate> chain = readCertificates(certFile, "client certificate");
                PrivateKey key = readPrivateKey(keyFile);
                char[] none = new char[0];
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                if (!belongTogether(key, chain.get(0))) {
                    throw new TlsFileException("the key " + keyFile + " does not fit the certificate " + certFile
                            + ": give the key the certificate was issued for");
                }
                ks.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException("cannot set up TLS: " + e.getMessage());
        }
    }

    /** True when {@code key} signs what the certificate's public key verifies. */
    static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        try {
            byte[] probe = "spindle key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Reads one or more PEM (or DER) certificates. */
    public static List<X509Certificate> readCertificates(Path file, String what) throws TlsFileException {
        byte[] bytes = read(file, what);
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return out;
        } catch (CertificateException e) {
            throw new TlsFileException("the " + what + " " + file + " holds no readable certificate (" + e.getMessage()
                    + "): give a PEM file that starts with -----BEGIN CERTIFICATE-----");
        }
    }

    /** Reads an unencrypted PKCS#8 PEM private key (EC, RSA or Ed25519). */
    public static PrivateKey readPrivateKey(Path file) throws TlsFileException {
        String pem = new String(read(file, "client key"), StandardCharsets.US_ASCII);
        String convert = ": convert it with `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8` and "
                + "use the .pk8 file";
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new TlsFileException("the client key " + file + " is in the traditional OpenSSL format (PKCS#1/SEC1), "
                    + "not PKCS#8" + convert);
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new TlsFileException("the client key " + file + " is encrypted; the agent needs it unencrypted, "
                    + "readable only by its user (chmod 600)" + convert);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new TlsFileException("the client key " + file + " is not a PEM private key: give a file that starts "
                    + "with -----BEGIN PRIVATE KEY----- (PKCS#8)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException("the client key " + file + " is damaged (bad base64): provision it again");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new TlsFileException("the client key " + file + " is not an EC, RSA or Ed25519 PKCS#8 key: provision it again");
    }

    private static byte[] read(Path file, String what) throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException("cannot read the " + what + " " + file + " (" + e + "): check the path and that "
                    + "this user may read it");
        }
    }

    @Override
    public String toString() {
        return "TLS(ca=" + (caFile == null ? "system" : caFile) + (certFile == null ? "" : ", cert=" + certFile)
                + (insecureNoHostnameCheck ? ", NO HOSTNAME CHECK" : "") + ")";
    }

    /** A TLS file that cannot be read or used; the message names it and the fix. */
    public static final class TlsFileException extends Exception {
        private static final long serialVersionUID = 1L;

        public TlsFileException(String message) {
            super(message);
        }
    }
}
