package dev.spindle.protocol.mqtt;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One MQTT 3.1.1 connection (Eclipse Paho {@code mqttv3}) that stays up by itself, used by the
 * board agent and the host tools alike.
 *
 * <h2>What it adds to Paho</h2>
 * <ul>
 * <li>Its own reconnect loop: Paho's automatic reconnect never retries a failed first connect and
 *     has no jitter. Here every failed or lost connection is retried after
 *     {@link Backoff exponential backoff with full jitter}, capped; after a lost connection the
 *     retries keep to slots of a random phase in the reconnect spread (20 s by default,
 *     {@link SpreadSchedule}), so a fleet whose broker restarted comes back at an even rate of a
 *     twentieth of it a second, however long the broker was away.</li>
 * <li>Resubscribe on every connect: with a clean session the broker forgets subscriptions, and
 *     Paho keeps none. {@link #subscribe} records the filter; each connect subscribes all again
 *     before {@link ConnectionListener#connected} is told.</li>
 * <li>TCP_NODELAY on the socket ({@link NoDelaySocketFactory}), max in-flight raised.</li>
 * <li>Received payloads bypass Paho's byte-by-byte decoding ({@link PayloadBypass}):
 *     Paho gets each PUBLISH with a token in place of its payload, and the callback swaps the
 *     payload back ({@link InboundPayloads}). It lifted {@code spindle monitor}'s intake from 0.6x
 *     to 1.12x-1.21x of {@code mosquitto_sub}'s (docs/benchmarks.md).</li>
 * <li>Handlers off Paho's threads by default. Paho deadlocks when a callback waits for an
 *     acknowledgement (its issues #310, #985: it completes QoS 1/2 tokens and delivers the next
 *     message on the same callback thread, so {@link #publish} or {@link #subscribe} there waits
 *     for itself) and drops the connection when a callback throws. So its callbacks put the
 *     message into a bounded queue (full: the message is dropped and counted, or with
 *     {@link LinkConfig.Builder#backpressure} Paho waits for room) or signal the connection
 *     thread; a worker thread takes messages from the queue and calls the
 *     {@link MessageHandler}s, and the connection thread calls the {@link ConnectionListener}s.
 *     Both may publish and subscribe.</li>
 * <li>Inline handling where it pays: a hand-off to the worker costs a thread wake-up (tens of
 *     microseconds, more on a loaded machine), a large part of a command round trip.
 *     {@link #subscribeInline} handlers run on Paho's receiving thread; {@link #subscribeInlineFirst}
 *     ones try there first and pass what they cannot do quickly to the worker.</li>
 * </ul>
 *
 * <h2>What an inline handler may do (it runs on Paho's callback thread)</h2>
 * <ul>
 * <li>Return quickly and never wait: no {@link #publish} (it waits for the PUBACK that this very
 *     thread would have to process), no subscribe, no sleeping, no lock that another thread may
 *     hold while it waits for the broker (e.g. around a {@link #publish}). Short bounded work
 *     (parsing, a small file write) only delays the next message.</li>
 * <li>{@link #publishNoWait}: safe. Paho's {@code publish} only puts the message into its
 *     sender's queue and returns (it never waits; {@code ClientState.send} in Paho 1.2.5); the
 *     PUBACK is handled later by this thread without anyone waiting for it. When Paho's window
 *     of unacknowledged messages ({@link LinkConfig.Builder#maxInflight}) is full, Paho refuses at
 *     once (reason 32202, "too many publishes in progress") instead of waiting, and when not
 *     connected it refuses too: both come as a {@link LinkException}, after which the handler
 *     should leave the work to the worker (an {@link InlineHandler} returns false).</li>
 * <li>Never throw: an exception is logged; under {@link #subscribeInlineFirst} the message then
 *     goes to the worker handler.</li>
 * </ul>
 *
 * <h2>Connection loop (the connection thread)</h2>
 * <pre>
 * running: connect -> ok:     subscribe all -> connected=true -> tell listeners
 *                             -> wait for "lost" or close -> connected=false -> tell listeners
 *                  -> failed: tell listeners
 *          sleep backoff (reset after a successful connect) -> again
 * </pre>
 * A connect waits {@link LinkConfig.Builder#connectTimeoutS} for TCP and then
 * {@link LinkConfig.Builder#connectAckTimeoutMs} for the CONNACK and the SUBACK of the
 * resubscription (30 s by default: on a starved machine or broker an answer that comes late is
 * still cheaper than a new connect, which the broker counts and processes again).
 *
 * <h2>A stuck Paho connect</h2>
 * Paho 1.2.5 starts its receiver and sender threads and then polls every 100 ms until it sees
 * each running ({@code CommsReceiver.start}, {@code CommsSender.start}). A connection reset in
 * that window (a broker stopping or starting) stops the thread between two polls, and Paho's
 * connect thread polls forever. The link's sockets prevent it ({@link PahoStreams}, plain and TLS).
 * As a second line (a broker that never answers, a cause not yet known): when a connect is still
 * not complete at its deadline, or is refused with "connect already in progress" (reason 32110),
 * the link forcibly disconnects that client and makes a new one ({@link #abandonedClients()},
 * logged).
 *
 * <p>Paho's keep-alive timers of all links in the JVM share one small scheduler instead of a
 * {@code java.util.Timer} thread per connection ({@code spindle sim} runs a thousand links); with
 * {@link LinkConfig.Builder#sharedPahoThreads} Paho's connect, receiver, sender and callback
 * threads also come from one pool that reuses them from one connection to the next
 * ({@link PahoThreads}: a reconnect storm makes no threads).
 *
 * <p>{@link #close()} stops the loop, sends DISCONNECT (so the broker does NOT publish the will),
 * and ends both threads. {@link #closeAbruptly()} drops the socket without DISCONNECT, as a
 * crash would (the broker publishes the will).
 *
 * <p>Clean session by default, in-memory Paho persistence: a message published while the link is down fails
 * at once with {@link LinkException}; the caller decides whether to keep it (the agent keeps
 * events on disk).
 */
public final class Link implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());

    private final LinkConfig config;
    /**
     * Replaced only by the connection thread, only while not connected (a wedged connect, see the
     * class comment); the message paths read it once per call.
     */
    private volatile MqttAsyncClient client;
    private final AtomicLong abandoned = new AtomicLong();
    /** Payloads of received messages, kept out of Paho's decoding ({@link PayloadBypass}). */
    private final InboundPayloads payloads;
    private final BlockingQueue<Delivery> inbound;
    private final AtomicLong dropped = new AtomicLong();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>(); // guarded by lock
    /** A copy of the subscriptions' values for the message paths, replaced on every change. */
    private volatile Subscription[] snapshot = new Subscription[0];
    private boolean running; // guarded by lock
    private boolean closed; // guarded by lock
    private boolean connected; // guarded by lock
    private boolean lost; // guarded by lock; set by Paho's connectionLost, cleared before each connect
    private int connectCount; // guarded by lock
    private Throwable lastError; // guarded by lock
    private java.lang.Thread connectionThread; // guarded by lock (written once in start)
    private java.lang.Thread worker; // guarded by lock (written once in start)

    /**
     * @param first  runs on Paho's thread first (null: none); true from it means handled
     * @param worker runs on the worker thread for what {@code first} did not handle (null: none)
     * @param parts  the filter split at '/', without a $share prefix (split once, not per message)
     */
    private record Subscription(String filter, int qos, InlineHandler first, MessageHandler worker, String[] parts) {
        Subscription(String filter, int qos, InlineHandler first, MessageHandler worker) {
            this(filter, qos, first, worker, Filters.unshared(filter).split("/", -1));
        }
    }

    /** A message for the worker, with the subscriptions (matched on arrival) whose worker handlers get it. */
    private record Delivery(Inbound message, Subscription[] targets) {
    }

    private static final Delivery STOP = new Delivery(new Inbound("", new byte[0], 0, false, false), new Subscription[0]);

    /** Paho's keep-alive checks of every link in the JVM (short tasks: they only queue a PINGREQ). */
    private static final ScheduledExecutorService PINGS = Executors.newScheduledThreadPool(2, r -> {
        java.lang.Thread t = new java.lang.Thread(r, "mqtt-keepalive");
        t.setDaemon(true);
        return t;
    });

    /**
     * The steps of the link's latest successful connect, wall-clock ms ({@code -1}: the step did not
     * apply). Shows where a connect's time went: the slot it waited for after a lost connection
     * ({@link SpreadSchedule}), the start of the attempt, the CONNECT written on the socket (plain
     * TCP only), the CONNACK, and connected (subscriptions made again).
     */
    public record ConnectTiming(long slotMs, long attemptMs, long connectSentMs, long connackMs, long connectedMs) {
    }

    private volatile ConnectTiming lastConnect; // written by the connection thread only
    private volatile long connectSentMs; // the current attempt's CONNECT write, from its socket

    public Link(LinkConfig config) {
        this.config = config;
        this.inbound = new ArrayBlockingQueue<>(config.queueCapacity);
        this.payloads = new InboundPayloads();
        this.client = newClient();
        if (config.tls != null && !config.tls.isHostnameChecked()) {
            LOG.log(Level.WARNING, "INSECURE: " + config.clientId + " does not check that the broker's certificate "
                    + "names " + config.serverUri + " (development only; remove the insecure TLS setting in production)");
        }
    }

    private MqttAsyncClient newClient() {
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(config.serverUri, config.clientId, new MemoryPersistence(),
                    new ScheduledExecutorPingSender(PINGS), config.sharedPahoThreads ? PahoThreads.SHARED : null);
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot make an MQTT client for " + config.serverUri + ": " + e, e);
        }
        c.setCallback(new PahoCallback(c));
        return c;
    }

    /**
     * Paho clients thrown away because their connect never completed (see the class comment);
     * each leaves one Paho thread sleeping in a loop.
     */
    public long abandonedClients() {
        return abandoned.get();
    }

    public String clientId() {
        return config.clientId;
    }

    /** @return the steps of the latest successful connect, or null before the first */
    public ConnectTiming lastConnectTiming() {
        return lastConnect;
    }

    public String serverUri() {
        return config.serverUri;
    }

    /** Adds a listener; add them before {@link #start()} to hear about the first connect. */
    public void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /**
     * Subscribes now when connected, and again after every reconnect. Call it from anywhere but a
     * Paho callback (the link's own worker and listeners are fine).
     *
     * @throws LinkException when connected but the broker refused or did not answer (the filter
     *                       stays recorded and is tried again at the next connect); a connection
     *                       lost while the SUBSCRIBE was out is no error: the filter is subscribed
     *                       at the next connect, before {@link #awaitConnected} returns true
     */
    public void subscribe(String filter, int qos, MessageHandler handler) throws LinkException {
        subscribe(new Subscription(filter, qos, null, handler));
    }

    /**
     * Like {@link #subscribe}, but {@code handler} runs on Paho's receiving thread, saving the
     * hand-off to the worker. Only for handlers that keep the rules of the class comment ("What
     * an inline handler may do"): {@link Rpc} completing a waiting call with its reply.
     */
    public void subscribeInline(String filter, int qos, MessageHandler handler) throws LinkException {
        subscribe(new Subscription(filter, qos, m -> {
            handler.handle(m);
            return true;
        }, null));
    }

    /**
     * Both at once: {@code first} runs on Paho's receiving thread (keeping the rules of the class
     * comment) and handles what it can there; what it declines (returns false, or throws) goes
     * through the queue to {@code handler} on the worker, as with {@link #subscribe}. The board
     * agent answers quick commands inline and runs the others on the worker.
     */
    public void subscribeInlineFirst(String filter, int qos, InlineHandler first, MessageHandler handler)
            throws LinkException {
        subscribe(new Subscription(filter, qos, first, handler));
    }

    private void subscribe(Subscription sub) throws LinkException {
        String filter = sub.filter();
        int qos = sub.qos();
        boolean now;
        synchronized (lock) {
            subscriptions.put(filter, sub);
            snapshot = subscriptions.values().toArray(new Subscription[0]);
            now = connected;
        }
        if (now) {
            try {
                subscribeOnBroker(new String[] {filter}, new int[] {qos});
            } catch (LinkException e) {
                if (!lostDuringOperation(e)) {
                    throw e;
                }
                // The connection went while the SUBSCRIBE was out. The filter is recorded, and the
                // connection loop subscribes all recorded filters before it reports the next connect:
                // the subscription is made then, as if the caller had subscribed while disconnected.
                LOG.log(Level.DEBUG, "subscribe to " + filter + " deferred to the next connect: " + e.getMessage());
            }
        }
    }

    /** True when {@code e} says the connection was lost (or already gone) while an operation was out. */
    static boolean lostDuringOperation(LinkException e) {
        if (!(e.getCause() instanceof MqttException me)) {
            return false;
        }
        int reason = me.getReasonCode();
        return reason == MqttException.REASON_CODE_CONNECTION_LOST || reason == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
                || reason == MqttException.REASON_CODE_CLIENT_DISCONNECTING;
    }

    /** Forgets a subscription (and unsubscribes when connected; failures there are ignored). */
    public void unsubscribe(String filter) {
        boolean now;
        synchronized (lock) {
            now = subscriptions.remove(filter) != null && connected;
            snapshot = subscriptions.values().toArray(new Subscription[0]);
        }
        if (now) {
            try {
                client.unsubscribe(filter).waitForCompletion(config.operationTimeoutMs);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "unsubscribe " + filter + " failed: " + e);
            }
        }
    }

    /** Starts the connection and worker threads; returns at once (see {@link #awaitConnected}). */
    public void start() {
        synchronized (lock) {
            if (running || closed) {
                throw new IllegalStateException("link " + config.clientId + " was already started");
            }
            running = true;
            connectionThread = new java.lang.Thread(this::connectionLoop, "mqtt-" + config.clientId + "-connection");
            worker = new java.lang.Thread(this::workerLoop, "mqtt-" + config.clientId + "-worker");
            connectionThread.setDaemon(true);
            worker.setDaemon(true);
            connectionThread.start();
            worker.start();
        }
    }

    /** @return true once connected (and resubscribed), false if {@code timeoutMs} passed first */
    public boolean awaitConnected(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            while (!connected) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || closed) {
                    return connected;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    public boolean isConnected() {
        synchronized (lock) {
            return connected;
        }
    }

    /** How many connects succeeded so far. */
    public int connectCount() {
        synchronized (lock) {
            return connectCount;
        }
    }

    /**
     * Messages received and not yet handled (a handler that writes output can flush only when
     * this is 0, batching its writes in a burst).
     */
    public int pendingMessages() {
        return inbound.size();
    }

    /** Messages dropped because the inbound queue was full. */
    public long droppedMessages() {
        return dropped.get();
    }

    /**
     * Hands a message to Paho and returns without waiting for the broker's acknowledgement (for
     * a sender that repeats unanswered messages anyway, like {@link Rpc}, or keeps what it sent,
     * like the agent's reply cache). A failure after the hand-off is not reported. Never waits,
     * so inline handlers may call it (see the class comment).
     *
     * @throws LinkException at once when not connected, or Paho refused the message (e.g. its
     *                       window of {@link LinkConfig.Builder#maxInflight} unacknowledged
     *                       messages is full: Paho reason 32202)
     */
    public void publishNoWait(String topic, byte[] payload, int qos, boolean retained) throws LinkException {
        if (!isConnected()) {
            throw new LinkException("not connected to " + config.serverUri + "; the link keeps retrying"
                    + (lastErrorText().isEmpty() ? "" : " (last error: " + lastErrorText() + ")"));
        }
        try {
            client.publish(topic, payload, qos, retained);
        } catch (MqttException e) {
            throw new LinkException("publish to " + topic + " failed: " + describe(e), e);
        }
    }

    /**
     * Publishes; for QoS 1 and 2, waits until the broker acknowledged it.
     *
     * @throws LinkException when not connected, or the broker did not acknowledge in time
     */
    public void publish(String topic, byte[] payload, int qos, boolean retained) throws LinkException {
        if (!isConnected()) {
            throw new LinkException("not connected to " + config.serverUri + "; the link keeps retrying"
                    + (lastErrorText().isEmpty() ? "" : " (last error: " + lastErrorText() + ")"));
        }
        try {
            IMqttDeliveryToken token = client.publish(topic, payload, qos, retained);
            if (qos > 0) {
                token.waitForCompletion(config.operationTimeoutMs);
            }
        } catch (MqttException e) {
            throw new LinkException("publish to " + topic + " failed: " + describe(e), e);
        }
    }

    /**
     * Why the last connect failed or the connection was lost, with what to do (wrong CA, host
     * name, expired certificate, refused password); empty when there was no error.
     */
    public String lastErrorExplained() {
        Throwable e;
        synchronized (lock) {
            e = lastError;
        }
        return e == null ? "" : ConnectFailure.explain(e, config.serverUri);
    }

    private String lastErrorText() {
        synchronized (lock) {
            return lastError == null ? "" : describe(lastError);
        }
    }

    static String describe(Throwable e) {
        if (e instanceof MqttException me) {
            String s = me.getMessage() + " (Paho reason " + me.getReasonCode() + ")";
            return me.getCause() != null ? s + ": " + me.getCause() : s;
        }
        return String.valueOf(e);
    }

    /** Stops: sends DISCONNECT when connected (no will), ends the threads, closes the client. */
    @Override
    public void close() {
        shutdown(true);
    }

    /** Stops like a crash would: the socket is dropped without DISCONNECT, so the broker publishes the will. */
    public void closeAbruptly() {
        shutdown(false);
    }

    private void shutdown(boolean clean) {
        java.lang.Thread conn;
        java.lang.Thread work;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            lock.notifyAll();
            conn = connectionThread;
            work = worker;
        }
        join(conn, 2000);
        if (conn != null && conn.isAlive()) {
            conn.interrupt(); // waiting for a connect (up to connectTimeoutS + connectAckTimeoutMs): Paho's wait ends
            join(conn, (config.connectTimeoutS + 5) * 1000L);
        }
        try {
            if (client.isConnected()) {
                if (clean) {
                    client.disconnect(1000).waitForCompletion(config.operationTimeoutMs);
                } else {
                    client.disconnectForcibly(0, 100, false);
                }
            }
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 100, clean);
            } catch (MqttException e2) {
                LOG.log(Level.DEBUG, "forced disconnect failed: " + e2);
            }
        }
        synchronized (lock) {
            connected = false;
            lock.notifyAll();
        }
        if (work != null) {
            inbound.clear();
            inbound.offer(STOP);
            join(work, 5000);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, "closing the Paho client failed: " + e);
        }
    }

    private static void join(java.lang.Thread t, long ms) {
        if (t == null || t == java.lang.Thread.currentThread()) {
            return;
        }
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }

    // ---- connection thread -----------------------------------------------------------------

    private void connectionLoop() {
        Random random = new Random();
        Backoff backoff = new Backoff(config.backoffBaseMs, config.backoffCapMs, random);
        // once a connection was up, retries keep to the spread's slots (LinkConfig.Builder#reconnectSpread)
        SpreadSchedule spread = config.reconnectSpreadMs > 0 ? new SpreadSchedule(config.reconnectSpreadMs, random) : null;
        boolean wasConnected = false;
        long slotMs = -1; // the spread slot this attempt waited for
        while (isRunning()) {
            IMqttToken connecting = null;
            try {
                synchronized (lock) {
                    lost = false;
                }
                connectSentMs = -1;
                long attemptMs = System.currentTimeMillis();
                connecting = client.connect(options());
                connecting.waitForCompletion(config.connectTimeoutS * 1000L + config.connectAckTimeoutMs);
                long connackMs = System.currentTimeMillis();
                payloads.forgetOlderThanRecent(); // of messages Paho dropped with an earlier connection
                resubscribeAll();
                lastConnect = new ConnectTiming(slotMs, attemptMs, connectSentMs, connackMs, System.currentTimeMillis());
                int n;
                synchronized (lock) {
                    connected = true;
                    n = ++connectCount;
                    lock.notifyAll();
                }
                backoff.reset();
                wasConnected = true;
                LOG.log(Level.DEBUG, config.clientId + " connected to " + config.serverUri + " (#" + n + ")");
                for (ConnectionListener l : listeners) {
                    try {
                        l.connected(this, n);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "connection listener failed: " + e, e);
                    }
                }
                Throwable cause;
                synchronized (lock) {
                    while (running && !lost) {
                        lock.wait();
                    }
                    connected = false;
                    cause = lastError;
                    lock.notifyAll();
                }
                if (!isRunning()) {
                    return;
                }
                if (spread != null) {
                    spread.lost(System.currentTimeMillis());
                }
                tellDisconnected(cause);
            } catch (MqttException | LinkException e) {
                synchronized (lock) {
                    lastError = e;
                    connected = false;
                }
                if (!isRunning()) {
                    forceDisconnect();
                    return;
                }
                if (wedged(connecting, e)) {
                    replaceClient(e);
                } else {
                    forceDisconnect();
                }
                LOG.log(Level.DEBUG, config.clientId + " cannot connect to " + config.serverUri + ": " + describe(e));
                tellDisconnected(e);
            } catch (InterruptedException e) {
                return;
            }
            boolean spreading = wasConnected && spread != null;
            long delay = spreading ? spread.delayMs(System.currentTimeMillis()) : backoff.nextDelayMs();
            try {
                sleepUnlessStopped(delay);
                // woke too late for the slot (this host was stalled): the next slot, rather than
                // joining every other board that woke late at the same moment (SpreadSchedule)
                while (spreading && isRunning() && spread.late(System.currentTimeMillis())) {
                    sleepUnlessStopped(spread.delayMs(System.currentTimeMillis()));
                }
                slotMs = spreading ? spread.slotMs() : -1;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits {@code ms} on the lock, returning early when the link is closed. */
    private void sleepUnlessStopped(long ms) throws InterruptedException {
        synchronized (lock) {
            long until = System.currentTimeMillis() + ms;
            for (long left = ms; running && left > 0; left = until - System.currentTimeMillis()) {
                lock.wait(left);
            }
        }
    }

    /** @return true when the connect did not complete by its deadline, or Paho says an older one still runs */
    private static boolean wedged(IMqttToken connecting, Exception e) {
        if (e instanceof MqttException me && me.getReasonCode() == MqttException.REASON_CODE_CONNECT_IN_PROGRESS) {
            return true;
        }
        // the wait ran out (not a failure Paho reported: that one ends the attempt properly)
        return e instanceof MqttException me && me.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT
                && connecting != null && !connecting.isComplete() && connecting.getException() == null;
    }

    /** Throws the current Paho client away (on a helper thread: Paho may block there) and makes a new one. */
    private void replaceClient(Exception why) {
        MqttAsyncClient old = client;
        client = newClient();
        long n = abandoned.incrementAndGet();
        LOG.log(Level.WARNING, config.clientId + ": the connect to " + config.serverUri + " did not complete ("
                + describe(why) + "); a new MQTT client replaces the stuck one (" + n + " so far)");
        java.lang.Thread discard = new java.lang.Thread(() -> {
            try {
                old.disconnectForcibly(0, 100, false);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "forced disconnect of the stuck client failed: " + e);
            }
            try {
                old.close(true);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "closing the stuck client failed: " + e);
            }
        }, "mqtt-" + config.clientId + "-discard");
        discard.setDaemon(true);
        discard.start();
    }

    private boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    private void tellDisconnected(Throwable cause) {
        for (ConnectionListener l : listeners) {
            try {
                l.disconnected(this, cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "connection listener failed: " + e, e);
            }
        }
    }

    private void forceDisconnect() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 100, false);
            }
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, "forced disconnect failed: " + e);
        }
    }

    private MqttConnectOptions options() throws LinkException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(config.cleanSession);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(config.keepAliveS);
        o.setConnectionTimeout(config.connectTimeoutS);
        o.setMaxInflight(config.maxInflight);
        LongConsumer connectSent = ms -> connectSentMs = ms;
        if (config.tls != null) {
            try {
                // a new context at each connect: renewed certificate files are read again
                o.setSocketFactory(new NoDelaySslSocketFactory(config.tls.socketFactory(), connectSent, payloads));
            } catch (TlsConfig.TlsFileException e) {
                throw new LinkException(e.getMessage(), e);
            }
            o.setHttpsHostnameVerificationEnabled(config.tls.isHostnameChecked());
        } else {
            o.setSocketFactory(new NoDelaySocketFactory(connectSent, payloads));
        }
        if (config.username != null) {
            o.setUserName(config.username);
        }
        if (config.password != null) {
            o.setPassword(config.password.clone());
        }
        if (config.will != null) {
            Will w = config.will.get();
            if (w != null) {
                o.setWill(w.topic(), w.payload(), w.qos(), w.retained());
            }
        }
        return o;
    }

    private void resubscribeAll() throws LinkException {
        List<Subscription> subs;
        synchronized (lock) {
            subs = new ArrayList<>(subscriptions.values());
        }
        if (subs.isEmpty()) {
            return;
        }
        String[] filters = new String[subs.size()];
        int[] qos = new int[subs.size()];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = subs.get(i).filter();
            qos[i] = subs.get(i).qos();
        }
        subscribeOnBroker(filters, qos, Math.max(config.operationTimeoutMs, config.connectAckTimeoutMs));
    }

    private void subscribeOnBroker(String[] filters, int[] qos) throws LinkException {
        subscribeOnBroker(filters, qos, config.operationTimeoutMs);
    }

    private void subscribeOnBroker(String[] filters, int[] qos, long waitMs) throws LinkException {
        try {
            IMqttToken token = client.subscribe(filters, qos);
            token.waitForCompletion(waitMs);
            int[] granted = token.getGrantedQos();
            for (int i = 0; granted != null && i < granted.length && i < filters.length; i++) {
                if (granted[i] == 0x80) {
                    throw new LinkException("the broker refused the subscription to " + filters[i]
                            + " (check its ACL for client " + config.clientId + ")");
                }
            }
        } catch (MqttException e) {
            throw new LinkException("subscribe to " + String.join(", ", filters) + " failed: " + describe(e), e);
        }
    }

    // ---- worker thread ---------------------------------------------------------------------

    private void workerLoop() {
        while (true) {
            Delivery d;
            try {
                d = inbound.take();
            } catch (InterruptedException e) {
                return;
            }
            if (d == STOP) {
                return;
            }
            Subscription[] current = snapshot;
            for (Subscription s : d.targets()) {
                if (!contains(current, s)) {
                    continue; // unsubscribed (or replaced) since the message arrived
                }
                try {
                    s.worker().handle(d.message());
                } catch (Exception | LinkageError e) {
                    LOG.log(Level.WARNING, "handler for " + s.filter() + " failed on " + d.message().topic() + ": " + e, e);
                }
            }
        }
    }

    private static boolean contains(Subscription[] subs, Subscription s) {
        for (Subscription x : subs) {
            if (x == s) {
                return true;
            }
        }
        return false;
    }

    /**
     * Paho's callback: runs the inline handlers, enqueues the rest or signals; never throws, and
     * waits only with {@link LinkConfig.Builder#backpressure}.
     */
    private final class PahoCallback implements MqttCallbackExtended {
        private final MqttAsyncClient source;

        PahoCallback(MqttAsyncClient source) {
            this.source = source;
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (source != client) {
                return; // a replaced client (see the class comment): not this link's connection any more
            }
            synchronized (lock) {
                lost = true;
                lastError = cause;
                lock.notifyAll();
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            byte[] payload;
            try {
                payload = payloads.take(message.getPayload());
            } catch (IllegalStateException e) {
                // not expected: every PUBLISH passes PayloadBypass. Said loudly; an exception would end the connection
                LOG.log(Level.ERROR, config.clientId + ": message on " + topic + " not delivered: " + e.getMessage());
                return;
            }
            Inbound m = new Inbound(topic, payload, message.getQos(), message.isRetained(),
                    message.isDuplicate());
            Subscription[] subs = snapshot;
            Subscription[] targets = null; // usually one: allocated at its size, grown for more
            for (Subscription s : subs) {
                if (!Filters.matches(s.parts(), topic) || (s.first() != null && handledInline(s, m))) {
                    continue;
                }
                if (s.worker() != null) {
                    if (targets == null) {
                        targets = new Subscription[] {s};
                    } else {
                        targets = Arrays.copyOf(targets, targets.length + 1);
                        targets[targets.length - 1] = s;
                    }
                }
            }
            if (targets == null) {
                return;
            }
            Delivery d = new Delivery(m, targets);
            if (config.backpressure) {
                // waits for the worker (config.backpressure: the handlers never wait for Paho)
                while (!inbound.offer(d, 100, TimeUnit.MILLISECONDS)) {
                    if (!isRunning()) {
                        return;
                    }
                }
                return;
            }
            if (!inbound.offer(d)) {
                long k = dropped.incrementAndGet();
                if (k == 1 || k % 1000 == 0) {
                    LOG.log(Level.WARNING, config.clientId + ": inbound queue full (" + config.queueCapacity
                            + "), " + k + " messages dropped so far; the handlers are too slow");
                }
            }
        }

        /** @return true when {@code s}'s inline handler handled {@code m}; an exception counts as not handled */
        private boolean handledInline(Subscription s, Inbound m) {
            try {
                return s.first().tryHandle(m);
            } catch (Exception | LinkageError e) {
                LOG.log(Level.WARNING, "inline handler for " + s.filter() + " failed on " + m.topic() + ": " + e
                        + (s.worker() != null ? "; passed to the worker" : ""), e);
                return false;
            }
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }
    }
}
