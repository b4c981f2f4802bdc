package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.fleet.FleetView;
import org.junit.jupiter.api.Test;

/** {@link FleetView#acceptTelemetry}: the monitor's fast path follows the same staleness rule. */
class FleetViewTelemetryTimesTest {
    @Test
    void telemetryTimesAloneDriveStalenessAndOlderSessionsAreIgnored() {
        FleetView v = new FleetView();
        long now = 1_800_000_000_000L;
        v.accept(Topics.state("f", "b1"), Json.bytes(new StateMessage(1, now - 60_000, "f", "b1", true, null, 5, "sim",
                "0.1.0", "app", null, now - 60_000, 30.0)), now);
        // period 1 s from the telemetry (not the state's 30 s): a retained one written 10 s ago is stale
        assertTrue(v.acceptTelemetry("f", "b1", 5, now - 10_000, 1.0, true, now));
        assertEquals(FleetView.Status.STALE, v.board("f", "b1", now).status());
        assertTrue(v.acceptTelemetry("f", "b1", 5, now, 1.0, false, now));
        assertEquals(FleetView.Status.ONLINE, v.board("f", "b1", now).status());
        assertEquals(now, v.board("f", "b1", now).lastSeenMs());
        assertNull(v.board("f", "b1", now).telemetry(), "only the times were read");
        assertFalse(v.acceptTelemetry("f", "b1", 4, now + 5_000, 1.0, false, now + 5_000), "older session");
        assertEquals(now, v.board("f", "b1", now).lastSeenMs());
        // newer than the last one and 4 s late on a loaded host: heard when it arrived
        assertTrue(v.acceptTelemetry("f", "b1", 5, now + 6_000, 1.0, false, now + 10_000));
        assertEquals(now + 10_000, v.board("f", "b1", now + 10_000).lastSeenMs());
    }
}
