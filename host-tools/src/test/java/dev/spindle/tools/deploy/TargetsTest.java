package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.fleet.FleetView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which boards a rollout takes, and the reasons it gives for the others. */
class TargetsTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final Manifest M = new Manifest("app", SemVer.parse("2.0.0"), "x.Main", List.of("sim"),
            SemVer.parse("0.1.0"), "app.jar", List.of(), Map.of("app.jar", new Manifest.EntryHash(1, "ab".repeat(32))));

    private static void board(FleetView v, String b, boolean online, String type, long telemetryTs) {
        v.accept(Topics.state("f", b), Json.bytes(new StateMessage(1, NOW - 60_000, "f", b, online,
                online ? null : "connection_lost", 1, type, "0.1.0", "1.0.0", "a", NOW - 60_000, 1.0, "app", false)), NOW);
        v.accept(Topics.telemetry("f", b), Json.bytes(new TelemetryMessage(1, telemetryTs, 1, 1.0, 1, 1, 1, null, null,
                null, 0, 1, "ok", "running", Map.of())), NOW);
    }

    private static FleetView fleet() {
        FleetView v = new FleetView();
        board(v, "ok", true, "sim", NOW - 500);
        board(v, "quiet", true, "sim", NOW - 12_300); // period 1 s: stale after 3 s
        board(v, "gone", false, "sim", NOW - 500);
        board(v, "other", true, "rpi4b", NOW - 500);
        return v;
    }

    @Test
    void namedBoardsThatCannotTakeItAreProblemsWithTheirReason() {
        Targets.Result r = Targets.named(fleet(), "f", List.of("ok", "quiet", "gone", "other", "nope"), M, NOW);
        assertEquals(List.of("ok", "quiet", "gone", "other", "nope"), r.boards());
        assertEquals(List.of(
                "quiet: it is stale: nothing heard for 12.3 s (bring it online or leave it out)",
                "gone: it is offline (bring it online or leave it out)",
                "other: wrong_board: board type rpi4b is not among the bundle's sim",
                "nope: no such board in fleet f (spindle boards lists them)"), r.problems());
    }

    @Test
    void theFleetTakesTheOnlineOnesAndSaysWhyNotTheOthers() {
        Targets.Result r = Targets.fleet(fleet(), "f", M, NOW);
        assertEquals(List.of("ok"), r.boards());
        assertEquals(List.of("gone: it is offline", "other: wrong_board: board type rpi4b is not among the bundle's sim",
                "quiet: it is stale: nothing heard for 12.3 s"), r.excluded());
    }
}
