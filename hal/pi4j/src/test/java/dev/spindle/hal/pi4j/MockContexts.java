package dev.spindle.hal.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;

/** Pi4J contexts on Pi4J's own mock platform, built explicitly as Pi4J's tests build them. */
final class MockContexts {
    private MockContexts() {
    }

    static Context mock() {
        Pi4jBoard.quietPi4jLogging();
        return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                .build();
    }
}
