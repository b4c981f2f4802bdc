package dev.spindle.tools.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.agent.HalBoardIo;
import dev.spindle.agent.LogRing;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.sim.SimBoard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The dashboard in Debian's headless Chromium (Selenium + chromedriver) against the embedded
 * broker and real agents in this JVM: boards come online, a crashed thread shows up, HTML from
 * boards is shown as text, a pin write reaches the board, a stopped board goes offline, and the
 * page says "broker disconnected" while the broker is away and recovers after.
 *
 * <p>The agents share this JVM's Spindle thread registry, so every board reports every test
 * thread (the demo runs boards as processes for that reason); the assertions allow for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class DashboardBrowserTest {
    static final String HTML_VERSION = "<b id=\"fw-bold\">fw-1</b><img src=x onerror=\"document.title='pwned'\">";
    static final String HTML_MESSAGE = "<img id=\"xss-img\" src=x onerror=\"document.title='pwned'\">boom";
    static final String HTML_THREAD = "<i id=\"xss-thread\">evil</i>";

    static TestFleet fleet;
    static Browser browser;
    /** The real simulated board of b1, with two outputs opened as its firmware would. */
    static final SimBoard sim = new SimBoard();

    /** Falling edges the firmware's listener saw on its button input, GPIO 22 (pull-up). */
    static final java.util.concurrent.atomic.AtomicInteger presses = new java.util.concurrent.atomic.AtomicInteger();

    static {
        sim.openOutput(17, OutputConfig.DEFAULT);
        sim.openOutput(27, OutputConfig.DEFAULT);
        sim.openInput(22, dev.spindle.hal.InputConfig.DEFAULT.pull(dev.spindle.hal.Pull.UP))
                .addListener(dev.spindle.hal.Edge.FALLING, (in, edge) -> presses.incrementAndGet());
    }

    static int level(int bcm) {
        return sim.level(bcm) ? 1 : 0;
    }

    @BeforeAll
    static void up() throws Exception {
        Browser.requireInstalled();
        fleet = new TestFleet();
        fleet.startAgent("b1", "sim", HTML_VERSION, new HalBoardIo(sim, new LogRing(50, null)), 47_500);
        fleet.startAgent("b2", "rpi4b", "blink-1.2.0", dev.spindle.agent.BoardIo.NONE, 51_000);
        browser = new Browser(1400, 1000);
    }

    @AfterAll
    static void down() {
        if (browser != null) {
            browser.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    static String text(String css) {
        return browser.text(css);
    }

    @Test
    @Order(1)
    void boardsComeOnline() {
        browser.driver.get(fleet.page(""));
        browser.await("b1 and b2 online", d -> text("tr[data-board='b1'] td.status").equals("online")
                && text("tr[data-board='b2'] td.status").equals("online"));
        browser.await("counts", d -> text("#count-online").equals("2") && text("#count-total").equals("2"));
        assertEquals("broker connected", text("#broker-status"));
        assertEquals("lab", text("#fleet-name"));
        // the firmware version full of HTML is text in the table
        browser.await("version shown", d -> text("tr[data-board='b1']").contains("<b id=\"fw-bold\">fw-1</b>"));
        assertTrue(browser.driver.findElements(By.cssSelector("#fw-bold, #boards img")).isEmpty());
        assertEquals("rpi4b", text("tr[data-board='b2'] td:nth-child(4)"));
        // the filter
        browser.driver.findElement(By.id("filter")).sendKeys("rpi4b");
        browser.await("filtered", d -> d.findElements(By.cssSelector("#boards tr")).size() == 1
                && text("#boards tr").startsWith("b2"));
        browser.driver.findElement(By.id("filter")).clear();
        browser.driver.findElement(By.id("filter")).sendKeys(" ");
        browser.await("unfiltered", d -> d.findElements(By.cssSelector("#boards tr")).size() == 2);
        // sparklines get drawn from telemetry
        browser.await("heap sparkline", d -> !d.findElements(By.cssSelector("tr[data-board='b1'] svg.heap polyline")).isEmpty());
        // the board id opens its page
        browser.click("tr[data-board='b1'] td.board a");
        browser.await("board page", d -> d.getCurrentUrl().endsWith("/board/b1") && text("#board-name").equals("b1"));
    }

    @Test
    @Order(2)
    void crashedThreadAndBoardTextShownAsText() {
        browser.driver.get(fleet.page("board/b1"));
        browser.await("board page live", d -> text("#board-status").equals("online"));
        BoardApp.crash(HTML_THREAD, HTML_MESSAGE);
        String row = browser.await("crashed thread row", d -> {
            String t = text("#threads tr.crashed");
            return t.contains("boom") ? t : null;
        });
        assertTrue(row.contains(HTML_THREAD), row);
        assertTrue(row.contains("java.lang.IllegalStateException: " + HTML_MESSAGE), row);
        browser.await("crash event", d -> text("#events li[data-type='thread_crashed']").contains(HTML_MESSAGE));
        browser.await("crash in the log tail", d -> text("#log").contains("crashed: java.lang.IllegalStateException: "
                + HTML_MESSAGE));
        browser.await("firmware version as text", d -> text("#info").contains(HTML_VERSION));
        browser.await("health degraded", d -> text("#info").contains("degraded"));
        assertTrue(browser.driver.findElements(By.cssSelector("#xss-img, #xss-thread, #fw-bold, main img, #log img,"
                + " #events img, #threads img, #info img")).isEmpty(), "board text became HTML");
        assertEquals("Spindle · b1", browser.driver.getTitle());
        // the charts are uPlot, served from the jar
        browser.await("charts drawn", d -> d.findElements(By.cssSelector("#chart-cpu canvas")).size() == 1);
        Object uplot = browser.driver.executeScript("return typeof uPlot");
        assertEquals("function", uplot);
    }

    @Test
    @Order(3)
    void pinWriteReachesTheBoardAfterConfirmation() {
        browser.driver.get(fleet.page("board/b1"));
        browser.await("pin shown", d -> text("#pins tr[data-pin='GPIO17'] td.level").equals("LOW (0)"));
        // cancelled: nothing sent
        browser.click("button.toggle[data-pin='GPIO17']");
        assertTrue(browser.driver.switchTo().alert().getText().contains("Set pin GPIO17 of board b1 to 1?"));
        browser.driver.switchTo().alert().dismiss();
        assertEquals("Cancelled.", text("#pin-result"));
        assertEquals(0, level(17));
        browser.click("button.toggle[data-pin='GPIO17']");
        browser.driver.switchTo().alert().accept();
        browser.await("write reached the simulated board", d -> level(17) == 1);
        browser.await("reply shown", d -> text("#pin-result").equals("GPIO17 set to 1."));
        browser.await("level from telemetry", d -> text("#pins tr[data-pin='GPIO17'] td.level").equals("HIGH (1)"));
        assertEquals(0, level(27));
        assertEquals("output", text("#pins tr[data-pin='GPIO17'] td.mode"));
    }

    @Test
    @Order(4)
    void simulatedInputIsDrivenFromThePage() {
        browser.driver.get(fleet.page("board/b1"));
        browser.await("input shown", d -> text("#pins tr[data-pin='GPIO22'] td.level").equals("HIGH (1)"));
        assertEquals("input", text("#pins tr[data-pin='GPIO22'] td.mode"));
        assertEquals("drive 0", text("button.toggle[data-pin='GPIO22']"));
        browser.click("button.toggle[data-pin='GPIO22']");
        assertTrue(browser.driver.switchTo().alert().getText().contains("Drive the simulated input GPIO22 of board b1 to 0?"));
        browser.driver.switchTo().alert().accept();
        browser.await("the firmware's listener saw the press", d -> presses.get() == 1);
        assertEquals(0, level(22));
        browser.await("reply shown", d -> text("#pin-result").equals("GPIO22 set to 0."));
        browser.await("level from telemetry", d -> text("#pins tr[data-pin='GPIO22'] td.level").equals("LOW (0)"));
    }

    @Test
    @Order(5)
    void stoppedBoardGoesOffline() {
        browser.driver.get(fleet.page(""));
        browser.await("b2 online", d -> text("tr[data-board='b2'] td.status").equals("online"));
        fleet.stopAgent("b2");
        browser.await("b2 offline", d -> text("tr[data-board='b2'] td.status").equals("offline"));
        browser.await("counts", d -> text("#count-offline").equals("1") && text("#count-online").equals("1"));
    }

    @Test
    @Order(6)
    void brokerAwayIsShownAndTheDashboardRecovers() throws Exception {
        browser.driver.get(fleet.page(""));
        browser.await("connected", d -> text("#broker-status").equals("broker connected"));
        fleet.stopBroker();
        browser.await("banner", d -> text("#banner").startsWith("Broker disconnected")
                && text("#broker-status").equals("broker disconnected"));
        fleet.restartBroker();
        browser.await("reconnected", d -> text("#broker-status").equals("broker connected")
                && Boolean.TRUE.equals(browser.driver.executeScript("return document.getElementById('banner').hidden")));
        fleet.setTemperature("b1", 49_000);
        browser.await("b1 online again", d -> text("tr[data-board='b1'] td.status").equals("online"));
    }

    @Test
    @Order(7)
    void aThousandBoardsArePaged() throws Exception {
        try (Link fakes = new Link(LinkConfig.builder(fleet.url(), "fakes-1000").build())) {
            fakes.start();
            assertTrue(fakes.awaitConnected(60_000));
            long now = System.currentTimeMillis();
            // births only (a board without telemetry yet), from four threads: QoS 1 waits for each ack
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int part = 0; part < 4; part++) {
                    int from = part * 250 + 1;
                    done.add(pool.submit(() -> {
                        for (int n = from; n < from + 250; n++) {
                            String b = String.format("edge-%04d", n);
                            fakes.publish(Topics.state(TestFleet.FLEET, b), Json.bytes(new StateMessage(1, now,
                                    TestFleet.FLEET, b, true, null, 1, "rpi4b", "0.1.0", "blink-1.2.0", "a", now, 60.0)),
                                    1, true);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            browser.driver.get(fleet.page(""));
            try {
                browser.await("1002 boards (b1, b2 and the new ones)", d -> text("#count-total").equals("1002"));
            } catch (RuntimeException e) {
                throw new AssertionError("page shows " + text("#count-total") + " boards; "
                        + browser.driver.executeScript("return fetch('/api/fleet').then(r => r.json()).then(j => j.boards.length)"), e);
            }
            browser.await("one page of rows", d -> d.findElements(By.cssSelector("#boards tr")).size() == 50
                    && text("#page-info").equals("1–50 of 1002"));
            browser.click("#next");
            browser.await("second page", d -> text("#page-info").equals("51–100 of 1002"));
            browser.driver.findElement(By.id("filter")).sendKeys("edge-0999");
            browser.await("filtered", d -> d.findElements(By.cssSelector("#boards tr")).size() == 1
                    && text("#boards tr").startsWith("edge-0999") && text("#page-info").equals("1–1 of 1"));
        }
    }
}
