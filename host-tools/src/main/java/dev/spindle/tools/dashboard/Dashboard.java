package dev.spindle.tools.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.LogMessage;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.mqtt.ConnectionListener;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import dev.spindle.tools.deploy.RolloutPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live fleet dashboard: an HTTP server (the JDK's {@code com.sun.net.httpserver}) that
 * subscribes to one fleet over MQTT and pushes changes to browsers with Server-Sent Events.
 *
 * <ul>
 * <li>{@code GET /}: the fleet page; {@code GET /board/{id}}: a board page; {@code /static/…}:
 *     their scripts, styles and the uPlot files copied from npm at build time (no CDN).</li>
 * <li>{@code GET /events}: SSE; first {@code broker} (connected or not) and {@code boards} (every
 *     board), then {@code boards} with only the boards that changed, at most every
 *     {@value #TICK_MS} ms. {@code GET /events?board=ID}: {@code broker}, then {@code board} (all
 *     about that board, including its part of every rollout and its {@code deploy.status}) whenever
 *     it changes. The fleet stream also carries {@code rollouts}: first all, then those that changed
 *     (from {@code spindle/v1/{fleet}/_rollout/+}, published by {@code spindle deploy}). A
 *     {@code ping} every few seconds keeps it alive.</li>
 * <li>{@code GET /api/fleet}, {@code GET /api/board/{id}}: the same as JSON, once.</li>
 * <li>{@code POST /api/board/{id}/gpio} {@code {"pin":…,"value":0|1}}: the board's
 *     {@code gpio.write} command. Needs the header {@code X-Spindle-Request: 1} (a browser sends a
 *     custom header cross-site only after a CORS preflight, which this server never grants).</li>
 * </ul>
 * Nothing from boards is put into HTML by the server: it only sends JSON; the pages set
 * {@code textContent}. The pages carry a Content-Security-Policy that allows only this origin's
 * scripts.
 */
public final class Dashboard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Dashboard.class.getName());
    static final long TICK_MS = 250;
    private static final long PING_MS = 5000;
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    private static final String[] KINDS = {Topics.STATE, Topics.TELEMETRY, Topics.THREADS, Topics.EVENTS, Topics.LOG};

    /**
     * @param bindHost address to listen on (127.0.0.1 unless told otherwise)
     * @param port     0 for any free port
     */
    public record Config(String bindHost, int port, LinkConfig link, String fleet, long commandTimeoutMs) {
    }

    private final Config config;
    private final FleetModel model;
    private final RolloutModel rollouts;
    private final Link link;
    private final Rpc rpc;
    private final HttpServer http;
    private final ExecutorService pool;
    private final Thread ticker;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Set<String> backfilled = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean connected;

    private final class Client {
        final String board; // null: the fleet page
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(256);
        volatile boolean resync;

        Client(String board) {
            this.board = board;
        }

        void send(String event) {
            if (!queue.offer(event)) {
                resync = true; // too slow: drop the backlog, send everything again
            }
        }
    }

    public Dashboard(Config config) throws IOException, LinkException {
        this.config = config;
        this.model = new FleetModel(config.fleet());
        this.rollouts = new RolloutModel(config.fleet());
        this.link = new Link(config.link());
        for (String kind : KINDS) {
            link.subscribe(Topics.fleetFilter(config.fleet(), kind),
                    Topics.LOG.equals(kind) ? Wire.QOS_LOG : Wire.QOS_RELIABLE,
                    m -> {
                        String b = model.accept(m.topic(), m.payload(), m.retained(), System.currentTimeMillis());
                        if (b != null && Topics.EVENTS.equals(kind) && endsDeploy(m.payload())) {
                            refreshDeployStatus(b);
                        }
                    });
        }
        link.subscribe(RolloutPublisher.filter(config.fleet()), Wire.QOS_RELIABLE,
                m -> rollouts.accept(m.topic(), m.payload()));
        this.rpc = new Rpc(link, config.fleet());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dashboard-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(new InetSocketAddress(config.bindHost(), config.port()), 64);
        http.setExecutor(pool);
        http.createContext("/", this::route);
        link.addListener(new ConnectionListener() {
            @Override
            public void connected(Link l, int count) {
                connected = true;
                broadcast(brokerEvent());
            }

            @Override
            public void disconnected(Link l, Throwable cause) {
                if (connected) {
                    connected = false;
                    broadcast(brokerEvent());
                }
            }
        });
        this.ticker = new Thread(this::tickLoop, "dashboard-ticker");
        ticker.setDaemon(true);
    }

    /** Starts the MQTT link (it keeps retrying while the broker is away) and the HTTP server. */
    public Dashboard start() {
        link.start();
        http.start();
        ticker.start();
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The address to open in a browser. */
    public String url() {
        String h = config.bindHost();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            h = "127.0.0.1";
        } else if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port() + "/";
    }

    public boolean isBrokerConnected() {
        return connected;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.interrupt();
        for (Client c : clients) {
            c.queue.clear();
            c.queue.offer("");
        }
        http.stop(0);
        link.close();
        pool.shutdownNow();
        try {
            ticker.join(5000);
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- pushing changes ----

    private void tickLoop() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "dashboard update failed", e);
            }
        }
    }

    private void tick() {
        long now = System.currentTimeMillis();
        Set<String> changed = model.drain(now);
        RolloutModel.Changes deploys = rollouts.drain();
        if ((changed.isEmpty() && deploys.isEmpty()) || clients.isEmpty()) {
            return;
        }
        String fleetDelta = null;
        String rolloutDelta = null;
        for (Client c : clients) {
            if (c.board == null) {
                if (!changed.isEmpty()) {
                    if (fleetDelta == null) {
                        fleetDelta = event("boards", boardsMessage(model.summaries(changed, now), false, now));
                    }
                    c.send(fleetDelta);
                }
                if (!deploys.isEmpty()) {
                    if (rolloutDelta == null) {
                        rolloutDelta = event("rollouts", rollouts.message(deploys.rollouts(), now));
                    }
                    c.send(rolloutDelta);
                }
            } else if (changed.contains(c.board) || deploys.boards().contains(c.board)) {
                c.send(boardEvent(c.board, now));
            }
        }
    }

    private void broadcast(String event) {
        for (Client c : clients) {
            c.send(event);
        }
    }

    private String brokerEvent() {
        ObjectNode o = Json.object();
        o.put("connected", connected);
        o.put("broker", link.serverUri());
        o.put("fleet", config.fleet());
        o.put("now", System.currentTimeMillis());
        return event("broker", o);
    }

    private ObjectNode boardsMessage(ArrayNode boards, boolean full, long now) {
        ObjectNode o = Json.object();
        o.put("now", now);
        o.put("full", full);
        o.set("boards", boards);
        return o;
    }

    private String boardEvent(String board, long now) {
        ObjectNode d = model.detail(board, now);
        ObjectNode o = Json.object();
        o.put("now", now);
        if (d != null) {
            d.set("deploys", rollouts.forBoard(board));
            o.set("board", d);
        } else {
            o.put("unknown", board);
        }
        return event("board", o);
    }

    /** @return whether an event message ends a deploy on the board (its deploy.status changed) */
    private static boolean endsDeploy(byte[] payload) {
        try {
            String t = Json.read(payload, EventMessage.class).type();
            return "deploy_done".equals(t) || "deploy_failed".equals(t) || "rollback".equals(t);
        } catch (ProtocolException e) {
            return false;
        }
    }

    /** Fetches the board's {@code deploy.status} (slots, history, failed marks) for its page. */
    private void refreshDeployStatus(String board) {
        if (!connected || closed) {
            return;
        }
        boolean watched = false;
        for (Client c : clients) {
            watched |= board.equals(c.board);
        }
        if (!watched) {
            return;
        }
        try {
            pool.execute(() -> fetchDeployStatus(board));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void fetchDeployStatus(String board) {
        try {
            Reply r = rpc.call(board, "deploy.status", Map.of(), config.commandTimeoutMs());
            model.deployStatus(board, r.ok() ? r.body() : Json.object()
                    .put("error", r.errorCode() == null ? "internal" : r.errorCode().wireName())
                    .put("message", r.errorMessage()));
        } catch (ProtocolException e) {
            model.deployStatus(board, Json.object().put("error", e.code().wireName()).put("message", e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String event(String name, JsonNode data) {
        // JSON text has no raw line breaks, so one data: line is enough
        return "event: " + name + "\ndata: " + data.toString() + "\n\n";
    }

    /** Fills the log tail of a board page from the board's ring, once per board. */
    private void backfillLog(String board) {
        if (!connected || !backfilled.add(board)) {
            return;
        }
        pool.execute(() -> {
            try {
                Reply r = rpc.call(board, "log.tail", Map.of("lines", FleetModel.LOG_LINES), config.commandTimeoutMs());
                if (r.ok()) {
                    List<LogMessage.Line> lines = new ArrayList<>();
                    for (JsonNode l : r.body().path("lines")) {
                        lines.add(Json.convert(l, LogMessage.Line.class));
                    }
                    model.backfillLog(board, lines);
                } else {
                    backfilled.remove(board);
                }
            } catch (ProtocolException e) {
                backfilled.remove(board); // try again at the next visit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    // ---- HTTP ----

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/events") && method.equals("GET")) {
                sse(ex);
            } else if ((path.equals("/") || path.equals("/index.html")) && method.equals("GET")) {
                resource(ex, "index.html");
            } else if (path.startsWith("/board/") && method.equals("GET")) {
                resource(ex, "board.html");
            } else if (path.startsWith("/static/") && method.equals("GET")) {
                String name = path.substring("/static/".length());
                if (!name.matches("(vendor/)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+")) {
                    text(ex, 404, "not found");
                } else {
                    resource(ex, name);
                }
            } else if (path.equals("/api/fleet") && method.equals("GET")) {
                long now = System.currentTimeMillis();
                ObjectNode o = boardsMessage(model.summaries(now), true, now);
                o.put("connected", connected);
                o.put("fleet", config.fleet());
                json(ex, 200, o);
            } else if (path.equals("/api/rollouts") && method.equals("GET")) {
                json(ex, 200, rollouts.message(null, System.currentTimeMillis()));
            } else if (path.startsWith("/api/board/")) {
                apiBoard(ex, path.substring("/api/board/".length()), method);
            } else {
                text(ex, 404, "not found");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "HTTP exchange ended: " + e);
        }
    }

    private void apiBoard(HttpExchange ex, String rest, String method) throws IOException {
        String[] parts = rest.split("/", -1);
        String board = parts[0];
        if (!validId(board)) {
            text(ex, 400, "not a board id");
            return;
        }
        if (parts.length == 1 && method.equals("GET")) {
            ObjectNode d = model.detail(board, System.currentTimeMillis());
            if (d == null) {
                text(ex, 404, "no board '" + board + "' in fleet '" + config.fleet() + "'");
            } else {
                json(ex, 200, d);
            }
        } else if (parts.length == 2 && parts[1].equals("gpio") && method.equals("POST")) {
            gpioWrite(ex, board);
        } else {
            text(ex, 404, "not found");
        }
    }

    private void gpioWrite(HttpExchange ex, String board) throws IOException {
        if (!"1".equals(ex.getRequestHeaders().getFirst("X-Spindle-Request")) || !sameOrigin(ex)) {
            text(ex, 403, "refused: a request from another site, or without the X-Spindle-Request header");
            return;
        }
        JsonNode req;
        try (InputStream in = ex.getRequestBody()) {
            req = Json.MAPPER.readTree(in.readNBytes(4096));
        } catch (IOException e) {
            text(ex, 400, "the body must be JSON: {\"pin\":\"GPIO17\",\"value\":1}");
            return;
        }
        String pin = req == null ? null : req.path("pin").asText(null);
        int value = req == null ? -1 : req.path("value").asInt(-1);
        if (pin == null || pin.isEmpty() || pin.length() > 64 || (value != 0 && value != 1)) {
            text(ex, 400, "the body must be {\"pin\":\"GPIO17\",\"value\":0 or 1}");
            return;
        }
        ObjectNode out = Json.object();
        try {
            Reply r = rpc.call(board, "gpio.write", Map.of("pin", pin, "value", value), config.commandTimeoutMs());
            out.put("ok", r.ok());
            if (r.ok()) {
                out.set("result", r.body());
            } else {
                out.put("code", r.errorCode() == null ? "internal" : r.errorCode().wireName());
                out.put("message", r.errorMessage());
            }
        } catch (ProtocolException e) {
            out.put("ok", false);
            out.put("code", e.code().wireName());
            out.put("message", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.put("ok", false).put("code", "internal").put("message", "interrupted");
        }
        json(ex, 200, out);
    }

    private static boolean sameOrigin(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin == null) {
            return true; // not a browser's cross-site request (those always carry Origin on POST)
        }
        try {
            URI o = URI.create(origin);
            return host != null && host.equalsIgnoreCase(o.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validId(String id) {
        try {
            Topics.checkId("board", id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void sse(HttpExchange ex) throws IOException {
        String q = ex.getRequestURI().getRawQuery();
        String board = null;
        if (q != null && q.startsWith("board=")) {
            board = java.net.URLDecoder.decode(q.substring(6), StandardCharsets.UTF_8);
            if (!validId(board)) {
                text(ex, 400, "not a board id");
                return;
            }
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        Client c = new Client(board);
        clients.add(c);
        try {
            OutputStream os = ex.getResponseBody();
            os.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            write(os, brokerEvent());
            write(os, snapshot(c));
            if (board != null) {
                backfillLog(board);
                refreshDeployStatus(board);
            }
            while (!closed) {
                if (c.resync) {
                    c.resync = false;
                    c.queue.clear();
                    write(os, snapshot(c));
                }
                String e = c.queue.poll(PING_MS, TimeUnit.MILLISECONDS);
                if (closed) {
                    break;
                }
                if (e == null) {
                    e = event("ping", Json.object().put("now", System.currentTimeMillis()));
                }
                write(os, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(c);
        }
    }

    private String snapshot(Client c) {
        long now = System.currentTimeMillis();
        return c.board == null
                ? event("boards", boardsMessage(model.summaries(now), true, now)) + event("rollouts", rollouts.message(null, now))
                : boardEvent(c.board, now);
    }

    private static void write(OutputStream os, String event) throws IOException {
        os.write(event.getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private void resource(HttpExchange ex, String name) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                text(ex, 404, name.startsWith("vendor/")
                        ? "missing " + name + ": build host-tools with Maven (it copies uPlot from npm)" : "not found");
                return;
            }
            byte[] body = in.readAllBytes();
            ex.getResponseHeaders().set("Content-Type", contentType(name));
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            security(ex);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }

    private static void security(HttpExchange ex) {
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    }

    private static void json(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        security(ex);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    private static void text(HttpExchange ex, int code, String msg) throws IOException {
        byte[] b = (msg + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        security(ex);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }
}
