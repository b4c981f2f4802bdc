package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys of agent.properties read into {@link AgentConfig}: defaults, values, ranges. */
class AgentConfigTest {
    @TempDir
    Path dir;

    private AgentConfig config(String... extra) throws AgentConfig.Invalid {
        Properties p = new Properties();
        p.setProperty("board.id", "b1");
        p.setProperty("board.type", "sim");
        p.setProperty("data.dir", dir.toString());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return AgentConfig.from(p, "agent.properties", dir);
    }

    @Test
    void reconnectSpreadDefaultsTo20SecondsAndCanBeShortenedOrTurnedOff() throws Exception {
        assertEquals(20_000, config().reconnectSpreadMs());
        assertEquals(2_000, config("broker.reconnect.spread.ms", "2000").reconnectSpreadMs());
        assertEquals(0, config("broker.reconnect.spread.ms", "0").reconnectSpreadMs());
        AgentConfig.Invalid e = assertThrows(AgentConfig.Invalid.class,
                () -> config("broker.reconnect.spread.ms", "-1"));
        assertTrue(e.getMessage().contains("broker.reconnect.spread.ms"), e.getMessage());
    }
}
