package dev.spindle.protocol.mqtt;

/**
 * The first try at a message of a {@link Link#subscribeInlineFirst} subscription, on Paho's
 * receiving thread: it must keep the rules in {@link Link}'s class comment (return quickly, never
 * wait; {@link Link#publishNoWait} is the only publish allowed).
 */
@FunctionalInterface
public interface InlineHandler {
    /**
     * @return true when the message was handled here; false to pass it to the subscription's
     *         handler on the link's worker thread. An exception is logged and counts as false.
     */
    boolean tryHandle(Inbound message) throws Exception;
}
