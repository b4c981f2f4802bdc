package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemVerTest {
    @Test
    void precedenceFollowsTheSpecification() {
        List<String> ordered = List.of("0.1.0-SNAPSHOT", "0.1.0", "0.9.9", "0.10.0", "1.0.0-alpha",
                "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
                "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "10.0.0");
        for (int i = 0; i < ordered.size(); i++) {
            for (int j = 0; j < ordered.size(); j++) {
                int c = SemVer.parse(ordered.get(i)).compareTo(SemVer.parse(ordered.get(j)));
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(c),
                        ordered.get(i) + " vs " + ordered.get(j));
            }
        }
        assertEquals(0, SemVer.parse("1.0.0+build.5").compareTo(SemVer.parse("1.0.0+other")));
        assertEquals("2.0.0-rc.1+b5", SemVer.parse("2.0.0-rc.1+b5").toString());
        assertTrue(SemVer.parse("1.2.3").atLeast(SemVer.parse("1.2.3")));
    }

    @Test
    void malformedVersionsAreRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"", "1", "1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0-01",
            "1.0.0+", "1.0.0 ", "1.0.0-a..b", "-1.0.0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SemVer.parse(bad), bad);
            assertTrue(e.getMessage().contains("MAJOR.MINOR.PATCH"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SemVer.parse(null));
    }
}
