package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout files and the audit log on disk. */
class RolloutStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesAndLoadsARollout_withStableWireNames() throws Exception {
        RolloutStore store = new RolloutStore(dir);
        RolloutRecord r = Rollouts.record("1,100%", "10%", 4, Rollouts.LONG, "pi-1", "pi-2");
        r.boards.get(0).state = BoardState.TIMED_OUT;
        r.boards.get(0).timedOutIn = BoardState.HEALTH_CHECK;
        store.save(r);
        String text = Files.readString(store.file(r.id));
        assertTrue(text.contains("\"state\" : \"timed_out\""), text);
        assertTrue(text.contains("\"timed_out_in\" : \"health_check\""), text);
        assertTrue(text.contains("\"wave_ends\" : [ 1, 2 ]"), text);
        RolloutRecord back = store.load(r.id);
        assertEquals(BoardState.TIMED_OUT, back.boards.get(0).state);
        assertEquals(BoardState.HEALTH_CHECK, back.boards.get(0).timedOutIn);
        assertEquals(r.bundle.sha256, back.bundle.sha256);
        assertEquals(Rollouts.LONG, back.plan.timeouts());
        assertEquals(List.of(r.id), store.ids());
    }

    @Test
    void latestUnfinishedSkipsCompletedRollouts() throws Exception {
        RolloutStore store = new RolloutStore(dir);
        RolloutRecord a = Rollouts.record("100%", "0", 1, Rollouts.LONG, "pi-1");
        a.id = "20260101-000000-aaaa";
        a.status = RolloutRecord.INTERRUPTED;
        RolloutRecord b = Rollouts.record("100%", "0", 1, Rollouts.LONG, "pi-1");
        b.id = "20260102-000000-bbbb";
        b.status = RolloutRecord.COMPLETED;
        store.save(a);
        store.save(b);
        assertEquals("20260101-000000-aaaa", store.latestUnfinished().orElseThrow().id);
        b.status = RolloutRecord.STOPPED;
        store.save(b);
        assertEquals("20260102-000000-bbbb", store.latestUnfinished().orElseThrow().id);
    }

    @Test
    void refusesMissingBadAndNewerFiles() throws Exception {
        RolloutStore store = new RolloutStore(dir);
        IOException missing = assertThrows(NoSuchFileException.class, () -> store.load("20260101-000000-0000"));
        assertTrue(((NoSuchFileException) missing).getReason().contains("no rollout"));
        assertThrows(IOException.class, () -> store.load("../etc/passwd"));
        Files.createDirectories(store.dir());
        Files.writeString(store.file("bad"), "{not json", StandardCharsets.UTF_8);
        assertTrue(assertThrows(IOException.class, () -> store.load("bad")).getMessage().contains("not a readable"));
        RolloutRecord r = Rollouts.record("100%", "0", 1, Rollouts.LONG, "pi-1");
        r.format = RolloutRecord.FORMAT + 1;
        store.save(r);
        assertTrue(assertThrows(IOException.class, () -> store.load(r.id)).getMessage().contains("newer"));
    }

    @Test
    void auditLogAppendsOneJsonLinePerRecord() throws Exception {
        AuditLog log = new AuditLog(dir.resolve("sub/audit.log"), "ana", "ops-1");
        for (int i = 0; i < 3; i++) {
            log.append(log.record("board_result", "r" + i).put("board", "pi-" + i));
        }
        List<String> lines = Files.readAllLines(dir.resolve("sub/audit.log"));
        assertEquals(3, lines.size());
        for (int i = 0; i < 3; i++) {
            var n = Json.MAPPER.readTree(lines.get(i));
            assertEquals("ana", n.get("user").asText());
            assertEquals("ops-1", n.get("host").asText());
            assertEquals("r" + i, n.get("rollout").asText());
            assertEquals("pi-" + i, n.get("board").asText());
            assertTrue(n.get("ts").asText().endsWith("Z"));
        }
    }
}
