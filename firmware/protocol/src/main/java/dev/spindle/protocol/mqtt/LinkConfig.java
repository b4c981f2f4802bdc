package dev.spindle.protocol.mqtt;

import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Settings of a {@link Link}. Build with {@link #builder(String, String)}; the defaults suit a
 * board and a host tool alike.
 */
public final class LinkConfig {
    final String serverUri;
    final String clientId;
    final String username;
    final char[] password;
    final int keepAliveS;
    final int connectTimeoutS;
    final int maxInflight;
    final long backoffBaseMs;
    final long backoffCapMs;
    final long reconnectSpreadMs;
    final long connectAckTimeoutMs;
    final int queueCapacity;
    /** How long a publish or subscribe waits for its acknowledgement unless set otherwise. */
    public static final long DEFAULT_OPERATION_TIMEOUT_MS = 10_000;

    final long operationTimeoutMs;
    final Supplier<Will> will;
    final boolean cleanSession;
    final boolean backpressure;
    final boolean sharedPahoThreads;
    final TlsConfig tls; // null for tcp://

    private LinkConfig(Builder b) {
        serverUri = b.serverUri;
        clientId = b.clientId;
        username = b.username;
        password = b.password;
        keepAliveS = b.keepAliveS;
        connectTimeoutS = b.connectTimeoutS;
        maxInflight = b.maxInflight;
        backoffBaseMs = b.backoffBaseMs;
        backoffCapMs = b.backoffCapMs;
        reconnectSpreadMs = b.reconnectSpreadMs;
        connectAckTimeoutMs = b.connectAckTimeoutMs;
        queueCapacity = b.queueCapacity;
        operationTimeoutMs = b.operationTimeoutMs;
        will = b.will;
        cleanSession = b.cleanSession;
        backpressure = b.backpressure;
        sharedPahoThreads = b.sharedPahoThreads;
        tls = b.serverUri.startsWith("ssl://") ? (b.tls == null ? TlsConfig.systemTrust() : b.tls) : null;
    }

    public String serverUri() {
        return serverUri;
    }

    public String clientId() {
        return clientId;
    }

    /** @return the TLS settings for an {@code ssl://} URL, null for {@code tcp://} */
    public TlsConfig tls() {
        return tls;
    }

    /**
     * @param serverUri {@code tcp://host:port} (or {@code ssl://})
     * @param clientId  unique per process: a board uses its board id, a tool {@link #toolClientId(String)}
     */
    /** How long a publish or subscribe waits for the broker's acknowledgement, ms. */
    public long operationTimeoutMs() {
        return operationTimeoutMs;
    }

    public static Builder builder(String serverUri, String clientId) {
        return new Builder(serverUri, clientId);
    }

    /** A client id for a host tool: {@code prefix-} and 8 random hex digits (two tools never clash). */
    public static String toolClientId(String prefix) {
        return prefix + "-" + String.format("%08x", new SecureRandom().nextInt());
    }

    public static final class Builder {
        private final String serverUri;
        private final String clientId;
        private String username;
        private char[] password;
        private int keepAliveS = 30;
        private boolean sharedPahoThreads;
        private int connectTimeoutS = 10;
        private int maxInflight = 1000;
        private long backoffBaseMs = 200;
        private long backoffCapMs = 30_000;
        private long reconnectSpreadMs = 20_000;
        private long connectAckTimeoutMs = 30_000;
        private int queueCapacity = 10_000;
        private long operationTimeoutMs = DEFAULT_OPERATION_TIMEOUT_MS;
        private Supplier<Will> will;
        private boolean cleanSession = true;
        private boolean backpressure;
        private TlsConfig tls;

        private Builder(String serverUri, String clientId) {
            if (serverUri == null || !serverUri.matches("(tcp|ssl)://.+:\\d+")) {
                throw new IllegalArgumentException("broker URL '" + serverUri
                        + "' is not valid: use tcp://HOST:PORT or ssl://HOST:PORT");
            }
            if (clientId == null || clientId.isEmpty() || clientId.length() > 64) {
                throw new IllegalArgumentException("client id must be 1..64 characters, got '" + clientId + "'");
            }
            this.serverUri = serverUri;
            this.clientId = clientId;
        }

        public Builder credentials(String username, char[] password) {
            this.username = username;
            this.password = password == null ? null : password.clone();
            return this;
        }

        public Builder keepAliveS(int s) {
            keepAliveS = s;
            return this;
        }

        /**
         * Paho's per-connection threads from the JVM's shared pool ({@link PahoThreads}) instead of
         * new threads at each connect: for a process that runs many links ({@code spindle sim}),
         * where a reconnect storm would otherwise make thousands of threads at once. Off by
         * default: with it, a connection reset while Paho starts its threads can leave that
         * connect polling until the link's connect deadline replaces the client (in
         * LinkWedgedConnectTest's 60 connects to a resetting listener: one in most runs; none
         * without the pool). A reconnect storm after a broker restart meets refused connections,
         * not resets, while the broker is down.
         */
        public Builder sharedPahoThreads(boolean on) {
            sharedPahoThreads = on;
            return this;
        }

        public Builder connectTimeoutS(int s) {
            connectTimeoutS = s;
            return this;
        }

        /**
         * How long a connect waits, once the TCP connection is up, for the broker's CONNACK and
         * then for the SUBACK of the resubscription (default 30 s). A connect that gives up while
         * the broker is merely slow costs the broker a second connect later; a connect that is
         * still not complete at this deadline gets a new Paho client (see {@link Link}).
         */
        public Builder connectAckTimeoutMs(long ms) {
            if (ms <= 0) {
                throw new IllegalArgumentException("connect acknowledgement timeout must be > 0 ms, got " + ms);
            }
            connectAckTimeoutMs = ms;
            return this;
        }

        /** Paho's default of 10 unacknowledged QoS 1 messages stalls transfers; default here 1000. */
        public Builder maxInflight(int n) {
            maxInflight = n;
            return this;
        }

        public Builder backoff(long baseMs, long capMs) {
            backoffBaseMs = baseMs;
            backoffCapMs = capMs;
            return this;
        }

        /**
         * After an established connection is lost, retries keep to slots W apart at a random
         * phase drawn at the loss ({@link SpreadSchedule}): when a broker restarts, its whole fleet
         * loses the connection at one instant, and the plain series (200 ms, 400 ms, ...) would
         * bring it back within a second or two. With W seconds a fleet of N boards reconnects at
         * about N/W a second whatever the broker's downtime, and a second's count varies like a
         * Poisson count around that: with 20 s (the default) 1,000 boards come back at 50 a
         * second, the busiest second near 65 (6.5 %; a second above 10 % has a chance near 2 in
         * 10^10), every board within W of the broker's return. 10 s would halve that time, but at
         * 100 a second the busiest second is above a tenth of the fleet in most restarts. A board's
         * own outage costs it W/2 on average before it reconnects (events wait in the outbox), and
         * a failed retry costs it W. 0: the plain backoff series. A first connect that fails is not
         * spread (docs/protocol.md, docs/operations.md).
         */
        public Builder reconnectSpread(long ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("reconnect spread must be >= 0 ms (0: no spread), got " + ms);
            }
            reconnectSpreadMs = ms;
            return this;
        }

        /** Received messages waiting for the worker; when full, new ones are dropped and counted. */
        public Builder queueCapacity(int n) {
            queueCapacity = n;
            return this;
        }

        /** How long a publish or subscribe waits for the broker's acknowledgement. */
        public Builder operationTimeoutMs(long ms) {
            operationTimeoutMs = ms;
            return this;
        }

        /** Asked before every connect attempt, so that the will can carry a new session number. */
        public Builder will(Supplier<Will> will) {
            this.will = will;
            return this;
        }

        /**
         * Clean session (the default) or a persistent one: with {@code false} the broker keeps the
         * subscriptions and queues QoS 1 messages while this client is away (Mosquitto keeps them
         * across its own restarts with persistence on). For a monitor that must not miss events.
         */
        public Builder cleanSession(boolean clean) {
            cleanSession = clean;
            return this;
        }

        /**
         * When the inbound queue is full, make Paho's receiving thread wait for room instead of
         * dropping the message (the default drops and counts). The broker then holds the rest
         * back (TCP flow control, QoS 1 acknowledgements held), so a slow consumer loses nothing.
         * Only for links whose handlers never publish at QoS 1 or subscribe: those wait for an
         * acknowledgement that the waiting thread would have to read. For monitors.
         */
        public Builder backpressure(boolean wait) {
            backpressure = wait;
            return this;
        }

        /**
         * TLS settings (CA, client certificate, host name check) for an {@code ssl://} URL. Without
         * them an {@code ssl://} link trusts the JDK's default CAs and checks the host name.
         *
         * @throws IllegalArgumentException for a {@code tcp://} URL: TLS settings there would be silently unused
         */
        public Builder tls(TlsConfig tls) {
            if (tls != null && !serverUri.startsWith("ssl://")) {
                throw new IllegalArgumentException("TLS settings (CA, certificate) were given but the broker URL "
                        + serverUri + " is plain TCP: use ssl://HOST:PORT");
            }
            this.tls = tls;
            return this;
        }

        public LinkConfig build() {
            return new LinkConfig(this);
        }
    }
}
