package dev.spindle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.fleet.FleetView.Status;
import dev.spindle.protocol.mqtt.Inbound;
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

    /**
     * A telemetry newer than one already taken was sent after the consumer subscribed: the board
     * was up when it arrived, however late it was written (a loaded host, a slow pipeline). The
     * first one of a board (possibly retained: Moquette does not flag those) and any flagged
     * retained one count from their own ts. Before, a live board whose telemetry took 3 periods
     * on the way was shown stale (bench-fleet's deploy refused 100 live boards so).
     */
    @Test
    void newerTelemetryCountsWhenItArrivesRetainedOrFirstFromItsTs() {
        FleetView v = new FleetView();
        String tt = Topics.telemetry("f", "b");
        v.accept(Topics.state("f", "b"), state(true, 1, 1000), false, 1000);
        v.accept(new Inbound(tt, telemetry(1, 2000), 1, false, false), 20_000); // first, 18 s old, no flag
        assertEquals(Status.STALE, v.board("f", "b", 20_000).status());
        assertEquals(2000, v.board("f", "b", 20_000).lastSeenMs());
        v.accept(new Inbound(tt, telemetry(1, 16_000), 1, false, false), 21_000); // newer, 5 s late
        assertEquals(Status.ONLINE, v.board("f", "b", 21_000).status());
        assertEquals(21_000, v.board("f", "b", 21_000).lastSeenMs());
        assertEquals(Status.STALE, v.board("f", "b", 24_100).status(), "3 periods after the last arrival");
        v.accept(new Inbound(tt, telemetry(1, 17_000), 1, true, false), 30_000); // flagged retained
        assertEquals(21_000, v.board("f", "b", 30_000).lastSeenMs(), "a retained one counts from its ts");
        v.accept(tt, telemetry(1, 17_000), false, 31_000); // the same ts again (a redelivery)
        assertEquals(21_000, v.board("f", "b", 31_000).lastSeenMs(), "not newer: from its ts");
        assertTrue(v.acceptTelemetry("f", "b", 1, 18_000, 1.0, false, 32_000));
        assertEquals(32_000, v.board("f", "b", 32_000).lastSeenMs(), "the monitor's fast path alike");
    }
}
