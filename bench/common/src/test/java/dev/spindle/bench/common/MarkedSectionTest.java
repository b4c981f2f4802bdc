package dev.spindle.bench.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkedSectionTest {
    final MarkedSection s = new MarkedSection("demo", "bench-demo");

    @Test
    void replacesOnlyTheMarkedTextAndKeepsTheRest() {
        String page = "# B\n\nbefore\n" + s.begin() + "\nold\n" + s.end() + "\nafter\n";
        assertEquals("# B\n\nbefore\n" + s.begin() + "\nnew\n" + s.end() + "\nafter\n", s.replaceIn(page, "new\n"));
    }

    @Test
    void appendsWhenThePageHasNoMarkersAndTitlesAnEmptyPage() {
        assertEquals("text\n\n" + s.begin() + "\nx\n" + s.end() + "\n", s.replaceIn("text", "x"));
        assertTrue(s.replaceIn("", "x").startsWith("# Benchmarks\n\n" + s.begin()));
    }

    @Test
    void anotherTablesMarkersAreLeftAlone() {
        MarkedSection other = new MarkedSection("other", "bench-other");
        String page = other.begin() + "\nkeep\n" + other.end() + "\n";
        String once = s.replaceIn(page, "mine");
        assertTrue(once.startsWith(page));
        assertEquals(once, s.replaceIn(once, "mine"), "writing twice never duplicates the section");
    }

    @Test
    void writesTheFileCreatingItsDirectory(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("docs/benchmarks.md");
        s.write(doc, "one");
        s.write(doc, "two");
        String page = Files.readString(doc);
        assertEquals(page.indexOf(s.begin()), page.lastIndexOf(s.begin()));
        assertTrue(page.contains("\ntwo\n") && !page.contains("one"), page);
    }
}
