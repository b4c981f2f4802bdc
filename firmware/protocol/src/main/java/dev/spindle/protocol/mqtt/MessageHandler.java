package dev.spindle.protocol.mqtt;

/**
 * Handles messages of one subscription. Runs on the link's worker thread, never on Paho's, so
 * it may publish and subscribe. An exception it throws is logged and the next message handled.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Inbound message) throws Exception;
}
