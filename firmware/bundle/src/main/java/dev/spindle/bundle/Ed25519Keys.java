package dev.spindle.bundle;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Ed25519 keys from the JDK, in the text files {@code openssl} reads:
 * <ul>
 * <li>private key {@code NAME.key}: PEM {@code PRIVATE KEY} (PKCS#8, RFC 8410), mode 0600;</li>
 * <li>public key {@code NAME.pub}: PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo).</li>
 * </ul>
 * A key's id is the SHA-256 of its SubjectPublicKeyInfo bytes in hex, the same as
 * {@code openssl pkey -pubin -in NAME.pub -outform DER | sha256sum}. Key material is never put
 * into messages or {@code toString()}.
 */
public final class Ed25519Keys {
    /** The private key file suffix. */
    public static final String PRIVATE_SUFFIX = ".key";
    /** The public key file suffix. */
    public static final String PUBLIC_SUFFIX = ".pub";
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
        0x03, 0x21, 0x00};
    private static final Set<PosixFilePermission> OWNER_RW = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private Ed25519Keys() {
    }

    /** @return a new Ed25519 key pair from the JDK's provider */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no Ed25519 (it needs Java 15 or later)", e);
        }
    }

    /**
     * Writes a private key to a new file readable only by its owner (created with mode 0600, so it
     * is never readable by others, not even for a moment) and syncs it.
     *
     * @param file the file; must not exist
     * @param key the private key
     * @throws IOException if it exists or cannot be written
     */
    public static void writePrivate(Path file, PrivateKey key) throws IOException {
        byte[] pem = pem("PRIVATE KEY", key.getEncoded());
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
            ch.write(ByteBuffer.wrap(pem));
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "a key file is already there; keys are never overwritten: choose another --name"
                            + " or move the old key away");
        } catch (UnsupportedOperationException e) {
            throw new IOException("cannot create " + file + " with mode 0600: the file system has no"
                    + " POSIX permissions; write keys to a Linux or macOS file system", e);
        }
    }

    /**
     * Writes a public key to a new file and syncs it.
     *
     * @param file the file; must not exist
     * @param key the public key
     * @throws IOException if it exists or cannot be written
     */
    public static void writePublic(Path file, PublicKey key) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(pem("PUBLIC KEY", key.getEncoded())));
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "a key file is already there; keys are never overwritten");
        }
    }

    /**
     * Reads a private key file. Refuses a file that group or others may read, as ssh does.
     *
     * @param file a PEM PKCS#8 Ed25519 private key
     * @return the key
     * @throws IOException if it cannot be read, is not an Ed25519 private key, or is exposed
     */
    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            perms.addAll(Files.getPosixFilePermissions(file));
            perms.removeAll(OWNER_RW);
            perms.remove(PosixFilePermission.OWNER_EXECUTE);
            if (!perms.isEmpty()) {
                throw new IOException(file + " may be read by other users (mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                        + "); run `chmod 600 " + file + "`, and make a new key if others may have copied it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        byte[] der = unpem(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " is not an Ed25519 private key; make one with `spindle keygen`"
                    + " (or `openssl genpkey -algorithm ed25519`)", e);
        }
    }

    /**
     * Reads a public key file.
     *
     * @param file a PEM X.509 SubjectPublicKeyInfo Ed25519 public key
     * @return the key
     * @throws IOException if it cannot be read or is not an Ed25519 public key
     */
    public static PublicKey readPublic(Path file) throws IOException {
        byte[] der = unpem(file, "PUBLIC KEY");
        if (der.length != 44 || !startsWith(der, SPKI_PREFIX)) {
            throw new IOException(file + " is not an Ed25519 public key; use a .pub file made by"
                    + " `spindle keygen` (or `openssl pkey -pubout` of an ed25519 key)");
        }
        return publicFromRaw(java.util.Arrays.copyOfRange(der, 12, 44));
    }

    /**
     * Derives the public key of an Ed25519 private key (RFC 8032 section 5.1.5), which the JDK has
     * no API for. Used by signing so that a signature names its key.
     *
     * @param key an Ed25519 private key
     * @return its public key
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow(
                () -> new IllegalArgumentException("the private key's bytes are not available"));
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(seed);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-512", e);
        }
        byte[] low = new byte[32];
        for (int i = 0; i < 32; i++) {
            low[i] = h[31 - i];
        }
        BigInteger a = new BigInteger(1, low);
        a = a.and(BigInteger.ONE.shiftLeft(254).subtract(BigInteger.valueOf(8)))
                .or(BigInteger.ONE.shiftLeft(254));
        return publicFromRaw(Curve.compress(Curve.mul(a, Curve.BASE)));
    }

    /**
     * @param key an Ed25519 public key
     * @return its id: SHA-256 of its SubjectPublicKeyInfo encoding, 64 lower-case hex digits
     */
    public static String keyId(PublicKey key) {
        return SafeZip.hex(SafeZip.sha256().digest(key.getEncoded()));
    }

    private static PublicKey publicFromRaw(byte[] raw) {
        byte[] der = new byte[44];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, 12);
        System.arraycopy(raw, 0, der, 12, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] unpem(Path file, String type) throws IOException {
        if (Files.size(file) > 16 * 1024) {
            throw new IOException(file + " is too large to be a key file");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + " has no PEM '" + type + "' block; expected a "
                    + (type.startsWith("PRIVATE") ? "private key .key" : "public key .pub")
                    + " file made by `spindle keygen`");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new IOException(file + " has a damaged PEM block", x);
        }
    }

    /** Edwards25519 arithmetic in extended coordinates, enough to derive a public key. */
    private static final class Curve {
        static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
        static final BigInteger D = BigInteger.valueOf(-121665)
                .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
        static final BigInteger[] BASE = base();

        private Curve() {
        }

        private static BigInteger[] base() {
            BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
            BigInteger x2 = y.multiply(y).subtract(BigInteger.ONE)
                    .multiply(D.multiply(y).multiply(y).add(BigInteger.ONE).modInverse(P)).mod(P);
            BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
            if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
                BigInteger sqrtM1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
                x = x.multiply(sqrtM1).mod(P);
            }
            if (x.testBit(0)) {
                x = P.subtract(x);
            }
            return new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
        }

        static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
            BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
            BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
            BigInteger c = BigInteger.TWO.multiply(p[3]).multiply(q[3]).multiply(D).mod(P);
            BigInteger d = BigInteger.TWO.multiply(p[2]).multiply(q[2]).mod(P);
            BigInteger e = b.subtract(a);
            BigInteger f = d.subtract(c);
            BigInteger g = d.add(c);
            BigInteger h = b.add(a);
            return new BigInteger[] {e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P),
                e.multiply(h).mod(P)};
        }

        static BigInteger[] mul(BigInteger s, BigInteger[] p) {
            BigInteger[] q = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
            BigInteger[] r = p;
            for (int i = 0; i < s.bitLength(); i++) {
                if (s.testBit(i)) {
                    q = add(q, r);
                }
                r = add(r, r);
            }
            return q;
        }

        static byte[] compress(BigInteger[] p) {
            BigInteger zinv = p[2].modInverse(P);
            BigInteger x = p[0].multiply(zinv).mod(P);
            BigInteger y = p[1].multiply(zinv).mod(P);
            BigInteger v = x.testBit(0) ? y.setBit(255) : y;
            byte[] be = v.toByteArray();
            byte[] le = new byte[32];
            for (int i = 0; i < 32 && i < be.length; i++) {
                le[i] = be[be.length - 1 - i];
            }
            return le;
        }
    }
}
