package dev.spindle.protocol.mqtt;

import java.security.SecureRandom;

/**
 * Request ids for one client: {@code {prefix}{counter}-{16 hex digits}}, the hex digits 64 bits
 * from {@link SecureRandom}. The random part matters under a per-board ACL (docs/security.md):
 * boards may publish to every reply topic of the fleet, so a compromised board could answer
 * requests meant for other boards if it could guess their ids; it sees only the requests sent
 * to itself, and every id has fresh random bits, so one id tells nothing about the next.
 *
 * <p>Cheap per id (a command round trip pays for it): the random bytes are drawn from the
 * generator {@value #POOL} bytes at a time and used once each, and the id is written without
 * {@code String.format}.
 *
 * <p>Thread-safe: the monitor of this object guards {@code counter}, {@code pool} and
 * {@code used}.
 */
final class RequestIds {
    static final int POOL = 4096;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final byte[] pool = new byte[POOL]; // guarded by this
    private int used = POOL; // guarded by this; POOL: empty
    private long counter = 1; // guarded by this

    RequestIds(String prefix) {
        this.prefix = prefix;
    }

    String next() {
        long n;
        long random;
        synchronized (this) {
            if (used == POOL) {
                RANDOM.nextBytes(pool);
                used = 0;
            }
            random = 0;
            for (int i = 0; i < 8; i++) {
                random = random << 8 | (pool[used + i] & 0xff);
                pool[used + i] = 0; // used once
            }
            used += 8;
            n = counter++;
        }
        StringBuilder b = new StringBuilder(prefix.length() + 20 + 17).append(prefix).append(n).append('-');
        for (int shift = 60; shift >= 0; shift -= 4) {
            b.append(HEX[(int) (random >>> shift) & 0xf]);
        }
        return b.toString();
    }
}
