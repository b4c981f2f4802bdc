package dev.spindle.tools.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * Random passwords and files that hold secrets. A secret file is created with mode 600 before
 * anything is written to it (never world-readable, not even for a moment), in a temporary file
 * that is then renamed over the target, so a reader sees the old file or the new one.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private Secrets() {
    }

    /**
     * A random password of 26 characters from 57 (no look-alikes, nothing a shell or a
     * properties file treats specially): about 151 bits, enough that the broker's hash iteration
     * count does not matter.
     */
    public static String randomPassword() {
        StringBuilder b = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** Writes {@code text} to {@code file} with mode 600 (owner read/write only). */
    public static void writePrivate(Path file, String text) throws IOException {
        write(file, text, "rw-------");
    }

    /** Writes {@code text} to {@code file} with mode 644. */
    public static void writePublic(Path file, String text) throws IOException {
        write(file, text, "rw-r--r--");
    }

    private static void write(Path file, String text, String mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
