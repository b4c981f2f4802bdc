package dev.spindle.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Request;

/**
 * A command the agent answers on {@code cmd/{name}}. Return the result fields of the reply (or
 * null for none); throw {@link ProtocolException} for an error reply. Any other exception becomes
 * an {@code internal} error reply; the agent keeps running.
 *
 * <p>Where it runs: by default on the agent's MQTT worker thread, one command at a time, so it may
 * take long and block (serial, app restart, deploy). A command wrapped with {@link #quick} runs on
 * Paho's receiving thread instead, straight away, saving a thread hand-off per request (see
 * {@link CommandDispatcher}); it must then return within microseconds and never wait: no
 * publishing, no sleeping, no I/O that can stall, no lock that another thread holds for long or
 * while it talks to the broker. Reading state ({@code ping}, {@code info}, {@code gpio.read},
 * {@code threads}) qualifies.
 */
@FunctionalInterface
public interface Command {
    ObjectNode run(Request request) throws ProtocolException;

    /** @return true when this command may run on Paho's receiving thread (see the interface comment) */
    default boolean isQuick() {
        return false;
    }

    /** @return {@code command}, marked as quick (see the interface comment) */
    static Command quick(Command command) {
        return new Command() {
            @Override
            public ObjectNode run(Request request) throws ProtocolException {
                return command.run(request);
            }

            @Override
            public boolean isQuick() {
                return true;
            }
        };
    }
}
