package dev.spindle.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String SHA = "a".repeat(64);
    private static final Manifest M = new Manifest("demo", SemVer.parse("1.0.0"), "a.B", List.of("sim"),
            SemVer.parse("0.1.0"), "app/a.jar", List.of("lib/b.jar"),
            Map.of("app/a.jar", new Manifest.EntryHash(3, SHA), "lib/b.jar", new Manifest.EntryHash(4, SHA)));

    private static Reason reasonOf(String json) {
        return assertThrows(BundleRejectedException.class,
                () -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8))).reason();
    }

    @Test
    void roundTripsThroughItsJson() throws Exception {
        byte[] json = M.toJson();
        assertEquals(M, Manifest.parse(json));
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.indexOf("app/a.jar\"") < text.indexOf("lib/b.jar\""), "entries sorted");
    }

    @Test
    void strictParsing() {
        String json = new String(M.toJson(), StandardCharsets.UTF_8);
        assertEquals(Reason.CORRUPT, reasonOf(json.replace("\"format\"", "\"extra\" : 1, \"format\"")));
        assertEquals(Reason.CORRUPT, reasonOf(json.replace("\"format\" : 1,", "\"format\" : 1, \"format\" : 1,")));
        assertEquals(Reason.CORRUPT, reasonOf(json.replace("\"sim\"", "\"Sim!\"")));
        assertEquals(Reason.CORRUPT, reasonOf(json.replace("\"app/a.jar\",", "\"../a.jar\",")));
        assertEquals(Reason.CORRUPT, reasonOf(json + "{}"));
        assertEquals(Reason.CORRUPT, reasonOf("[]"));
        assertEquals(Reason.CORRUPT, reasonOf(json.replace("\"1.0.0\"", "\"1.0\"")));
        assertEquals(Reason.AGENT_TOO_OLD, reasonOf(json.replace("\"format\" : 1", "\"format\" : 2")));
    }

    @Test
    void constructorNamesTheBadField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Manifest("demo",
                SemVer.parse("1.0.0"), "a.B", List.of(), SemVer.parse("0.1.0"), "app/a.jar", List.of(),
                Map.of("app/a.jar", new Manifest.EntryHash(3, SHA))));
        assertTrue(e.getMessage().contains("boardTypes"), e.getMessage());
    }

    @Test
    void wireNamesAreStable() {
        assertEquals(List.of("corrupt", "unsafe_zip", "unsigned", "untrusted_key", "bad_signature", "tampered",
                "wrong_board", "agent_too_old"), java.util.Arrays.stream(Reason.values()).map(Reason::wireName).toList());
        assertEquals(Reason.TAMPERED, Reason.fromWireName("tampered"));
    }
}
