package dev.spindle.protocol.mqtt;

/**
 * Handles messages of one subscription. Runs on the link's worker thread (so it may publish and
 * subscribe), except under {@link Link#subscribeInline}, where it runs on Paho's receiving thread
 * and must keep the rules in {@link Link}'s class comment. An exception it throws is logged and
 * the next message handled.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Inbound message) throws Exception;
}
