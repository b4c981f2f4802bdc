package dev.spindle.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mosquitto's log read as the storm: boards' sockets accepted and CONNECTs processed per second. */
class StormLogTest {
    @Test
    void socketsAndConnectsPerSecondForTheBoardsOnly() {
        String log = String.join("\n",
                "1000: mosquitto version 2.0.11 running",
                "1001: New connection from 127.0.0.1:5001 on port 1883.",
                "1001: New connection from 127.0.0.1:5002 on port 1883.",
                "1001: New connection from 127.0.0.1:5003 on port 1883.",
                "1001: New client connected from 127.0.0.1:5001 as sim-0001 (p2, c1, k30).",
                "1002: New connection from 127.0.0.1:5004 on port 1883.",
                "1003: New client connected from 127.0.0.1:5002 as sim-0002 (p2, c1, k30).",
                "1003: New client connected from 127.0.0.1:5003 as spindle-monitor-1 (p2, c1, k30).",
                "1003: New client connected from 127.0.0.1:5004 as sim-0003 (p2, c1, k30).",
                "1004: New client connected from 127.0.0.1:5009 as sim-0004 (p2, c1, k30).", // accept not logged
                "not a log line",
                "");
        StormLog s = StormLog.parse(log, "sim-");
        assertEquals(List.of(2, 1, 1), List.copyOf(s.accepted().values()), s.toString());
        assertEquals(List.of(1001L, 1002L, 1004L), List.copyOf(s.accepted().keySet()));
        assertEquals(List.of(1, 2, 1), List.copyOf(s.connected().values()), s.toString());
        assertEquals(4, s.reconnects());
        assertEquals(2, StormLog.peak(s.connected()));
    }
}
