package dev.spindle.tools.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.Json;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.TelemetryMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.threading.Event;
import dev.spindle.threading.Lock;
import dev.spindle.threading.Thread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.OutputType;

/**
 * {@code make screenshots}: the fleet page and a board page as PNGs in the directory named by
 * {@code -Dspindle.screenshots.dir} (docs/), in the same headless Chromium as the browser tests.
 * The scene: four real agents in this JVM (one with pins, a crashed thread and a deadlock) and
 * twenty more boards that speak the protocol from here (one stale, one offline). Not part of
 * {@code make test} (the class name does not end in Test).
 */
@EnabledIfSystemProperty(named = "spindle.screenshots.dir", matches = ".+")
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class DashboardScreenshots {
    @Test
    void fleetAndBoardPages() throws Exception {
        Path out = Path.of(System.getProperty("spindle.screenshots.dir"));
        Files.createDirectories(out);
        try (TestFleet fleet = new TestFleet()) {
            TestPins pins = new TestPins("GPIO17", "GPIO22", "GPIO27");
            pins.writePin("GPIO17", 1);
            fleet.startAgent("pi-01", "rpi4b", "blink-1.2.0", dev.spindle.agent.BoardIo.NONE, 48_200);
            fleet.startAgent("pi-02", "rpi5", "blink-1.2.0", dev.spindle.agent.BoardIo.NONE, 55_900);
            fleet.startAgent("pi-03", "rpi3bplus", "blink-1.1.9", dev.spindle.agent.BoardIo.NONE, 61_300);
            fleet.startAgent("sim-01", "sim", "blink-1.2.0", pins, 44_000);
            Link fakes = new Link(LinkConfig.builder(fleet.url(), "screenshot-fakes").build());
            fakes.start();
            assertTrue(fakes.awaitConnected(30_000));
            Random rnd = new Random(7);
            for (int i = 0; i < 24; i++) { // some telemetry history for the charts
                fleet.setTemperature("pi-01", 48_000 + rnd.nextInt(1500));
                fleet.setTemperature("pi-02", 55_000 + rnd.nextInt(2500));
                fleet.setTemperature("pi-03", 60_000 + rnd.nextInt(3000));
                fleet.setTemperature("sim-01", 44_000 + i * 120 + rnd.nextInt(400));
                java.lang.Thread.sleep(500);
                if (i == 8) {
                    BoardApp.crash("button", "debounce queue full (42 > 32)");
                }
            }
            publishFakes(fakes); // now, so that they are fresh (online) in the picture
            try (Browser browser = new Browser(1440, 1120)) {
                browser.driver.get(fleet.page(""));
                browser.await("boards", d -> browser.text("#count-total").equals("24"));
                java.lang.Thread.sleep(1500);
                Files.write(out.resolve("dashboard-fleet.png"), browser.driver.getScreenshotAs(OutputType.BYTES));
            }
            deploysPicture(fleet, fakes, out);
            deadlockFor(30_000); // ends by itself (timed acquire), so the agents can stop
            try (Browser browser = new Browser(1440, 1420)) {
                browser.driver.get(fleet.page("board/sim-01"));
                browser.await("deadlock", d -> !browser.text("#deadlocks").isEmpty()
                        && browser.text("#threads").contains("debounce"));
                java.lang.Thread.sleep(1500);
                Files.write(out.resolve("dashboard-board.png"), browser.driver.getScreenshotAs(OutputType.BYTES));
            }
            fakes.close();
        }
    }

    /**
     * The deploy view: a rollout to every board (a real engine and publisher, scripted boards) held
     * with four boards mid-transfer, after a failure and a rollback.
     */
    static void deploysPicture(TestFleet fleet, Link link, Path out) throws Exception {
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        Map<String, TestRollout.Step> boards = new java.util.LinkedHashMap<>();
        for (String b : new String[] {"pi-01", "pi-02", "pi-03", "sim-01"}) {
            boards.put(b, b.equals("pi-03") ? TestRollout.rollsBack("health_check_failed: app crashed 3 times in 60 s")
                    : TestRollout.succeeds());
        }
        for (int n = 1; n <= 20; n++) {
            String b = String.format("edge-%02d", n);
            boards.put(b, n == 5 ? TestRollout.fails("bundle_refused: board type rpizero2w not in the manifest")
                    : n >= 9 && n <= 12 ? TestRollout.gated(hold) : TestRollout.succeeds());
        }
        Path state = fleet.dir.resolve("deploy-state");
        Files.createDirectories(state);
        try (TestRollout r = new TestRollout(link, state, "20261123-214500-3fa2", new int[] {4, 24}, 4, boards)) {
            r.start();
            try (Browser browser = new Browser(1440, 900)) {
                publishFakes(link); // fresh again: they would be stale by now
                browser.driver.get(fleet.page(""));
                browser.await("rollout held", d -> browser.text(".rollout .rcounts").contains("4 transferring")
                        && browser.text(".rollout .rcounts").contains("1 failed"));
                java.lang.Thread.sleep(1000);
                Files.write(out.resolve("dashboard-deploys.png"), browser.driver.getScreenshotAs(OutputType.BYTES));
            }
            hold.countDown();
            r.await();
        }
    }

    /** Twenty boards with a telemetry history; edge-07 went quiet (stale), edge-13 stopped (offline). */
    static void publishFakes(Link link) throws Exception {
        Random rnd = new Random(42);
        long now = System.currentTimeMillis();
        String[] types = {"rpi4b", "rpi4b", "rpi5", "rpizero2w"};
        for (int n = 1; n <= 20; n++) {
            String b = String.format("edge-%02d", n);
            String type = types[n % types.length];
            String fw = n % 6 == 0 ? "blink-1.1.9" : "blink-1.2.0";
            boolean offline = n == 13;
            boolean stale = n == 7;
            long session = 3 + n % 5;
            long end = stale ? now - 40_000 : now;
            link.publish(Topics.state(TestFleet.FLEET, b), Json.bytes(new StateMessage(1, end - 600_000,
                    TestFleet.FLEET, b, true, null, session, type, "0.1.0", fw, n % 3 == 0 ? "b" : "a",
                    end - 3_600_000L * n, 5.0)), 1, true);
            double cpu = 0.02 + rnd.nextDouble() * 0.2;
            double heap = 20 + rnd.nextDouble() * 30;
            double temp = 45 + rnd.nextDouble() * 15;
            for (int i = 29; i >= 0; i--) {
                long ts = end - i * 5000L;
                cpu = Math.max(0.005, Math.min(0.95, cpu + (rnd.nextDouble() - 0.5) * 0.08));
                heap = Math.max(10, Math.min(90, heap + (rnd.nextDouble() - 0.45) * 4));
                temp = Math.max(35, Math.min(80, temp + (rnd.nextDouble() - 0.5) * 1.5));
                String health = n == 4 ? "degraded" : n == 17 ? "app_stopped" : "ok";
                link.publish(Topics.telemetry(TestFleet.FLEET, b), Json.bytes(new TelemetryMessage(1, ts, session, 5.0,
                        3600.0 * n + 600 - i * 5, (long) (heap * 1_048_576), 96L * 1_048_576, cpu, 0.3, temp,
                        3 + n % 4, 17 + n % 4, health, n == 17 ? "stopped" : "running", Map.of())), 1, true);
            }
            if (offline) {
                link.publish(Topics.state(TestFleet.FLEET, b), Json.bytes(new StateMessage(1, now - 90_000,
                        TestFleet.FLEET, b, false, StateMessage.REASON_CONNECTION_LOST, session, type, "0.1.0", fw, "a",
                        end - 3_600_000L * n, 5.0)), 1, true);
            }
        }
    }

    /** Two Spindle threads that hold one Lock each and wait for the other's, for {@code holdMs}. */
    static void deadlockFor(long holdMs) {
        Lock a = new Lock();
        Lock b = new Lock();
        Event both = new Event();
        int[] holding = new int[1];
        new Thread(() -> cross(a, b, both, holding, holdMs), "motor-ctl").start(Thread.PRIO_HIGH);
        new Thread(() -> cross(b, a, both, holding, holdMs), "sensor-poll").start(Thread.PRIO_NORMAL);
    }

    private static void cross(Lock mine, Lock other, Event both, int[] holding, long holdMs) {
        mine.acquire();
        synchronized (holding) {
            if (++holding[0] == 2) {
                both.set();
            }
        }
        both.await(-1);
        if (other.acquire(true, holdMs)) {
            other.release();
        }
        mine.release();
    }
}
