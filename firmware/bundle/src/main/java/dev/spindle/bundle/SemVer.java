package dev.spindle.bundle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version ({@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}), ordered
 * by the specification's precedence: numeric core, then a pre-release sorts before the release
 * ({@code 0.1.0-SNAPSHOT < 0.1.0}), pre-release identifiers compared one by one (numeric ones
 * numerically and below alphanumeric ones, a shorter list first); build metadata is ignored.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 * @param preRelease the pre-release part without its {@code -}, or empty
 * @param build the build metadata without its {@code +}, or empty
 */
public record SemVer(long major, long minor, long patch, String preRelease, String build)
        implements Comparable<SemVer> {
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})\\.(0|[1-9]\\d{0,17})"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    /**
     * @param text a version such as {@code 1.2.3}, {@code 0.1.0-SNAPSHOT} or {@code 2.0.0-rc.1+b5}
     * @return the parsed version
     * @throws IllegalArgumentException if it is not a semantic version, saying what is expected
     */
    public static SemVer parse(String text) {
        Matcher m = text == null ? null : SEMVER.matcher(text);
        if (m == null || !m.matches() || text.length() > 128) {
            throw new IllegalArgumentException("'" + text + "' is not a semantic version; expected"
                    + " MAJOR.MINOR.PATCH with an optional -prerelease and +build, e.g. 1.4.0 or"
                    + " 0.2.0-SNAPSHOT");
        }
        return new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)), m.group(4) == null ? "" : m.group(4),
                m.group(5) == null ? "" : m.group(5));
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        String[] a = preRelease.split("\\.");
        String[] b = o.preRelease.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].chars().allMatch(Character::isDigit);
            boolean bn = b[i].chars().allMatch(Character::isDigit);
            int d;
            if (an && bn) {
                d = a[i].length() != b[i].length() ? Integer.compare(a[i].length(), b[i].length())
                        : a[i].compareTo(b[i]);
            } else if (an || bn) {
                d = an ? -1 : 1;
            } else {
                d = a[i].compareTo(b[i]);
            }
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /** @return whether this is at least {@code other} in precedence */
    public boolean atLeast(SemVer other) {
        return compareTo(other) >= 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease)
                + (build.isEmpty() ? "" : "+" + build);
    }
}
