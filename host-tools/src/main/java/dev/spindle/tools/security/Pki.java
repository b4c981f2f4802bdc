package dev.spindle.tools.security;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fleet's certificates: a CA, the broker's server certificate and the boards' and operators'
 * client certificates, all with EC P-256 keys, signed SHA-256 with ECDSA (or with the CA key's own
 * algorithm when an existing RSA or Ed25519 CA is used). Keys are written as unencrypted PKCS#8
 * PEM with mode 600; certificates as PEM. Bouncy Castle builds the certificates (the JDK has no
 * public API for it); the JDK makes the keys and signs.
 */
public final class Pki {
    /** What a certificate is for: sets basic constraints, key usage and extended key usage. */
    public enum Use {
        CA, SERVER, CLIENT
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private Pki() {
    }

    /** A new EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e, e);
        }
    }

    /**
     * Issues a certificate.
     *
     * @param commonName the subject's CN (a board id, a host name, a CA name)
     * @param subjectKey the subject's public key
     * @param issuer     the issuing CA's certificate, or null for a self-signed CA ({@code signer} is then the subject's key)
     * @param signer     the issuer's private key
     * @param use        CA, server or client
     * @param names      subject alternative names: DNS names and IP addresses (server certificates)
     */
    public static X509Certificate issue(String commonName, PublicKey subjectKey, X509Certificate issuer, PrivateKey signer,
            Instant notBefore, Instant notAfter, Use use, List<String> names) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, "Spindle").build();
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                    ? ext.createAuthorityKeyIdentifier(subjectKey) : ext.createAuthorityKeyIdentifier(issuer));
            switch (use) {
                case CA -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                }
                case CLIENT -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
                default -> throw new IllegalArgumentException(String.valueOf(use));
            }
            if (names != null && !names.isEmpty()) {
                List<GeneralName> san = new ArrayList<>();
                for (String n : names) {
                    san.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
            }
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(signatureAlgorithm(signer)).build(signer)));
            cert.verify(issuer == null ? subjectKey : issuer.getPublicKey());
            return cert;
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage()
                    + (issuer == null ? "" : " (does the CA key belong to the CA certificate?)"), e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("a CA key of type " + key.getAlgorithm()
                    + " cannot sign here: use an EC, RSA or Ed25519 key");
        };
    }

    /** True for an IPv4 or IPv6 literal (never looks a name up). */
    public static boolean isIpLiteral(String s) {
        if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9A-Fa-f:.]+"))) {
            try {
                InetAddress.getByName(s); // a literal: parsed, no lookup
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** PEM text of a certificate. */
    public static String pem(X509Certificate cert) {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of a private key, PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes a certificate (mode 644). */
    public static void write(Path file, X509Certificate cert) throws IOException {
        Secrets.writePublic(file, pem(cert));
    }

    /** Writes a private key readable only by its owner (mode 600 from the start). */
    public static void write(Path file, PrivateKey key) throws IOException {
        Secrets.writePrivate(file, pem(key));
    }
}
