package dev.spindle.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpindleCommandTest {
    private SpindleRun last; // the latest run's exit code and output

    private int run(String... args) {
        last = SpindleRun.of(args);
        return last.code();
    }

    @Test
    void bareCommandPrintsUsageWithExitCodes() {
        assertEquals(ExitCodes.OK, run());
        assertTrue(last.out().contains("Usage: spindle"), last.out());
        assertTrue(last.out().contains("Exit codes:"), last.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("no-such-command"));
        assertTrue(last.err().contains("no-such-command"), last.err());
    }
}
