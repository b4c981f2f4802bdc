package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.mqtt.Link;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectStepsTest {
    private static Link.ConnectTiming t(long slot, long attempt, long sent, long connack, long connected) {
        return new Link.ConnectTiming(slot, attempt, sent, connack, connected);
    }

    @Test
    void countsEachStepPerSecondFromTheStopAndTheDelaysBetweenSteps() {
        long stop = 100_000; // second 100
        List<Link.ConnectTiming> all = List.of(
                t(-1, 50_000, 50_010, 50_020, 50_030), // before the stop: not part of the storm
                t(101_000, 101_010, 101_310, 101_320, 101_330),
                t(101_500, 101_900, 102_300, 102_310, 102_400),
                t(102_100, 102_100, 102_200, 102_300, 103_100),
                t(-1, 103_000, -1, 103_500, 103_600)); // TLS: no CONNECT stamp
        ObjectNode o = ConnectSteps.of(all, stop).toJson();
        assertEquals(4, o.path("connects").asInt());
        assertEquals("[0,2,1]", o.path("slotPerSecond").toString());
        assertEquals("[0,2,1,1]", o.path("attemptPerSecond").toString());
        assertEquals("[0,1,2]", o.path("connectSentPerSecond").toString());
        assertEquals(2, o.path("connectSentPeakPerS").asInt());
        assertEquals("[0,1,1,2]", o.path("connectedPerSecond").toString());
        assertEquals(3, o.path("slotToAttemptCount").asInt());
        assertEquals(400, o.path("slotToAttemptMaxMs").asLong());
        assertEquals(3, o.path("attemptToConnectSentCount").asInt());
        assertEquals(400, o.path("attemptToConnectSentMaxMs").asLong());
    }
}
