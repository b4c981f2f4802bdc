package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's data directory on a real, small tmpfs that the test fills up and remounts
 * read-only: the agent says so in its log and a {@code storage_failed} event (with the problem's
 * wire name), keeps answering and sending events from memory, and leaves no torn or half-written
 * file behind; once the file system works again a {@code storage_recovered} event follows.
 *
 * <p>Mounting needs root (CI runs as root); elsewhere the test is skipped by an assumption.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class DataDirFailureTest {
    @TempDir
    Path dir;

    private Path mnt;
    private boolean mounted;

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println(String.join(" ", cmd) + ": " + out);
        }
        return rc;
    }

    @BeforeEach
    void mount() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root (CI runs the suite as root)");
        mnt = Files.createDirectory(dir.resolve("mnt"));
        assertEquals(0, sh("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", mnt.toString()),
                "mount a 256 KiB tmpfs");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            assertEquals(0, sh("umount", mnt.toString()));
        }
    }


    private static void assertNoTornFiles(Path data) throws Exception {
        List<Path> left = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(data.resolve("outbox"))) {
            ds.forEach(left::add);
        }
        for (Path p : left) {
            assertFalse(p.toString().endsWith(".tmp"), "temp file left behind: " + p);
            String whole;
            try {
                whole = Files.readString(p, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException delivered) {
                continue; // the live agent sent and deleted it after the listing: not torn
            }
            String[] parts = whole.split("\n", 2);
            assertTrue(parts[0].startsWith("spindle/v1/"), p + ": " + parts[0]);
            Json.tree(parts[1].getBytes(StandardCharsets.UTF_8)); // complete JSON, or this throws
        }
        assertFalse(Files.exists(data.resolve("session.tmp")));
    }

    @Test
    void readOnlyFileSystemIsReportedAndNothingIsCorrupted() throws Exception {
        Path data = mnt.resolve("data");
        try (EmbeddedBroker broker = EmbeddedBroker.start(); FleetProbe probe = new FleetProbe(broker.url(), "test")) {
            Agent first = new Agent(AgentTest.config(broker.url(), data, "ro1", null), BoardIo.NONE);
            first.start();
            probe.await("state", s -> s.path("online").asBoolean());
            assertEquals("1000", Files.readString(data.resolve("session")).trim(), "a block of 1000 sessions reserved");
            first.close();

            assertEquals(0, sh("mount", "-o", "remount,ro", mnt.toString()));
            probe.clear();
            // a start on a read-only data directory: the agent runs, says why nothing is saved
            try (Agent agent = new Agent(AgentTest.config(broker.url(), data, "ro1", null), BoardIo.NONE)) {
                agent.start();
                JsonNode birth = probe.await("state", s -> s.path("online").asBoolean()).body();
                long session = birth.path("session").asLong();
                assertTrue(session > 1000 && session < 2000, "continues above the saved ceiling: " + birth);
                JsonNode failed = probe.await("events", e -> e.path("type").asText().equals("storage_failed")).body();
                assertEquals("read_only", failed.path("data").path("problem").asText(), failed.toString());
                assertTrue(failed.path("message").asText().contains("Read-only file system"), failed.toString());
                assertTrue(failed.path("message").asText().contains("fsck"), "says what to do: " + failed);
                assertTrue(probe.rpc.call("ro1", "ping", null, 30_000).ok());
                assertTrue(probe.rpc.call("ro1", "log.tail", null, 30_000).body().toString().contains("read_only"));
                probe.await("events", e -> e.path("type").asText().equals("agent_started"));
                assertEquals("1000", Files.readString(data.resolve("session")).trim(), "the old ceiling is intact");
                assertNoTornFiles(data);

                assertEquals(0, sh("mount", "-o", "remount,rw", mnt.toString()));
                JsonNode back = probe.await("events", e -> e.path("type").asText().equals("storage_recovered")).body();
                assertEquals("info", back.path("severity").asText());
            }
        }
        assertNoTornFiles(data);
    }

    /** Appends to {@code filler} until the file system is full. */
    private static void fill(Path filler) throws IOException {
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
        }
    }

    @Test
    void fullDiskIsReportedAndOldFilesStayValid() throws Exception {
        Path data = mnt.resolve("data");
        Path filler = mnt.resolve("filler");
        try (EmbeddedBroker broker = EmbeddedBroker.start(); FleetProbe probe = new FleetProbe(broker.url(), "test");
                Agent agent = new Agent(AgentTest.config(broker.url(), data, "full1", null), BoardIo.NONE)) {
            agent.start();
            probe.await("state", s -> s.path("online").asBoolean());
            probe.await("telemetry", t -> true);
            // fill the file system to the last byte; the agent deletes the files of events it sent,
            // which frees pages again, so top the filler up until the agent's own write fails
            long deadline = System.currentTimeMillis() + 60_000;
            while (probe.all("events").stream().noneMatch(e -> e.path("type").asText().equals("storage_failed"))
                    && System.currentTimeMillis() < deadline) {
                fill(filler);
                Thread.sleep(200);
            }
            JsonNode failed = probe.await("events", e -> e.path("type").asText().equals("storage_failed")).body();
            assertEquals("disk_full", failed.path("data").path("problem").asText(), failed.toString());
            assertTrue(failed.path("message").asText().contains("free space"), failed.toString());
            // events made meanwhile still arrive (from memory), in order
            probe.rpc.call("full1", "no.such.command", null, 30_000);
            probe.await("events", e -> e.path("type").asText().equals("bad_request"));
            long t0 = System.currentTimeMillis();
            probe.await("telemetry", t -> t.path("ts").asLong() > t0);
            assertEquals("1000", Files.readString(data.resolve("session")).trim());
            assertNoTornFiles(data);

            Files.delete(filler);
            probe.await("events", e -> e.path("type").asText().equals("storage_recovered"));
            assertNoTornFiles(data);
        }
    }
}
