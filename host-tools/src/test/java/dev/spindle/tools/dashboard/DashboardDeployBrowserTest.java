package dev.spindle.tools.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.tools.deploy.RolloutRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The deploy views in headless Chromium: a real {@code RolloutEngine} publishes through the real
 * {@code RolloutPublisher} on the embedded broker (the per-board step is scripted: the test holds
 * board b1 mid-transfer with a latch), and the fleet page shows the rollout's waves, per-board
 * progress, failures and rollbacks live; the board page of b1 (a real agent) shows its part of
 * the rollout, deploy events published as a board publishes them, and its real
 * {@code deploy.status}. Reasons full of HTML are shown as text.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS) // hang guard only
class DashboardDeployBrowserTest {
    static final String HTML_REASON = "bundle_refused: <img id=\"xss-deploy\" src=x onerror=\"document.title='pwned'\">bad signature";
    static final String ID = "20261123-221500-beef";

    static TestFleet fleet;
    static Browser browser;
    static Link tool;
    static Path state;
    static TestRollout rollout;
    static final CountDownLatch gate = new CountDownLatch(1);

    @BeforeAll
    static void up() throws Exception {
        Browser.requireInstalled();
        fleet = new TestFleet();
        fleet.startAgent("b1", "sim", "blink-1.2.0", dev.spindle.agent.BoardIo.NONE, 47_500);
        tool = new Link(LinkConfig.builder(fleet.url(), LinkConfig.toolClientId("spindle-deploy-test")).build());
        tool.start();
        assertTrue(tool.awaitConnected(30_000));
        state = Files.createTempDirectory("spindle-deploy-view-");
        browser = new Browser(1400, 1100);
    }

    @AfterAll
    static void down() throws Exception {
        gate.countDown();
        if (rollout != null) {
            rollout.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (tool != null) {
            tool.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    static String text(String css) {
        return browser.text(css);
    }

    /** An attribute of the first element matching {@code css}, read in one step (the views are redrawn live). */
    static String attr(String css, String name) {
        Object v = browser.driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
        return v == null ? null : v.toString();
    }

    @Test
    @Order(1)
    void fleetPageShowsTheRolloutLive() throws Exception {
        browser.driver.get(fleet.page(""));
        browser.await("b1 online", d -> text("tr[data-board='b1'] td.status").equals("online"));
        assertTrue((Boolean) browser.driver.executeScript("return document.getElementById('deploys').hidden"),
                "no rollout yet: no deploy section");
        Map<String, TestRollout.Step> boards = new LinkedHashMap<>();
        boards.put("b1", TestRollout.gated(gate));
        boards.put("d02", TestRollout.fails(HTML_REASON));
        boards.put("d03", TestRollout.rollsBack("health_check_failed: app crashed 3 times"));
        boards.put("d04", TestRollout.succeeds());
        boards.put("d05", TestRollout.succeeds());
        rollout = new TestRollout(tool, state, ID, new int[] {2, 5}, 2, boards).start();
        String card = ".rollout[data-rollout='" + ID + "']";
        browser.await("rollout shown", d -> text(card + " .bundle").equals("blink 1.3.0"));
        assertTrue(text(card).contains("ana@ops-1"), text(card));
        // wave 1: b1 held mid-transfer at 50 %, d02 failed with a reason full of HTML
        browser.await("b1 transferring at 50%", d -> text(card + " .attention tr[data-board='b1'] td:nth-child(4)").equals("50%")
                && text(card + " .attention tr[data-board='b1'] td.state").equals("transferring"));
        browser.await("d02 failed", d -> text(card + " .attention tr[data-board='d02'] td.state").equals("failed"));
        assertEquals(HTML_REASON, text(card + " .attention tr[data-board='d02'] td.reason"));
        assertEquals("failed", attr(card + " .cell[data-board='d02']", "data-state"));
        assertEquals("transferring", attr(card + " .cell[data-board='b1']", "data-state"));
        assertEquals("pending", attr(card + " .cell[data-board='d04']", "data-state"));
        assertEquals("0/2 done, 1 failed, 1 running", text(card + " .wave[data-wave='1'] .wcount"));
        assertEquals("0/3 done", text(card + " .wave[data-wave='2'] .wcount"));
        assertEquals("running", text(card + " .rstatus"));
        assertTrue(browser.driver.findElements(By.cssSelector("#xss-deploy, #deploys img")).isEmpty(), "reason became HTML");
        assertEquals("Spindle fleet", browser.driver.getTitle());
    }

    @Test
    @Order(2)
    void boardPageShowsItsDeploy() throws Exception {
        browser.driver.get(fleet.page("board/b1"));
        browser.await("b1's part of the rollout", d -> text("#deploy-current .deploy-now").contains("blink 1.3.0")
                && text("#deploy-current .deploy-now").contains("50% of 4096 bytes"));
        assertEquals("transferring", attr("#deploy-current .deploy-now", "data-state"));
        assertTrue(text("#deploy-current .deploy-now").contains("rollout " + ID), text("#deploy-current"));
        // the real agent's deploy.status, asked when the page opened
        browser.await("slots from deploy.status", d -> text("#deploy-slots").contains("from factory")
                && !browser.driver.findElements(By.cssSelector("#deploy-slots tr[data-slot='a']")).isEmpty());
        // deploy events as a board publishes them (a session of their own: the agent's seqs stay apart)
        long now = System.currentTimeMillis();
        publishEvent(1, now, "deploy_progress", "info", Map.of("phase", "installing", "id", "d1", "slot", "b",
                "bundle", "blink", "version", "1.3.0", "sha256", "9f2c".repeat(16)));
        publishEvent(2, now + 1, "rollback", "error", Map.of("from", "b", "to", "a", "reason", "health_check_failed"));
        publishEvent(3, now + 2, "deploy_failed", "error", Map.of("id", "d1", "reason", "health_check_failed",
                "detail", "<script>alert(1)</script> app crashed", "rolled_back_to", "a"));
        browser.await("deploy events", d -> text("#deploy-events li[data-type='deploy_failed']")
                .contains("health_check_failed: <script>alert(1)</script> app crashed · rolled back to a"));
        assertTrue(text("#deploy-events li[data-type='rollback']").contains("b → a"), text("#deploy-events"));
        assertTrue(text("#deploy-events li[data-type='deploy_progress']").contains("installing · blink 1.3.0 · slot b"),
                text("#deploy-events"));
        assertEquals(3, browser.driver.findElements(By.cssSelector("#deploy-events li")).size());
        assertTrue(text("#deploy-current .deploy-board-says").contains("deploy_failed"), text("#deploy-current"));
        assertTrue(browser.driver.findElements(By.cssSelector("#deploy script, #deploy img")).isEmpty());
    }

    @Test
    @Order(3)
    void theRestOfTheRolloutArrivesLive() throws Exception {
        browser.driver.get(fleet.page(""));
        String card = ".rollout[data-rollout='" + ID + "']";
        browser.await("still held", d -> text(card + " .attention tr[data-board='b1'] td.state").equals("transferring"));
        gate.countDown();
        Object result = rollout.await();
        assertInstanceOf(RolloutRecord.class, result, String.valueOf(result));
        assertEquals(RolloutRecord.COMPLETED, ((RolloutRecord) result).status);
        browser.await("completed", d -> text(card + " .rstatus").equals("completed"));
        assertEquals("3 done, 1 failed, 1 rolled_back", text(card + " .rcounts"));
        assertEquals("2/3 done, 1 failed", text(card + " .wave[data-wave='2'] .wcount"));
        assertEquals("1/2 done, 1 failed", text(card + " .wave[data-wave='1'] .wcount"));
        assertEquals("rolled_back", text(card + " .attention tr[data-board='d03'] td.state"));
        assertEquals("health_check_failed: app crashed 3 times", text(card + " .attention tr[data-board='d03'] td.reason"));
        assertTrue(browser.driver.findElements(By.cssSelector(card + " .attention tr[data-board='b1']")).isEmpty(),
                "a board that is done leaves the list of boards that need a look");
        assertEquals("done", attr(card + " .cell[data-board='b1']", "data-state"));
        // the board page follows
        browser.driver.get(fleet.page("board/b1"));
        browser.await("done on the board page", d -> "done".equals(attr("#deploy-current .deploy-now", "data-state")));
    }

    @Test
    @Order(4)
    void aThousandBoardRolloutIsCompactPagedAndStopsAtTheThreshold() throws Exception {
        Map<String, TestRollout.Step> boards = new LinkedHashMap<>();
        CountDownLatch hold = new CountDownLatch(1);
        // the first 60 start at once (parallel 60); the 30 that fail wait until all 60 run, so the first
        // failure crosses --max-failures 0 before any slot frees: exactly 30 stay transferring
        CountDownLatch allStarted = new CountDownLatch(60);
        for (int i = 1; i <= 1000; i++) {
            String b = String.format("edge-%04d", i);
            TestRollout.Step then = i <= 30 ? TestRollout.failsAfter(allStarted, "bundle_refused: wrong board type " + i)
                    : TestRollout.gated(hold);
            boards.put(b, (t, l) -> {
                allStarted.countDown();
                return then.run(t, l);
            });
        }
        String id = "20261123-223000-0bad";
        try (TestRollout big = new TestRollout(tool, state, id, new int[] {1000}, 60, "0", boards)) {
            big.start();
            browser.driver.get(fleet.page(""));
            String card = ".rollout[data-rollout='" + id + "']";
            browser.await("1000 cells", d -> d.findElements(By.cssSelector(card + " .cell")).size() == 1000);
            try {
                browser.await("30 failed and 30 transferring", d -> text(card + " .rcounts").contains("30 failed")
                        && text(card + " .rcounts").contains("30 transferring"));
            } catch (RuntimeException e) {
                throw new AssertionError("page: " + text(card + " .rcounts") + "; server: " + browser.driver.executeScript(
                        "return fetch('/api/rollouts').then(r => r.json()).then(j => JSON.stringify(j.rollouts.map(r => [r.id, r.counts, r.status])))"), e);
            }
            assertEquals(20, browser.driver.findElements(By.cssSelector(card + " .attention tbody tr")).size());
            assertTrue(text(card + " .attention .pager").contains("1–20 of 60"), text(card + " .attention .pager"));
            browser.click(card + " .attention .pager button:last-child");
            browser.await("second page", d -> text(card + " .attention .pager").contains("21–40 of 60"));
            // the newest rollout comes first
            assertEquals(id, attr("#rollouts .rollout", "data-rollout"));
            // the failures crossed --max-failures 0: the rollout starts no more boards
            browser.await("stopping", d -> text(card + " .rstatus").equals("stopping")
                    && text(card + " .stop-reason").startsWith("Stopped: failure threshold crossed"));
            hold.countDown();
            Object result = big.await();
            assertInstanceOf(RolloutRecord.class, result, String.valueOf(result));
            assertEquals(RolloutRecord.STOPPED, ((RolloutRecord) result).status);
            browser.await("stopped", d -> text(card + " .rstatus").equals("stopped")
                    && text(card + " .rcounts").equals("30 done, 30 failed, 940 skipped"));
            assertEquals("skipped", attr(card + " .cell[data-board='edge-1000']", "data-state"));
        }
    }

    private static void publishEvent(long seq, long ts, String type, String severity, Map<String, Object> data)
            throws Exception {
        tool.publish(Topics.events(TestFleet.FLEET, "b1"), Json.bytes(new EventMessage(1, ts, 777_777, seq, type, severity,
                type, null, null, data)), 1, false);
    }
}
