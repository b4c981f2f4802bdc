package dev.spindle.tools.dashboard;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The embedded broker, real agents in this JVM (each with its own data directory) and the
 * dashboard, all on free ports of 127.0.0.1. Closing stops all of them.
 */
final class TestFleet implements AutoCloseable {
    static final String FLEET = "lab";
    final Path dir;
    final int brokerPort;
    private EmbeddedBroker broker;
    final Map<String, Agent> agents = new LinkedHashMap<>();
    final Dashboard dashboard;

    TestFleet() throws Exception {
        dir = Files.createTempDirectory("spindle-dash-test-");
        brokerPort = EmbeddedBroker.freePort("127.0.0.1");
        broker = EmbeddedBroker.start("127.0.0.1", brokerPort, null);
        try {
            dashboard = new Dashboard(new Dashboard.Config("127.0.0.1", 0,
                    LinkConfig.builder(url(), LinkConfig.toolClientId("spindle-dashboard-test")).backoff(100, 1000).build(),
                    FLEET, 30_000)).start();
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    String page(String path) {
        return dashboard.url() + path;
    }

    /** Starts an agent running {@link BoardApp}; {@code tempMilli} is written to its sensor file. */
    Agent startAgent(String board, String type, String version, BoardIo io, int tempMilli) throws Exception {
        Path data = dir.resolve(board);
        Files.createDirectories(data);
        Path sensor = data.resolve("temp");
        Files.writeString(sensor, tempMilli + "\n");
        Properties p = new Properties();
        p.setProperty("board.id", board);
        p.setProperty("fleet", FLEET);
        p.setProperty("board.type", type);
        p.setProperty("broker.url", url());
        p.setProperty("data.dir", data.toString());
        p.setProperty("telemetry.period.s", "0.5");
        p.setProperty("app.version", version);
        p.setProperty("app.main", BoardApp.class.getName());
        p.setProperty("temperature.file", sensor.toString());
        Agent a = new Agent(AgentConfig.from(p, "test", data), io);
        agents.put(board, a);
        a.start();
        return a;
    }

    void setTemperature(String board, int milli) throws IOException {
        Files.writeString(dir.resolve(board).resolve("temp"), milli + "\n");
    }

    void stopAgent(String board) {
        Agent a = agents.remove(board);
        if (a != null) {
            a.close();
        }
    }

    void stopBroker() {
        broker.close();
    }

    void restartBroker() throws IOException {
        broker = EmbeddedBroker.start("127.0.0.1", brokerPort, null);
    }

    @Override
    public void close() {
        for (String b : agents.keySet().toArray(new String[0])) {
            stopAgent(b);
        }
        dashboard.close();
        broker.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
