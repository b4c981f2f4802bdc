package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.fleet.FleetView.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetViewTest {
    private static byte[] state(boolean online, long session, long ts) {
        return Json.bytes(new StateMessage(1, ts, "f", "b", online, online ? null : "connection_lost", session, "sim", "1",
                "1", null, ts, 1.0));
    }

    private static byte[] telemetry(long session, long ts) {
        return Json.bytes(new TelemetryMessage(1, ts, session, 1.0, 1, 1, 1, null, null, null, 0, 1, "ok", "none", Map.of()));
    }

    @Test
    void newestSessionWinsAndOfflineIsFinalWithinASession() {
        FleetView v = new FleetView();
        String st = Topics.state("f", "b");
        v.accept(st, state(true, 5, 1000), 1000);
        assertEquals(Status.ONLINE, v.board("f", "b", 1500).status());
        // the will of session 5 was written at connect time (ts 900) but arrives later
        v.accept(st, state(false, 5, 900), 2000);
        assertEquals(Status.OFFLINE, v.board("f", "b", 2000).status());
        assertFalse(v.accept(st, state(true, 5, 1000), 2100), "a repeated birth of the same session does not revive it");
        v.accept(st, state(true, 6, 3000), 3000);
        assertEquals(Status.ONLINE, v.board("f", "b", 3000).status());
        assertFalse(v.accept(st, state(false, 5, 900), 3100), "an old session's will arriving late is ignored");
        assertEquals(Status.ONLINE, v.board("f", "b", 3100).status());
    }

    @Test
    void staleAfterThreePeriodsWithoutTelemetry() {
        FleetView v = new FleetView();
        v.accept(Topics.state("f", "b"), state(true, 1, 1000), 1000);
        v.accept(Topics.telemetry("f", "b"), telemetry(1, 2000), 2000);
        assertEquals(Status.ONLINE, v.board("f", "b", 4900).status());
        assertEquals(Status.STALE, v.board("f", "b", 5100).status());
        // a retained telemetry written long ago does not make it look alive
        v.accept(Topics.telemetry("f", "b"), telemetry(1, 2500), 9000);
        assertEquals(Status.STALE, v.board("f", "b", 9000).status());
        v.accept(Topics.telemetry("f", "b"), telemetry(1, 9000), 9000);
        assertEquals(Status.ONLINE, v.board("f", "b", 9000).status());
        assertEquals(2000 + 7000, v.board("f", "b", 9000).lastSeenMs());
    }
}
