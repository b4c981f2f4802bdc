package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --waves, --max-failures and --step-timeout: parsing, resolution against a fleet size, errors. */
class RolloutPlanTest {
    @Test
    void wavesResolveCumulatively_percentRoundsUp_countsCap_emptyWavesDropped() {
        assertArrayEquals(new int[] {1, 10, 100}, Waves.parse("1,10%,100%").resolve(100));
        assertArrayEquals(new int[] {1, 4, 37}, Waves.parse("1,10%,100%").resolve(37));
        // 10% of 5 is 0.5 -> 1, the same as the first wave: that wave is dropped
        assertArrayEquals(new int[] {1, 5}, Waves.parse("1,10%,100%").resolve(5));
        assertArrayEquals(new int[] {1}, Waves.parse("1,10%,100%").resolve(1));
        assertArrayEquals(new int[] {3, 10}, Waves.parse("3,50").resolve(10));
        assertArrayEquals(new int[] {8}, Waves.parse("100%").resolve(8));
        assertArrayEquals(new int[] {2, 9}, Waves.parse(" 12.5% , 100% ").resolve(9));
        assertArrayEquals(new int[] {2, 9}, Waves.parse("12.5%,100%").resolve(9));
    }

    @Test
    void wavesErrorsNameTheEntryAndTheRule() {
        assertMessage("empty entry", () -> Waves.parse("1,,100%"));
        assertMessage("is empty", () -> Waves.parse(" "));
        assertMessage("'ten' is not a board count", () -> Waves.parse("ten,100%"));
        assertMessage("more than 0% and at most 100%", () -> Waves.parse("1,150%"));
        assertMessage("more than 0% and at most 100%", () -> Waves.parse("0%,100%"));
        assertMessage("whole number of at least 1", () -> Waves.parse("0,100%"));
        assertMessage("whole number of at least 1", () -> Waves.parse("1.5,100%"));
        assertMessage("must be larger than the earlier '50%'", () -> Waves.parse("50%,10%,100%"));
        assertMessage("must be larger than the earlier '5'", () -> Waves.parse("5,5,100%"));
        assertMessage("reaches only 10 of the 37", () -> Waves.parse("1,10").resolve(37));
        assertMessage("fewer than the 20", () -> Waves.parse("20,10%,100%").resolve(100));
    }

    @Test
    void failureThresholdIsACountOrAPercentRoundedDown() {
        assertEquals(0, FailureThreshold.parse("0").limit(100));
        assertEquals(3, FailureThreshold.parse("3").limit(2));
        assertEquals(2, FailureThreshold.parse("10%").limit(25));
        assertEquals(0, FailureThreshold.parse("10%").limit(9));
        assertEquals(40, FailureThreshold.parse("100%").limit(40));
        assertEquals(1, FailureThreshold.parse("2.5%").limit(40));
        assertMessage("not a board count", () -> FailureThreshold.parse("many"));
        assertMessage("whole number of boards >= 0", () -> FailureThreshold.parse("-1"));
        assertMessage("whole number of boards >= 0", () -> FailureThreshold.parse("101%"));
        assertMessage("whole number of boards >= 0", () -> FailureThreshold.parse("1.5"));
    }

    @Test
    void stepTimeoutsParseDurationsAndStepNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("transfer", "20m");
        m.put("health-check", "90s");
        m.put("install", "500ms");
        StepTimeouts t = StepTimeouts.DEFAULT.with(m);
        assertEquals(Duration.ofMinutes(20), t.of(BoardState.TRANSFERRING));
        assertEquals(Duration.ofMillis(500), t.of(BoardState.INSTALLING));
        assertEquals(Duration.ofSeconds(90), t.of(BoardState.HEALTH_CHECK));
        assertEquals(Duration.ofSeconds(45), StepTimeouts.parseDuration("45"));
        assertEquals(Duration.ofHours(1), StepTimeouts.parseDuration("1h"));
        assertMessage("unknown step 'reboot'", () -> StepTimeouts.DEFAULT.with(Map.of("reboot", "1m")));
        assertMessage("not a duration", () -> StepTimeouts.parseDuration("soon"));
        assertMessage("must be more than 0", () -> StepTimeouts.parseDuration("0s"));
        assertMessage("not a duration", () -> StepTimeouts.parseDuration("-5s"));
    }

    @Test
    void boardStatesHaveStableWireNames() {
        assertEquals("health_check", BoardState.HEALTH_CHECK.wireName());
        assertEquals("rolled_back", BoardState.ROLLED_BACK.wireName());
        for (BoardState s : BoardState.values()) {
            assertEquals(s, BoardState.fromWireName(s.wireName()));
        }
        assertTrue(BoardState.TIMED_OUT.countsAsFailure());
        assertTrue(!BoardState.SKIPPED.countsAsFailure());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
