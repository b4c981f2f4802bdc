package dev.spindle.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Corrupted bundles for fuzz tests, shared through the bundle module's test jar: the verifier's
 * own fuzz test ({@code BundleFuzzTest}) and the agent's end-to-end one ({@code AgentBundleFuzzTest},
 * which sends them through the MQTT transfer to a running agent) draw from the same kinds.
 *
 * <p>Built from one real signed bundle (the "original"); each case is a pure function of a
 * {@link Random}, so a seed replays a run ({@link #next(Random)}), and {@link #arbitrary()} wraps
 * the same for jqwik properties. Kinds ({@link #KINDS}): {@code truncated}, {@code bit_flip}
 * (the only kind that may be harmless: a flipped bit in a byte without meaning),
 * {@code zip_slip}, {@code absolute_path}, {@code link}, {@code duplicate_entry},
 * {@code bomb_ratio} (MiBs of zeros), {@code bomb_lying_size} (an entry inflating to more than
 * its header declares), {@code bomb_entries} (more entries than {@link ZipLimits#DEFAULT} allows),
 * {@code bad_signature}, {@code unsigned}, {@code tampered_manifest}, {@code unsigned_entry},
 * {@code foreign_key}, {@code wrong_board}, {@code agent_too_new} (the last three properly signed,
 * with a fresh version each time, so no two are the same file; half the {@code unsigned} ones are
 * freshly built too, the other half the original without its signature). Names that try to leave the
 * extraction directory contain {@link #ESCAPE_MARKER}, so a test can search for escaped files by
 * name even in a shared directory such as {@code /tmp}.
 *
 * <p>Not thread-safe: the signed kinds build files in the work directory one at a time.
 */
public final class BundleCorruptions {
    /** Part of every entry name that tries to escape; no legitimate file has it. */
    public static final String ESCAPE_MARKER = "spindle-fuzz-escape";

    /** Every kind, in the order of {@link #WEIGHTS}. */
    public static final List<String> KINDS = List.of("truncated", "bit_flip", "zip_slip", "absolute_path", "link",
            "duplicate_entry", "bomb_ratio", "bomb_lying_size", "bomb_entries", "bad_signature", "unsigned",
            "tampered_manifest", "unsigned_entry", "foreign_key", "wrong_board", "agent_too_new");
    private static final int[] WEIGHTS = {15, 20, 10, 6, 6, 6, 4, 4, 3, 6, 4, 4, 4, 4, 4, 4};

    /** A corruption: its kind and the bytes it produced; {@code mayBeHarmless}: a verifier may accept it. */
    public record Corrupted(String kind, byte[] bytes, boolean mayBeHarmless) {
        @Override
        public String toString() {
            return kind + " (" + bytes.length + " bytes)";
        }
    }

    private final Path work;
    private final BundleBuilder.Spec spec;
    private final Path appJar;
    private final List<Path> libs;
    private final KeyPair trusted;
    private final KeyPair foreign = Ed25519Keys.generate();
    private final byte[] original;
    private final Map<String, byte[]> entries;
    private int files; // names of the work files, one thread

    /**
     * Builds the original bundle from {@code spec}, {@code appJar} and {@code libs}, signed with
     * {@code trusted} (the key the verifier under test trusts).
     *
     * @param work an empty directory for the fixture's files
     */
    public BundleCorruptions(Path work, BundleBuilder.Spec spec, Path appJar, List<Path> libs, KeyPair trusted)
            throws IOException, BundleRejectedException {
        this.work = Files.createDirectories(work);
        this.spec = spec;
        this.appJar = appJar;
        this.libs = List.copyOf(libs);
        this.trusted = trusted;
        this.original = signed(spec, trusted);
        Path o = Files.write(work.resolve("original.zip"), original);
        this.entries = Collections.unmodifiableMap(TestBundles.entries(o));
    }

    /** @return a copy of the original signed bundle */
    public byte[] original() {
        return original.clone();
    }

    /** @return the original's entries (name to content), in zip order */
    public Map<String, byte[]> entries() {
        return entries;
    }

    /** @return the same corruptions for jqwik (no shrinking: a failing case is printed with its kind) */
    public Arbitrary<Corrupted> arbitrary() {
        return Arbitraries.randomValue(this::next);
    }

    /** @return a corruption of a kind drawn by {@link #WEIGHTS}, every choice from {@code r} */
    public Corrupted next(Random r) {
        int total = Arrays.stream(WEIGHTS).sum();
        int x = r.nextInt(total);
        int k = 0;
        while (x >= WEIGHTS[k]) {
            x -= WEIGHTS[k++];
        }
        return of(KINDS.get(k), r);
    }

    /** @return a corruption of the given kind */
    public Corrupted of(String kind, Random r) {
        try {
            return make(kind, r);
        } catch (IOException | BundleRejectedException e) {
            throw new IllegalStateException("cannot build a " + kind + " bundle in " + work + ": " + e, e);
        }
    }

    private Corrupted make(String kind, Random r) throws IOException, BundleRejectedException {
        int n = original.length;
        switch (kind) {
            case "truncated":
                return new Corrupted(kind, Arrays.copyOf(original, 1 + r.nextInt(n - 1)), false);
            case "bit_flip": {
                byte[] b = original.clone();
                // a third anywhere (mostly jar content), a third in the first bytes (local header,
                // manifest), a third in the last (central directory, end record): the structure
                int tail = Math.min(n, 512);
                int at = switch (r.nextInt(3)) {
                    case 0 -> r.nextInt(n);
                    case 1 -> r.nextInt(Math.min(n, 256));
                    default -> n - 1 - r.nextInt(tail);
                };
                b[at] ^= (byte) (1 << r.nextInt(8));
                return new Corrupted(kind, b, true);
            }
            case "zip_slip": {
                String[] names = {"../" + ESCAPE_MARKER + ".jar", "../../" + ESCAPE_MARKER, "app/../../" + ESCAPE_MARKER
                        + ".jar", "lib/./../../" + ESCAPE_MARKER, "app\\..\\..\\" + ESCAPE_MARKER, "..", "app/..",
                        "app/\u0000" + ESCAPE_MARKER + ".jar", "./app/" + ESCAPE_MARKER + ".jar", "app//" + ESCAPE_MARKER,
                        "\u202e" + ESCAPE_MARKER + ".jar", "../../../../../../../../tmp/" + ESCAPE_MARKER + ".jar",
                        "lib/../../slots/a/" + ESCAPE_MARKER};
                return extra(kind, names[r.nextInt(names.length)], bytes(r, 64));
            }
            case "absolute_path": {
                String[] names = {"/tmp/" + ESCAPE_MARKER + ".jar", "/" + ESCAPE_MARKER, "C:\\" + ESCAPE_MARKER + ".jar",
                        "c:/" + ESCAPE_MARKER, "//server/share/" + ESCAPE_MARKER, "\\\\server\\" + ESCAPE_MARKER,
                        "/dev/null", "/proc/self/" + ESCAPE_MARKER};
                return extra(kind, names[r.nextInt(names.length)], bytes(r, 64));
            }
            case "link": {
                String[] targets = {"/etc/passwd", "../../..", "/tmp", "../" + ESCAPE_MARKER, "app", "/"};
                String[] names = {"app/" + ESCAPE_MARKER + ".jar", "lib/" + ESCAPE_MARKER, ESCAPE_MARKER};
                RawZip z = zip(entries);
                z.symlink(names[r.nextInt(names.length)], targets[r.nextInt(targets.length)]);
                return new Corrupted(kind, z.toBytes(), false);
            }
            case "duplicate_entry": {
                List<String> names = new ArrayList<>(entries.keySet());
                String name = names.get(r.nextInt(names.size()));
                RawZip z = zip(entries);
                z.add(name, r.nextBoolean() ? entries.get(name) : bytes(r, 256));
                return new Corrupted(kind, z.toBytes(), false);
            }
            case "bomb_ratio": // 2..4 MiB of zeros deflate to a few KiB: over the ratio limit past its floor
                return extra(kind, "lib/bomb.jar", new byte[(2 << 20) + r.nextInt(2 << 20)]);
            case "bomb_lying_size": {
                RawZip z = zip(entries);
                z.add("lib/lying.jar", new byte[(64 + r.nextInt(960)) << 10]).declaredSize = (long) r.nextInt(1000);
                return new Corrupted(kind, z.toBytes(), false);
            }
            case "bomb_entries": {
                RawZip z = zip(entries);
                int count = ZipLimits.DEFAULT.maxEntries() + 1 + r.nextInt(100);
                for (int i = 0; i < count; i++) {
                    z.add("lib/e" + i + ".jar", new byte[0]);
                }
                return new Corrupted(kind, z.toBytes(), false);
            }
            case "bad_signature": {
                Map<String, byte[]> m = new LinkedHashMap<>(entries);
                m.put(Manifest.SIGNATURE_ENTRY, bytes(r, 200));
                return new Corrupted(kind, zip(m).toBytes(), false);
            }
            case "unsigned": {
                if (r.nextBoolean()) { // the original without its signature (always the same file)
                    Map<String, byte[]> m = new LinkedHashMap<>(entries);
                    m.remove(Manifest.SIGNATURE_ENTRY);
                    return new Corrupted(kind, zip(m).toBytes(), false);
                }
                return new Corrupted(kind, unsigned(variant(r, spec.boardTypes(), spec.minAgentVersion())), false);
            }
            case "tampered_manifest": {
                Map<String, byte[]> m = new LinkedHashMap<>(entries);
                String text = new String(m.get(Manifest.ENTRY), StandardCharsets.UTF_8)
                        .replaceFirst(java.util.regex.Pattern.quote(spec.name()), spec.name() + "x" + r.nextInt(1000));
                m.put(Manifest.ENTRY, text.getBytes(StandardCharsets.UTF_8));
                return new Corrupted(kind, zip(m).toBytes(), false);
            }
            case "unsigned_entry":
                return extra(kind, "lib/extra-" + Integer.toHexString(r.nextInt()) + ".jar", new byte[] {1, 2, 3});
            case "foreign_key":
                return new Corrupted(kind, signed(variant(r, spec.boardTypes(), spec.minAgentVersion()), foreign), false);
            case "wrong_board":
                return new Corrupted(kind, signed(variant(r, List.of("no-such-board"), spec.minAgentVersion()), trusted),
                        false);
            case "agent_too_new":
                return new Corrupted(kind, signed(variant(r, spec.boardTypes(),
                        SemVer.parse((99 + r.nextInt(900)) + ".0.0")), trusted), false);
            default:
                throw new IllegalArgumentException("unknown corruption kind " + kind + "; kinds are " + KINDS);
        }
    }

    /** The spec with a random version (so each signed variant is a new file), other board types and agent version. */
    private BundleBuilder.Spec variant(Random r, List<String> boards, SemVer minAgent) {
        return new BundleBuilder.Spec(spec.name(), SemVer.parse("1." + r.nextInt(1000) + "." + r.nextInt(1_000_000)),
                spec.mainClass(), boards, minAgent);
    }

    /** A well-made bundle that was never signed. */
    private byte[] unsigned(BundleBuilder.Spec s) throws IOException {
        Path u = work.resolve("unsigned-" + (++files) + ".zip");
        try {
            BundleBuilder.build(s, appJar, libs, u);
            return Files.readAllBytes(u);
        } finally {
            Files.deleteIfExists(u);
        }
    }

    private byte[] signed(BundleBuilder.Spec s, KeyPair key) throws IOException, BundleRejectedException {
        int i = ++files;
        Path u = work.resolve("unsigned-" + i + ".zip");
        Path out = work.resolve("signed-" + i + ".zip");
        try {
            BundleBuilder.build(s, appJar, libs, u);
            BundleSigner.sign(u, key.getPrivate(), out);
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(u);
            Files.deleteIfExists(out);
        }
    }

    private Corrupted extra(String kind, String name, byte[] data) {
        RawZip z = zip(entries);
        z.add(name, data);
        return new Corrupted(kind, z.toBytes(), false);
    }

    private static RawZip zip(Map<String, byte[]> m) {
        RawZip z = new RawZip();
        m.forEach(z::add);
        return z;
    }

    private static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }
}
