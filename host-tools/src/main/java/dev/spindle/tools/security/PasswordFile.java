package dev.spindle.tools.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A Mosquitto 2 password file ({@code password_file}): one {@code user:hash} line per user, the
 * hash in Mosquitto's PBKDF2-SHA512 format {@code $7$ITERATIONS$SALT$HASH} (salt 12 bytes, hash 64
 * bytes, both base64), the same that {@code mosquitto_passwd} writes, so Mosquitto need not be
 * installed where the fleet is provisioned. Users keep their order; an update replaces one line.
 * Mosquitto reads the file at start and on SIGHUP.
 */
public final class PasswordFile {
    /** mosquitto_passwd's default; the passwords made here are random (~151 bits), so more would add nothing. */
    static final int ITERATIONS = 101;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Map<String, String> hashes = new LinkedHashMap<>(); // confined to the caller's thread

    private PasswordFile(Path file) {
        this.file = file;
    }

    /** A new, empty file (replaces {@code file} on {@link #save()}). */
    public static PasswordFile empty(Path file) {
        return new PasswordFile(file);
    }

    /** Reads the file; a missing file is an empty one (written on {@link #save()}). */
    public static PasswordFile load(Path file) throws IOException {
        PasswordFile p = new PasswordFile(file);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (!line.isBlank() && !line.startsWith("#") && colon > 0) {
                    p.hashes.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        } catch (NoSuchFileException e) {
            // a new file
        }
        return p;
    }

    public boolean contains(String user) {
        return hashes.containsKey(user);
    }

    public java.util.Set<String> users() {
        return java.util.Collections.unmodifiableSet(hashes.keySet());
    }

    /** Adds the user or replaces their password. */
    public void put(String user, char[] password) {
        if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
            throw new IllegalArgumentException("user name '" + user + "' cannot go into a Mosquitto password file");
        }
        hashes.put(user, hash(password));
    }

    /** Writes the file with mode 600 (make it readable by the broker's user: chown mosquitto). */
    public void save() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            b.append(e.getKey()).append(':').append(e.getValue()).append('\n');
        }
        Secrets.writePrivate(file, b.toString());
    }

    /** Mosquitto's {@code $7$} PBKDF2-SHA512 hash of {@code password} with a fresh salt. */
    static String hash(char[] password) {
        byte[] salt = new byte[12];
        RANDOM.nextBytes(salt);
        return "$7$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** True when {@code password} matches a {@code $7$} hash. */
    static boolean matches(String hash, char[] password) {
        String[] p = hash.split("\\$");
        if (p.length != 5 || !p[1].equals("7")) {
            return false;
        }
        byte[] want = Base64.getDecoder().decode(p[4]);
        return java.security.MessageDigest.isEqual(want,
                pbkdf2(password, Base64.getDecoder().decode(p[3]), Integer.parseInt(p[2])));
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        // Mosquitto hashes the password's UTF-8 bytes; PBEKeySpec takes chars and the JDK's
        // PBKDF2WithHmacSHA512 encodes them as UTF-8
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 512);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no PBKDF2WithHmacSHA512: " + e, e);
        } finally {
            spec.clearPassword();
        }
    }
}
