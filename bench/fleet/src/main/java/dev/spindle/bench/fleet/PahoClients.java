package dev.spindle.bench.fleet;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

/** The harness's raw Paho clients (the yardsticks next to Spindle's own link). */
final class PahoClients {
    private PahoClients() {
    }

    /** Disconnects (5 s at most) and closes, best effort: at the end of a run the broker may be gone already. */
    static void closeQuietly(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect().waitForCompletion(5000);
            }
        } catch (Exception e) {
            // the broker may be gone already
        }
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to release
        }
    }
}
