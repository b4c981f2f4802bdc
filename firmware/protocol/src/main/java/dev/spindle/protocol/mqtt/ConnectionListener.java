package dev.spindle.protocol.mqtt;

/**
 * Told about connects and disconnects, on the link's connection thread (never Paho's): it may
 * publish. It should return quickly: the link handles no reconnect while it runs.
 */
public interface ConnectionListener {
    /** The link is connected and every subscription is in place again. */
    void connected(Link link, int connectCount);

    /** The connection was lost (or could not be made); the link retries by itself. */
    default void disconnected(Link link, Throwable cause) {
    }
}
