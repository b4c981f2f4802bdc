package dev.spindle.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines as OpenJDK 17 writes them with {@code -Xlog:jit+compilation=debug:file=...:none}. */
class JitWatchTest {
    @Test
    void countsTierFourCompilationsOnly() {
        assertTrue(JitWatch.isC2Compile("   16       4       java.lang.Object::<init> (1 bytes)"));
        assertTrue(JitWatch.isC2Compile("  114   !   4       java.util.zip.ZipFile$Source::checkAndAddEntry (262 bytes)"));
        assertTrue(JitWatch.isC2Compile("  352 %     4       java.lang.StringLatin1::indexOfChar @ 7 (33 bytes)"));
        assertFalse(JitWatch.isC2Compile("    4       3       java.lang.Math::floorMod (20 bytes)"), "id 4, tier 3");
        assertFalse(JitWatch.isC2Compile("   48   !   3       java.util.concurrent.ConcurrentHashMap::putVal (432 bytes)"));
        assertFalse(JitWatch.isC2Compile("   23     n 0       java.lang.System::arraycopy (native)   (static)"));
        assertFalse(JitWatch.isC2Compile("   16       4       java.lang.Object::<init> (1 bytes)   made not entrant"));
        assertFalse(JitWatch.isC2Compile(""));
        assertFalse(JitWatch.isC2Compile("[0.438s] something else"));
    }

    @Test
    void snapshotCountsTheChildrensLogsAndMissingLogsAsEmpty(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.log");
        Files.write(a, List.of("   16       4       java.lang.Object::<init> (1 bytes)",
                "   17       3       java.lang.String::length (11 bytes)",
                "  352 %     4       java.lang.StringLatin1::indexOfChar @ 7 (33 bytes)"));
        JitWatch w = new JitWatch(List.of(a, dir.resolve("not-yet.log")));
        assertEquals(2, w.snapshot().childC2());
        Files.writeString(a, "   18       4       java.lang.String::hashCode (49 bytes)\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(3, w.snapshot().childC2());
    }

    @Test
    void logFlagIsAcceptedByTheJvm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("jit.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JitWatch.logFlag(log), "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.strip().matches("\\d+ .*")), "compilations logged");
    }
}
