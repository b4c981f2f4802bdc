package dev.spindle.protocol.mqtt;

/** A last-will message the broker publishes when the connection drops without a DISCONNECT. */
public record Will(String topic, byte[] payload, int qos, boolean retained) {
}
