package dev.spindle.protocol.mqtt;

/** A message received by a {@link Link}, handed to a {@link MessageHandler} or an {@link InlineHandler}. */
public record Inbound(String topic, byte[] payload, int qos, boolean retained, boolean duplicate) {
}
