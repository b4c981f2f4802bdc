package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.bundle.BundleBuilder;
import dev.spindle.bundle.BundleCorruptions;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.Rpc;
import dev.spindle.protocol.testing.MosquittoBroker;
import dev.spindle.protocol.transfer.SenderOptions;
import dev.spindle.protocol.transfer.TransferError;
import dev.spindle.protocol.transfer.TransferException;
import dev.spindle.protocol.transfer.TransferListener;
import dev.spindle.protocol.transfer.TransferResult;
import dev.spindle.protocol.transfer.TransferSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least 1,000 corrupted bundles ({@link BundleCorruptions}, from the bundle module's test jar:
 * truncated, bit flips, zip-slip names, absolute paths, links, duplicate entries, ratio,
 * lying-size and entry-count bombs, bad, missing and foreign signatures, tampered manifests,
 * unsigned entries, wrong board, too-new agent; plus bundles over the board's size limit) sent
 * to a running agent through the real deploy path: the host's {@link TransferSender} (what
 * {@code spindle deploy} uses) over Debian's Mosquitto, the agent's TransferReceiver,
 * BundleIntake and DeployController. Mosquitto, not the embedded Moquette: the agent waits for
 * the broker's QoS 1 acknowledgement of each event and answer, which Moquette gives several
 * times slower (see AgentFuzzTest).
 *
 * <p>Before: a signed good bundle is deployed the same way and passes its health check (slot
 * {@code a}). Then for each corrupted bundle: the transfer ends with an error
 * ({@code too_large}, {@code handover_failed} …) or the deploy with a {@code deploy_failed}
 * event carrying a reason, matched by the bundle's SHA-256; only a bit flip may instead install
 * (a byte without meaning), and then the new slot must hold exactly the signed content, which
 * becomes the expected active slot. After each: the agent answers {@code ping}; {@code deploy.status}
 * shows the same active slot and version, not busy, nothing pending; the active slot's files are
 * unchanged; the data directory has no leftovers (no half extraction, no bundle file, at most
 * one {@code .done} record of the transfer) and does not grow; no agent thread died. At the end:
 * no file appeared outside the data directory (the test's temp dir and the working directory
 * are listed before and after, and {@code /tmp} is searched for the escape marker every
 * crafted path carries).
 *
 * <p>Replay: the seed is printed first; {@code -Dspindle.bundlefuzz.seed=N} replays a run,
 * {@code -Dspindle.bundlefuzz.count=N} changes the number of bundles (default 1,000).
 */
@Timeout(value = 900, unit = java.util.concurrent.TimeUnit.SECONDS) // hang guard only
class AgentBundleFuzzTest {
    static final String FLEET = "test";
    static final String BOARD = "bfz";
    static final String VERSION = "1.0.0";
    static final long MAX_BUNDLE_BYTES = 1 << 20;
    static final long HANG_GUARD_MS = 60_000;
    /** How much the data directory may grow over the fuzzing (failed marks and history are capped). */
    static final long GROWTH_BOUND_BYTES = 256 << 10;

    @TempDir
    Path dir;
    /** The board's directory: {@code data} (its data.dir) in it; on /dev/shm (deleted after the test) or in {@link #dir}. */
    Path board;

    @AfterEach
    void deleteBoardFiles() throws IOException {
        if (board != null && !board.startsWith(dir) && Files.isDirectory(board)) {
            try (Stream<Path> s = Files.walk(board)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void aThousandCorruptedBundlesThroughTheDeployPath() throws Exception {
        long seed = Long.getLong("spindle.bundlefuzz.seed", new SecureRandom().nextLong());
        int count = Integer.getInteger("spindle.bundlefuzz.count", 1000);
        Random random = new Random(seed);

        // the board's files on tmpfs when there is one: the same code paths, but an fsync costs nothing, and this
        // test is about what the agent does with bad bundles (DeployKillTrialsTest is about durability)
        Path shm = Path.of("/dev/shm");
        boolean onTmpfs = !Boolean.getBoolean("spindle.bundlefuzz.disk") && Files.isDirectory(shm) && Files.isWritable(shm);
        board = onTmpfs ? Files.createTempDirectory(shm, "spindle-bfuzz-") : dir.resolve("board");
        Path data = board.resolve("data");
        System.out.println("agent bundle fuzz: board files in " + board + (onTmpfs ? " (tmpfs; -Dspindle.bundlefuzz.disk=true:"
                + " in the test's temp dir)" : "") + "; seed " + seed + " (replay with -Dspindle.bundlefuzz.seed=" + seed + ")");
        Path work = Files.createDirectories(dir.resolve("work"));
        Path brokerDir = dir.resolve("mosquitto");
        Path cwd = Path.of(System.getProperty("user.dir"));
        Path bundleDir = dir.resolve("bundles");
        Set<String> outsideBefore = filesOutside(data, work, brokerDir, bundleDir);
        Set<String> cwdBefore = listing(cwd);
        Set<String> escapedBefore = escaped(board);

        SlotBundles bundles = new SlotBundles(bundleDir);
        BundleCorruptions gen = new BundleCorruptions(work.resolve("gen"), new BundleBuilder.Spec("slot-app",
                SemVer.parse(VERSION), SlotTestApp.class.getName(), List.of("sim"), SemVer.parse("0.1.0-SNAPSHOT")),
                bundles.appJar("slot-app", VERSION, "good"), List.of(), bundles.key);
        Map<String, byte[]> signedEntries = gen.entries();

        List<Throwable> threadDeaths = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler oldHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> threadDeaths.add(new AssertionError("thread " + t.getName()
                + " died", e)));
        MosquittoBroker broker = new MosquittoBroker(brokerDir).start();
        Map<String, Integer> perKind = new TreeMap<>();
        Map<String, Integer> perReason = new TreeMap<>();
        Map<String, Integer> perKindReason = new TreeMap<>();
        long maxDataBytes;
        double seconds;
        try (broker; Agent agent = new Agent(AgentTest.config(broker.url(), data, BOARD, TestApps.Blinker.class.getName(),
                "deploy.trust", bundles.trust().toString(), "deploy.health.grace.ms", "300", "telemetry.period.s", "0.1",
                "deploy.max.bundle.bytes", Long.toString(MAX_BUNDLE_BYTES)), BoardIo.NONE);
                Host host = new Host(broker.url())) {
            agent.start();
            assertTrue(agent.awaitConnected(HANG_GUARD_MS), "agent connected");
            host.awaitOnline();

            // the first good bundle, through the same path: installed and healthy in slot a
            Path good = Files.write(work.resolve("good.zip"), gen.original());
            String goodSha = TransferSender.sha256(good);
            int mark = host.events.size();
            host.send(good);
            JsonNode done = host.events.await(mark, e -> isTerminal(e, goodSha));
            assertEquals("deploy_done", done.path("type").asText(), done.toString());
            String active = "a";
            checkStatus(host, active, "after the first good bundle");
            Map<String, String> activeFiles = tree(data.resolve("slots").resolve(active));
            checkSlotHoldsSignedContent(data.resolve("slots").resolve(active), signedEntries, "the good bundle");
            awaitNoBundleFiles(data);
            Set<String> dataTop = listing(data);
            long baseBytes = bytes(data);
            maxDataBytes = baseBytes;

            long start = System.nanoTime();
            long t1 = 0;
            long tDeploy = 0;
            long tStatus = 0;
            long tFiles = 0;
            for (int i = 0; i < count; i++) {
                BundleCorruptions.Corrupted c = random.nextInt(50) == 0 ? oversize(random) : gen.next(random);
                String what = "bundle " + i + " (" + c + ", seed " + seed + ")";
                Path file = Files.write(work.resolve("case.zip"), c.bytes());
                String sha = TransferSender.sha256(file);
                mark = host.events.size();
                String reason;
                long t0 = System.nanoTime();
                try {
                    host.send(file);
                    t1 += System.nanoTime() - t0;
                    JsonNode end = host.events.await(mark, e -> isTerminal(e, sha));
                    if (end.path("type").asText().equals("deploy_done")) {
                        assertTrue(c.mayBeHarmless(), what + " was installed: " + end);
                        String slot = end.path("data").path("slot").asText();
                        checkSlotHoldsSignedContent(data.resolve("slots").resolve(slot), signedEntries, what);
                        active = slot;
                        activeFiles = tree(data.resolve("slots").resolve(active));
                        reason = "installed_harmless";
                    } else {
                        reason = reasonOf(end, what);
                    }
                } catch (TransferException e) {
                    if (e.code() == TransferError.HANDOVER_FAILED) { // the deploy refused it at once (previously_failed …)
                        reason = reasonOf(host.events.await(mark, x -> isTerminal(x, sha)), what);
                    } else { // refused by the transfer (only too_large is expected): the error, and the same as an event
                        assertEquals(TransferError.TOO_LARGE, e.code(), what + ": " + e.getMessage());
                        JsonNode ev = host.events.await(mark, x -> x.path("type").asText().equals("transfer_failed")
                                && sha.equals(x.path("data").path("sha256").asText()));
                        assertEquals(e.code().wireName(), ev.path("data").path("code").asText(), what + ": " + ev);
                        reason = "transfer_" + e.code().wireName();
                    }
                }
                long t2 = System.nanoTime();
                tDeploy += t2 - t0;
                perKind.merge(c.kind(), 1, Integer::sum);
                perReason.merge(reason, 1, Integer::sum);
                perKindReason.merge(c.kind() + ":" + reason, 1, Integer::sum);

                checkStatus(host, active, what);
                long t3 = System.nanoTime();
                tStatus += t3 - t2;
                assertEquals(activeFiles, tree(data.resolve("slots").resolve(active)), what + ": the active slot changed");
                awaitNoBundleFiles(data);
                checkNoLeftovers(data, dataTop, active, what);
                long b = bytes(data);
                maxDataBytes = Math.max(maxDataBytes, b);
                assertTrue(b <= baseBytes + GROWTH_BOUND_BYTES, what + ": the data directory grew from " + baseBytes
                        + " to " + b + " bytes");
                assertTrue(threadDeaths.isEmpty(), what + ": " + threadDeaths);
                tFiles += System.nanoTime() - t3;
            }
            seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(agent.isConnected(), "the agent is still connected");
            Reply info = host.rpc.call(BOARD, "info", null, HANG_GUARD_MS);
            assertTrue(info.ok(), "info after the fuzzing: " + info);
            assertEquals("running", info.body().path("app").path("state").asText(), "the firmware still runs: " + info);
            System.out.printf("agent bundle fuzz: %d corrupted bundles through MQTT transfer + deploy in %.1f s (%.0f ms each:"
                    + " transfer %.0f, to the deploy's end %.0f, ping + deploy.status %.0f, file checks %.0f);"
                    + " data dir %d..%d bytes%n  per kind %s%n  per outcome %s%n  per kind:outcome %s%n", count, seconds,
                    seconds * 1000 / count, t1 / 1e6 / count, tDeploy / 1e6 / count, tStatus / 1e6 / count,
                    tFiles / 1e6 / count, baseBytes, maxDataBytes, perKind, perReason, perKindReason);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(oldHandler);
        }
        assertTrue(threadDeaths.isEmpty(), threadDeaths.toString());
        assertTrue(perReason.keySet().stream().noneMatch(r -> r.equals("io_error") || r.equals("transfer_io_error")),
                "no I/O errors: " + perReason);
        assertEquals(outsideBefore, filesOutside(data, work, brokerDir, bundleDir), "files outside the data directory");
        assertEquals(cwdBefore, listing(cwd), "files in the working directory");
        assertEquals(escapedBefore, escaped(board), "files named " + BundleCorruptions.ESCAPE_MARKER + " in " + tmp() + " or "
                + board);
        try (Stream<Path> s = Files.list(board)) {
            assertEquals(List.of(data), s.toList(), "files beside the data directory");
        }
    }

    // ---- the host side ----------------------------------------------------------------------------

    /** The operator's side: one link for the transfer, the Rpc and the board's events. */
    static final class Host implements AutoCloseable {
        final Link link;
        final Rpc rpc;
        final Events events = new Events();

        Host(String url) throws Exception {
            link = new Link(LinkConfig.builder(url, LinkConfig.toolClientId("bfuzz")).backoff(50, 500).build());
            link.subscribe(Topics.events(FLEET, BOARD), 1, m -> events.add(Json.MAPPER.readTree(m.payload())));
            link.start();
            assertTrue(link.awaitConnected(HANG_GUARD_MS), "host connected");
            rpc = new Rpc(link, FLEET);
        }

        void awaitOnline() throws Exception {
            long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
            while (true) {
                try {
                    if (rpc.call(BOARD, "ping", null, 2_000).ok()) {
                        return;
                    }
                } catch (ProtocolException notYet) {
                    assertTrue(System.currentTimeMillis() < deadline, "the agent never answered ping");
                }
            }
        }

        /** Sends like TransferUploader: again from the start when the board took this file before. */
        void send(Path file) throws Exception {
            SenderOptions o = SenderOptions.defaults();
            Map<String, Object> meta = Map.of("name", "fuzz", "version", VERSION);
            TransferResult r = new TransferSender(link, FLEET, o).send(BOARD, file, meta, TransferListener.NONE);
            if (r.alreadyComplete()) {
                new TransferSender(link, FLEET, o.withFresh(true)).send(BOARD, file, meta, TransferListener.NONE);
            }
        }

        @Override
        public void close() {
            link.close();
        }
    }

    /** The board's events in arrival order. */
    static final class Events {
        private final List<JsonNode> list = new ArrayList<>(); // guarded by this

        synchronized void add(JsonNode e) {
            list.add(e);
            notifyAll();
        }

        synchronized int size() {
            return list.size();
        }

        /** The first event from index {@code from} on that matches (hang guard {@link #HANG_GUARD_MS}). */
        synchronized JsonNode await(int from, Predicate<JsonNode> p) throws InterruptedException {
            long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
            for (int i = from;; i++) {
                while (i >= list.size()) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        throw new AssertionError("no matching event; the last ones: "
                                + list.subList(Math.max(from, list.size() - 10), list.size()));
                    }
                    wait(left);
                }
                if (p.test(list.get(i))) {
                    return list.get(i);
                }
            }
        }
    }

    private static boolean isTerminal(JsonNode e, String sha) {
        String type = e.path("type").asText();
        return (type.equals("deploy_done") || type.equals("deploy_failed")) && sha.equals(e.path("data").path("sha256").asText());
    }

    private static String reasonOf(JsonNode failed, String what) {
        assertEquals("deploy_failed", failed.path("type").asText(), what + ": " + failed);
        String reason = failed.path("data").path("reason").asText("");
        assertFalse(reason.isBlank(), what + ": deploy_failed without a reason: " + failed);
        assertFalse(reason.equals("busy"), what + ": refused as busy, but the board was idle: " + failed);
        assertFalse(failed.path("message").asText("").isBlank(), what + ": deploy_failed without a message: " + failed);
        return reason;
    }

    /** A file over {@code deploy.max.bundle.bytes}: refused when the transfer opens. */
    private static BundleCorruptions.Corrupted oversize(Random r) {
        byte[] b = new byte[(int) MAX_BUNDLE_BYTES + 1 + r.nextInt(1 << 16)];
        r.nextBytes(b);
        return new BundleCorruptions.Corrupted("oversize", b, false);
    }

    // ---- checks on the board ----------------------------------------------------------------------

    private static void checkStatus(Host host, String active, String what) throws Exception {
        Reply ping = host.rpc.call(BOARD, "ping", null, HANG_GUARD_MS);
        assertTrue(ping.ok(), what + ": ping " + ping);
        Reply r = host.rpc.call(BOARD, "deploy.status", null, HANG_GUARD_MS);
        assertTrue(r.ok(), what + ": deploy.status " + r);
        com.fasterxml.jackson.databind.node.ObjectNode s = r.body().deepCopy();
        s.remove(List.of("failed", "history")); // long; the fields checked are enough to say what went wrong
        assertEquals(active, s.path("active").asText(), what + ": active slot; " + s);
        assertEquals(VERSION, s.path("firmware_version").asText(), what + ": " + s);
        assertEquals("slot-app", s.path("firmware_name").asText(), what + ": " + s);
        assertTrue(s.path("pending").isNull(), what + ": pending " + s.path("pending"));
        assertFalse(s.path("busy").asBoolean(true), what + ": still busy after its terminal event; " + s);
    }

    private static void checkSlotHoldsSignedContent(Path slot, Map<String, byte[]> entries, String what) throws IOException {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().equals(Manifest.SIGNATURE_ENTRY)) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(slot.resolve(e.getKey())), what + ": " + e.getKey());
            }
        }
    }

    /** The bundle file handed to the deploy is deleted once the deploy ended (by a cleanup thread: wait for it). */
    private static void awaitNoBundleFiles(Path data) throws Exception {
        Path d = data.resolve("deploy-bundles");
        long deadline = System.currentTimeMillis() + HANG_GUARD_MS;
        while (Files.isDirectory(d) && !listing(d).isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "bundle files never deleted: " + listing(d));
            Thread.sleep(2);
        }
    }

    /**
     * Nothing new at the top of the data directory ({@code top}: after the good bundle), the active slot and
     * the other one empty or absent (or complete, after a harmless install), at most one .done record.
     */
    private static void checkNoLeftovers(Path data, Set<String> top, String active, String what) throws IOException {
        Set<String> slots = listing(data.resolve("slots"));
        assertTrue(slots.contains(active) && Set.of("a", "b").containsAll(slots), what + ": slots/ holds " + slots);
        String other = active.equals("a") ? "b" : "a";
        assertTrue(!slots.contains(other) || listing(data.resolve("slots").resolve(other)).isEmpty()
                || isCompleteOldSlot(data, other), () -> what + ": slot " + other + " holds "
                + listing(data.resolve("slots").resolve(other)));
        Set<String> incoming = listing(data.resolve("incoming"));
        assertTrue(incoming.size() <= 1 && incoming.stream().allMatch(f -> f.endsWith(".done")),
                what + ": incoming/ holds " + incoming);
        for (String f : listing(data)) {
            assertTrue(top.contains(f) || f.equals("deploy-bundles"), () -> what + ": unexpected " + f
                    + " in the data directory: " + listing(data) + " (after the good bundle: " + top + ")");
        }
    }

    /** After a harmless install the previous slot keeps the old (identical) firmware: allowed. */
    private static boolean isCompleteOldSlot(Path data, String slot) {
        return Files.isRegularFile(data.resolve("slots").resolve(slot).resolve(Manifest.ENTRY));
    }

    // ---- file listings --------------------------------------------------------------------------------

    private Set<String> filesOutside(Path... excluded) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir) && Stream.of(excluded).noneMatch(p::startsWith)).map(p -> dir.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> listing(Path d) {
        if (!Files.isDirectory(d)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path to size and last-modified time of every file under {@code d}. */
    private static Map<String, String> tree(Path d) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(d)) {
            s.forEach(p -> {
                try {
                    m.put(d.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Files.size(p) + " bytes, "
                            + Files.getLastModifiedTime(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return m;
    }

    private static long bytes(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Files whose name carries the escape marker: in /tmp (4 levels; unreadable dirs are skipped), at /, and
     * anywhere under the board's directory (the data directory and beside it).
     */
    private static Set<String> escaped(Path board) throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path root : List.of(tmp(), Path.of("/"), board)) {
            int depth = root.equals(board) ? Integer.MAX_VALUE : root.equals(tmp()) ? 4 : 1;
            try {
                Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), depth, new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                        if (f.getFileName() != null && f.getFileName().toString().contains(BundleCorruptions.ESCAPE_MARKER)) {
                            out.add(f.toString());
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                        return java.nio.file.FileVisitResult.CONTINUE; // gone meanwhile, or not ours to read
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
