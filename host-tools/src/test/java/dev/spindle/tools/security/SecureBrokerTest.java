package dev.spindle.tools.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.agent.Agent;
import dev.spindle.agent.AgentConfig;
import dev.spindle.agent.BoardIo;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.ConnectionListener;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.Rpc;
import dev.spindle.protocol.mqtt.TlsConfig;
import dev.spindle.tools.SpindleRun;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS, passwords and the per-board ACL against Debian's Mosquitto 2, configured by
 * {@code spindle broker-config} and {@code spindle provision} with certificates made by
 * {@code spindle ca} at test time. Two brokers: one that takes passwords over TLS, one that
 * also requires client certificates. The broker's certificate names only {@code localhost}, so
 * connecting to 127.0.0.1 is the wrong-host-name case.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class SecureBrokerTest {
    static final String FLEET = "sec";

    @TempDir
    static Path dir;

    static Path ca;
    static Path conf;
    static ConfiguredMosquitto broker;
    static ConfiguredMosquitto certBroker;
    static final List<AutoCloseable> open = new ArrayList<>();

    static void ok(SpindleRun r) {
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @BeforeAll
    static void fleet() throws Exception {
        ca = dir.resolve("ca");
        ok(SpindleRun.of("ca", "init", "--out", ca.toString()));
        conf = dir.resolve("broker");
        int port = EmbeddedBroker.freePort("127.0.0.1");
        ok(SpindleRun.of("broker-config", "--fleet", FLEET, "--out", conf.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--operator", "op", "--dashboard", "dash", "--ca-cert", ca.resolve("ca.crt").toString(),
                "--ca-key", ca.resolve("ca.key").toString(), "--host", "localhost"));
        for (String b : new String[] {"a", "b", "agent1"}) {
            ok(SpindleRun.of("provision", b, "--fleet", FLEET, "--out", dir.resolve("boards").toString(), "--broker",
                    "ssl://localhost:" + port, "--ca-cert", ca.resolve("ca.crt").toString(), "--ca-key",
                    ca.resolve("ca.key").toString(), "--passwd", conf.resolve("passwd").toString(), "--data-dir",
                    dir.resolve("data-" + b).toString()));
        }
        broker = new ConfiguredMosquitto(conf, port);
        Path conf2 = dir.resolve("broker-certs");
        int port2 = EmbeddedBroker.freePort("127.0.0.1");
        ok(SpindleRun.of("broker-config", "--fleet", FLEET, "--out", conf2.toString(), "--port", Integer.toString(port2),
                "--bind", "127.0.0.1", "--require-certificate", "--ca-cert", ca.resolve("ca.crt").toString(),
                "--ca-key", ca.resolve("ca.key").toString(), "--host", "localhost"));
        Files.copy(conf.resolve("passwd"), conf2.resolve("passwd"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        certBroker = new ConfiguredMosquitto(conf2, port2);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (certBroker != null) {
            certBroker.close();
        }
    }

    static String url(String host, ConfiguredMosquitto m) {
        return "ssl://" + host + ":" + m.port();
    }

    static char[] password(String user) throws Exception {
        Path board = dir.resolve("boards").resolve(user).resolve("credentials.properties");
        if (Files.exists(board)) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(board)) {
                p.load(r);
            }
            return p.getProperty("password").toCharArray();
        }
        return Files.readString(conf.resolve("users").resolve(user + ".password")).trim().toCharArray();
    }

    static TlsConfig fleetCa() {
        return TlsConfig.of(ca.resolve("ca.crt"), null, null);
    }

    static TlsConfig boardCert(String board) {
        Path b = dir.resolve("boards").resolve(board);
        return TlsConfig.of(ca.resolve("ca.crt"), b.resolve("board.crt"), b.resolve("board.key"));
    }

    /** The first outcome of a link's first connect: null when connected, else the explanation. */
    static String firstAttempt(LinkConfig cfg) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Link link = new Link(cfg);
        link.addListener(new ConnectionListener() {
            @Override
            public void connected(Link l, int n) {
                outcome.complete(null);
            }

            @Override
            public void disconnected(Link l, Throwable cause) {
                outcome.complete(l.lastErrorExplained());
            }
        });
        try {
            link.start();
            return outcome.get(60, TimeUnit.SECONDS);
        } finally {
            link.close();
        }
    }

    static LinkConfig.Builder login(String url, String user, TlsConfig tls) throws Exception {
        return LinkConfig.builder(url, LinkConfig.toolClientId(user))
                .credentials(user, password(user)).tls(tls).backoff(50, 500);
    }

    /** A connected link (user name = client id for boards, as the agent does). */
    static Link connect(String user, String clientId, BlockingQueue<Inbound> inbox, String... filters) throws Exception {
        Link link = new Link(LinkConfig.builder(url("localhost", broker), clientId).credentials(user, password(user))
                .tls(fleetCa()).backoff(50, 500).build());
        for (String f : filters) {
            link.subscribe(f, 1, inbox::add);
        }
        link.start();
        open.add(link);
        assertTrue(link.awaitConnected(60_000), user + ": " + link.lastErrorExplained());
        return link;
    }

    // ---- TLS -------------------------------------------------------------------------------

    @Test
    void rightCaAndHostNameAndPasswordConnect() throws Exception {
        assertEquals(null, firstAttempt(login(url("localhost", broker), "op", fleetCa()).build()));
    }

    @Test
    void wrongCaIsRefused() throws Exception {
        Path other = dir.resolve("other-ca");
        ok(SpindleRun.of("ca", "init", "--out", other.toString(), "--name", "Somebody else"));
        String why = firstAttempt(login(url("localhost", broker), "op",
                TlsConfig.of(other.resolve("ca.crt"), null, null)).build());
        assertTrue(why != null && why.contains("not signed by the CA given"), why);
        // and the JDK's default trust store does not know the fleet CA either
        String why2 = firstAttempt(login(url("localhost", broker), "op", null).build());
        assertTrue(why2 != null && why2.contains("not signed by the CA given"), why2);
    }

    @Test
    void wrongHostNameIsRefusedUnlessInsecure() throws Exception {
        String why = firstAttempt(login(url("127.0.0.1", broker), "op", fleetCa()).build());
        assertTrue(why != null && why.contains("does not name the host"), why);
        assertEquals(null, firstAttempt(login(url("127.0.0.1", broker), "op",
                fleetCa().insecureNoHostnameCheck()).build()), "development escape hatch");
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        String why = firstAttempt(LinkConfig.builder(url("localhost", broker), "op-wrong").credentials("op",
                "not-the-password".toCharArray()).tls(fleetCa()).build());
        assertTrue(why != null && why.contains("refused the"), why);
        String anon = firstAttempt(LinkConfig.builder(url("localhost", broker), "anon").tls(fleetCa()).build());
        assertTrue(anon != null && anon.contains("refused the"), anon);
    }

    @Test
    void clientCertificateRequiredValidAcceptedExpiredRefused() throws Exception {
        assertEquals(null, firstAttempt(login(url("localhost", certBroker), "a", boardCert("a")).build()));
        String none = firstAttempt(login(url("localhost", certBroker), "a", fleetCa()).build());
        assertTrue(none != null && none.contains("client certificate"), "no client certificate: refused: " + none);

        X509Certificate caCert = TlsConfig.readCertificates(ca.resolve("ca.crt"), "ca").get(0);
        PrivateKey caKey = TlsConfig.readPrivateKey(ca.resolve("ca.key"));
        KeyPair kp = Pki.newKeyPair();
        Instant past = Instant.now().minus(Duration.ofDays(30));
        X509Certificate expired = Pki.issue("a", kp.getPublic(), caCert, caKey, past, past.plus(Duration.ofDays(1)),
                Pki.Use.CLIENT, List.of());
        Path e = dir.resolve("expired");
        Pki.write(e.resolve("a.crt"), expired);
        Pki.write(e.resolve("a.key"), kp.getPrivate());
        String why = firstAttempt(login(url("localhost", certBroker), "a",
                TlsConfig.of(ca.resolve("ca.crt"), e.resolve("a.crt"), e.resolve("a.key"))).build());
        assertTrue(why != null && why.contains("client certificate"), why + "\n" + certBroker.log());
        assertTrue(certBroker.log().contains("certificate verify failed"), certBroker.log());
    }

    // ---- ACL -------------------------------------------------------------------------------

    /** Waits for the message on {@code topic}; returns every message that came before it. */
    static List<String> until(BlockingQueue<Inbound> inbox, String topic) throws Exception {
        List<String> before = new ArrayList<>();
        while (true) {
            Inbound m = inbox.poll(60, TimeUnit.SECONDS);
            assertTrue(m != null, "no message on " + topic + "; got " + before);
            if (m.topic().equals(topic)) {
                return before;
            }
            before.add(m.topic());
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void boardsUseOnlyTheirOwnTopicsDashboardsOnlyRead() throws Exception {
        String f = Topics.ROOT + "/" + FLEET;
        BlockingQueue<Inbound> opInbox = new LinkedBlockingQueue<>();
        BlockingQueue<Inbound> aInbox = new LinkedBlockingQueue<>();
        BlockingQueue<Inbound> bInbox = new LinkedBlockingQueue<>();
        BlockingQueue<Inbound> dashInbox = new LinkedBlockingQueue<>();
        Link op = connect("op", LinkConfig.toolClientId("op"), opInbox, f + "/#");
        Link a = connect("a", "a", aInbox, Topics.cmdFilter(FLEET, "a"), Topics.cmdFilter(FLEET, "b"), f + "/b/state");
        connect("b", "b", bInbox, Topics.cmdFilter(FLEET, "b"));
        Link dash = connect("dash", LinkConfig.toolClientId("dash"), dashInbox, f + "/+/state");

        // A publishes as B (state and a command), commands itself, then its own state (allowed): the
        // operator, subscribed to everything, sees only the last one
        a.publish(Topics.state(FLEET, "b"), bytes("{\"forged\":true}"), 1, false);
        a.publish(Topics.cmd(FLEET, "b", "ping"), bytes("{}"), 1, false);
        a.publish(Topics.cmd(FLEET, "a", "ping"), bytes("{}"), 1, false);
        a.publish(Topics.telemetry(FLEET, "a") + "/deeper", bytes("{}"), 1, false);
        a.publish(Topics.state(FLEET, "a"), bytes("{\"online\":true}"), 1, false);
        assertEquals(List.of(), until(opInbox, Topics.state(FLEET, "a")), "A's forged messages went nowhere");
        assertEquals(List.of(), until(dashInbox, Topics.state(FLEET, "a")), "the dashboard reads states");

        // the operator commands B, then A: A sees only its own command, B only its own
        op.publish(Topics.cmd(FLEET, "b", "ping"), bytes("{}"), 1, false);
        op.publish(Topics.cmd(FLEET, "a", "ping"), bytes("{}"), 1, false);
        assertEquals(List.of(), until(aInbox, Topics.cmd(FLEET, "a", "ping")), "A cannot read B's commands");
        assertEquals(List.of(), until(bInbox, Topics.cmd(FLEET, "b", "ping")));
        until(opInbox, Topics.cmd(FLEET, "a", "ping"));

        // the read-only dashboard cannot command A; A then answers on a reply topic (allowed)
        dash.publish(Topics.cmd(FLEET, "a", "ping"), bytes("{}"), 1, false);
        dash.publish(Topics.state(FLEET, "dash2"), bytes("{}"), 1, false);
        op.publish(Topics.cmd(FLEET, "a", "info"), bytes("{}"), 1, false);
        assertEquals(List.of(), until(aInbox, Topics.cmd(FLEET, "a", "info")), "the dashboard cannot command");
        String reply = Topics.replyTopic(FLEET, "spindle-ping-0000");
        a.publish(reply, bytes("{}"), 1, false);
        assertEquals(List.of(Topics.cmd(FLEET, "a", "info")), until(opInbox, reply));
    }

    // ---- real agent and real tools ---------------------------------------------------------

    @Test
    void provisionedAgentAnswersPingThroughTlsAndAclPasswordsNeverShown() throws Exception {
        Path boardDir = dir.resolve("boards").resolve("agent1");
        AgentConfig cfg = AgentConfig.load(boardDir.resolve("agent.properties"));
        String canary = new String(password("op"));
        String boardPassword = new String(password("agent1"));
        StringWriter agentLog = new StringWriter();
        BlockingQueue<Inbound> everything = new LinkedBlockingQueue<>();
        Link probe = connect("op", LinkConfig.toolClientId("probe"), everything, Topics.ROOT + "/" + FLEET + "/#");
        try (Agent agent = new Agent(cfg, BoardIo.NONE)) {
            agent.start();
            assertTrue(agent.awaitConnected(60_000), "the provisioned agent connects over TLS");
            Rpc rpc = new Rpc(probe, FLEET);
            agentLog.write(rpc.call("agent1", "info", null, 30_000).body().toString());
            agentLog.write(rpc.call("agent1", "log.tail", java.util.Map.of("lines", 500), 30_000).body().toString());
            String[] common = {"--broker", url("localhost", broker), "--fleet", FLEET, "--ca", ca.resolve("ca.crt").toString(),
                "--username", "op", "--password-file", conf.resolve("users/op.password").toString(), "--timeout", "30000"};
            SpindleRun ping = SpindleRun.of(concat(new String[] {"ping", "agent1", "-c", "3"}, common));
            assertEquals(0, ping.code(), ping.out() + ping.err());
            SpindleRun info = SpindleRun.of(concat(new String[] {"threads", "agent1", "--json"}, common));
            SpindleRun boards = SpindleRun.of(concat(new String[] {"boards", "--json"}, common));
            assertEquals(0, boards.code(), boards.out() + boards.err());
            assertTrue(boards.out().contains("agent1"), boards.out());
            // the read-only role cannot command: no reply ever comes
            SpindleRun dashPing = SpindleRun.of("ping", "agent1", "--broker", url("localhost", broker), "--fleet", FLEET, "--ca",
                    ca.resolve("ca.crt").toString(), "--username", "dash", "--password-file",
                    conf.resolve("users/dash.password").toString(), "--timeout", "10000"); // connect (TLS) and reply wait
            assertEquals(4, dashPing.code(), dashPing.out() + dashPing.err());
            // a wrong user with the canary password through the environment
            SpindleRun wrong = SpindleRun.of("ping", "agent1", "--broker", url("localhost", broker), "--fleet", FLEET, "--ca",
                    ca.resolve("ca.crt").toString(), "--username", "nobody", "--timeout", "3000");
            assertEquals(3, wrong.code(), wrong.out() + wrong.err());
            for (SpindleRun r : new SpindleRun[] {ping, info, boards, dashPing, wrong}) {
                String all = r.out() + r.err();
                assertFalse(all.contains(canary) || all.contains(boardPassword), "a password leaked: " + all);
            }
            agentLog.write(cfg.toString());
        }
        for (Inbound m : everything) { // state, telemetry, threads, events, log, replies
            agentLog.write(new String(m.payload(), StandardCharsets.UTF_8));
        }
        String agentText = agentLog + broker.log();
        assertTrue(agentText.contains("\"telemetry_period_s\""), "the info reply is among the outputs checked");
        assertFalse(agentText.contains(canary) || agentText.contains(boardPassword));
        assertNotEquals(canary, boardPassword);
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
