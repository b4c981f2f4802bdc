package dev.spindle.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Request;

/**
 * A command the agent answers on {@code cmd/{name}}. Runs on the agent's MQTT worker thread, one
 * at a time. Return the result fields of the reply (or null for none); throw
 * {@link ProtocolException} for an error reply. Any other exception becomes an {@code internal}
 * error reply; the agent keeps running.
 */
@FunctionalInterface
public interface Command {
    ObjectNode run(Request request) throws ProtocolException;
}
