package dev.spindle.agent;

import dev.spindle.hal.App;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.hal.HealthCheck;
import dev.spindle.threading.Thread;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The firmware of the deploy tests, packed into bundles by {@link SlotBundles}: it reads
 * {@code slot-app.properties} from its own jar (so it proves which slot's code runs) and behaves
 * by its {@code mode}: {@code good} runs until stopped, {@code crash} crashes a thread before its
 * start returns,
 * {@code unhealthy} runs but its {@link HealthCheck} says no, {@code exit} halts the JVM (a firmware
 * that kills the agent).
 */
public final class SlotTestApp implements App, HealthCheck {
    private volatile boolean stopped;
    private String version = "?";
    private String mode = "good";

    @Override
    public void start(FirmwareContext context) {
        Properties p = new Properties();
        try (InputStream in = SlotTestApp.class.getResourceAsStream("/slot-app.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        version = p.getProperty("version", "?");
        mode = p.getProperty("mode", "good");
        System.out.println("slot-app " + version + " " + mode + " started");
        System.setProperty("spindle.test.slot-app", version + " " + mode); // which slot's code runs (in-process tests)
        if ("exit".equals(mode)) {
            Runtime.getRuntime().halt(42);
        }
        if ("crash".equals(mode)) { // crashes before start returns: the health check sees it whatever the load
            Thread c = new Thread(() -> {
                throw new IllegalStateException("slot-app " + version + " crashed on purpose");
            }, "slot-app-crash");
            c.start(Thread.PRIO_HIGH);
            c.join();
        }
        Thread t = new Thread(() -> {
            while (!stopped) {
                try {
                    java.lang.Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "slot-app");
        t.start(Thread.PRIO_LOW);
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public String checkHealth() {
        return "unhealthy".equals(mode) ? "the test sensor is missing" : null;
    }
}
