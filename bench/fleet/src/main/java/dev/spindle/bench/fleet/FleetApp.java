package dev.spindle.bench.fleet;

import dev.spindle.hal.App;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.threading.Thread;
import dev.spindle.threading.ThreadInfo;
import dev.spindle.threading.ThreadRegistry;

/**
 * The firmware of the rollout phase, packed into the bundle by {@link RolloutBundle}: it keeps
 * one Spindle thread alive (the app counts as running while a Spindle thread lives, which the
 * health check needs) and costs no CPU.
 *
 * <p>All simulated boards share the JVM's one thread registry (docs/tools.md, "One thread
 * registry"): every board reports the whole registry as its thread table, and a board counts its
 * app as running while any Spindle thread of the JVM lives. A thread per board would make the
 * thread table of every board change each time another board's app starts, and every board
 * publish its (growing) table again: traffic that grows with the square of the fleet and that a
 * real fleet, one registry per board, never has. So the apps of the JVM share one thread: the
 * first app started starts it, the others find it alive ({@code ThreadRegistry}, loaded once
 * for all slots, is the lock). Each board's thread table thus changes once, as a real board's
 * does when its app starts.
 *
 * <p>The shared thread ends only when the harness sets the system property {@link #STOP_ALL}
 * (checked once a second), before it stops the fleet; {@link #stop()} of one board cannot end
 * it, so a board that runs this app cannot switch to another firmware in the simulator (its stop
 * times out), which the benchmark never asks for.
 */
public final class FleetApp implements App {
    /** Set to "true" to end the shared app thread of this JVM. */
    public static final String STOP_ALL = "spindle.bench.fleet-app.stop-all";
    static final String THREAD = "fleet-app";

    @Override
    public void start(FirmwareContext context) {
        synchronized (ThreadRegistry.class) { // shared by every slot's class loader
            for (ThreadInfo t : ThreadRegistry.snapshot()) {
                if (THREAD.equals(t.getName()) && t.getState() != ThreadInfo.TERMINATED) {
                    return;
                }
            }
            new Thread(() -> {
                while (!Boolean.getBoolean(STOP_ALL)) {
                    try {
                        java.lang.Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, THREAD).start(Thread.PRIO_LOW);
        }
    }

    @Override
    public void stop() {
        // the thread is shared by every board of the JVM: see the class comment
    }
}
