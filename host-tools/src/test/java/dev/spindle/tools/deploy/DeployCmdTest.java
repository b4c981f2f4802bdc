package dev.spindle.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.SpindleCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code spindle deploy} as a script runs it: the checks before any board is touched, and whole
 * rollouts over a real broker (Moquette in process) to {@link ScriptedBoard}s (stand-ins for the
 * board side; DeployWithAgentsTest uses real agents) through the test-only {@link TestUploader}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeployCmdTest {
    static EmbeddedBroker broker;

    @TempDir
    Path tmp;

    private StringWriter out;
    private StringWriter err;
    private final Map<String, ScriptedBoard> boards = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        EmbeddedBroker.quietLogging();
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private int deploy(String... args) throws Exception {
        for (ScriptedBoard b : boards.values()) {
            b.ready();
        }
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = new CommandLine(new DeployCmd((link, fleet, rpc) -> new TestUploader(boards)));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("--broker", broker.url(), "--state-dir", tmp.resolve("state").toString(),
                "--discover", "700", "--status-poll", "200ms"));
        all.addAll(List.of(args));
        return cl.execute(all.toArray(new String[0]));
    }

    private ScriptedBoard board(String fleet, String id, String type, ScriptedBoard.Script s) throws Exception {
        ScriptedBoard b = new ScriptedBoard(broker.url(), fleet, id, type, s); // connects in the background
        boards.put(id, b);
        return b;
    }

    private void closeBoards() {
        boards.values().forEach(ScriptedBoard::close);
        boards.clear();
    }

    private JsonNode json() throws Exception {
        return Json.MAPPER.readTree(out.toString());
    }

    private List<String> auditEvents() throws Exception {
        List<String> ev = new ArrayList<>();
        for (String l : Files.readAllLines(tmp.resolve("state/audit.log"))) {
            ev.add(Json.MAPPER.readTree(l).get("event").asText());
        }
        return ev;
    }

    @Test
    void helpShowsExamplesAndExitCodes_andDeployIsASpindleSubcommand() {
        StringWriter help = new StringWriter();
        CommandLine cl = SpindleCommand.commandLine();
        cl.setOut(new PrintWriter(help));
        assertEquals(0, cl.execute("deploy", "--help"));
        String h = help.toString();
        for (String s : List.of("--waves", "--max-failures", "--step-timeout", "--parallel", "--resume", "--json",
                "Examples:", "--waves 1,10%,100%", "Exit codes:", "6", "rolled_back")) {
            assertTrue(h.contains(s), s + " missing in:\n" + h);
        }
        assertTrue(!h.contains("%%") && !h.contains("%n"), "unformatted help text:\n" + h);
    }

    @Test
    void badCommandLines_areUsageErrors_beforeAnythingIsTouched() throws Exception {
        Path bundle = TestBundle.make(tmp, "1.2.0", true);
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString()));
        assertTrue(err.toString().contains("--board BOARD (repeatable) or --fleet FLEET"), err.toString());
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString(), "--board", "pi-1", "--waves", "10%,5%"));
        assertTrue(err.toString().contains("must be larger than the earlier '10%'"), err.toString());
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString(), "--board", "pi-1", "--max-failures", "lots"));
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString(), "--board", "pi-1", "--step-timeout", "reboot=1m"));
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString(), "--board", "pi-1", "--parallel", "0"));
        assertEquals(ExitCodes.USAGE, deploy(bundle.toString(), "--board", "bad/id"));
        assertEquals(ExitCodes.USAGE, deploy("--board", "pi-1"));
        assertFalse(Files.exists(tmp.resolve("state/rollouts")));
    }

    @Test
    void theBundleIsCheckedFirst_unsignedDamagedOrMissingIsRefusedWithoutTouchingABoard() throws Exception {
        ScriptedBoard b = board("lab", "pi-1", "sim", ScriptedBoard.Script.SUCCEED);
        try {
            Path unsigned = TestBundle.make(tmp, "1.2.0", false);
            assertEquals(ExitCodes.REFUSED, deploy(unsigned.toString(), "--fleet", "lab", "--board", "pi-1"));
            assertTrue(err.toString().contains("refused (unsigned)"), err.toString());
            assertTrue(err.toString().contains("spindle sign"), err.toString());

            Path damaged = tmp.resolve("damaged.zip");
            byte[] bytes = Files.readAllBytes(TestBundle.make(tmp.resolve("d"), "1.2.0", true));
            bytes[bytes.length / 3] ^= 0x55;
            Files.write(damaged, bytes);
            assertEquals(ExitCodes.REFUSED, deploy(damaged.toString(), "--fleet", "lab", "--board", "pi-1"));
            assertTrue(err.toString().contains("refused ("), err.toString());

            assertEquals(ExitCodes.FAILURE, deploy(tmp.resolve("nope.zip").toString(), "--fleet", "lab", "--board", "pi-1"));
            assertTrue(err.toString().contains("cannot read bundle"), err.toString());

            assertEquals(0, b.statusCalls.get());
            assertEquals(0, b.received.get());
            assertFalse(Files.exists(tmp.resolve("state/rollouts")));

            // --allow-unsigned lets an unsigned bundle through (development boards)
            assertEquals(ExitCodes.OK, deploy(unsigned.toString(), "--fleet", "lab", "--board", "pi-1",
                    "--allow-unsigned", "--json"), err.toString());
        } finally {
            closeBoards();
        }
    }

    @Test
    void fleetRollout_allBoardsDone_exit0_jsonSummary_rolloutFileAndAuditLog() throws Exception {
        try {
            for (int i = 1; i <= 4; i++) {
                board("yard", "pi-" + i, "sim", ScriptedBoard.Script.SUCCEED);
            }
            board("yard", "pi-9", "rpi-4b", ScriptedBoard.Script.SUCCEED); // wrong board type: left out
            Path bundle = TestBundle.make(tmp, "1.2.0", true, "sim");
            int code = deploy(bundle.toString(), "--fleet", "yard", "--waves", "1,50%,100%", "--parallel", "2", "--json");
            assertEquals(ExitCodes.OK, code, err + "\n" + out);
            JsonNode j = json();
            assertTrue(j.get("ok").asBoolean());
            assertEquals(0, j.get("exit_code").asInt());
            assertEquals("completed", j.get("status").asText());
            assertEquals("yard", j.get("fleet").asText());
            assertEquals("blink", j.get("bundle").get("name").asText());
            assertEquals("1.2.0", j.get("bundle").get("version").asText());
            assertEquals("[1,2,4]", j.get("wave_ends").toString());
            assertEquals(4, j.get("counts").get("done").asInt());
            assertEquals(4, j.get("boards").size());
            for (JsonNode b : j.get("boards")) {
                assertEquals("done", b.get("state").asText());
                assertEquals("1.2.0", b.get("version").asText());
                assertTrue(b.get("board").asText().matches("pi-[1-4]"));
            }
            assertEquals(0, boards.get("pi-9").received.get());
            String id = j.get("rollout").asText();
            assertTrue(Files.exists(tmp.resolve("state/rollouts/" + id + ".json")));
            List<String> ev = auditEvents();
            assertEquals("rollout_started", ev.get(0));
            assertEquals("rollout_ended", ev.get(ev.size() - 1));
            assertEquals(4, ev.stream().filter("board_result"::equals).count());

            // --list shows it
            assertEquals(ExitCodes.OK, deploy("--list"));
            assertTrue(out.toString().contains(id) && out.toString().contains("completed"), out.toString());
        } finally {
            closeBoards();
        }
    }

    @Test
    void aRollbackStopsTheRollout_exit6_tableSaysWhy_andResumeWithARaisedLimitFinishesIt() throws Exception {
        try {
            ScriptedBoard first = board("lab2", "pi-a", "sim", ScriptedBoard.Script.ROLL_BACK);
            board("lab2", "pi-b", "sim", ScriptedBoard.Script.SUCCEED);
            board("lab2", "pi-c", "sim", ScriptedBoard.Script.SUCCEED);
            Path bundle = TestBundle.make(tmp, "1.2.0", true);
            int code = deploy(bundle.toString(), "--fleet", "lab2", "--board", "pi-a,pi-b", "--board", "pi-c",
                    "--waves", "1,100%");
            assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, code, err + "\n" + out);
            String o = out.toString();
            assertTrue(o.contains("pi-a: rolled_back: health_check_failed: app exited with 1"), o);
            assertTrue(o.contains("failure threshold crossed"), o);
            assertTrue(o.matches("(?s).*pi-b\\s+2\\s+skipped.*"), o);
            assertTrue(o.contains("continue it with: spindle deploy --resume"), o);
            assertEquals(0, boards.get("pi-b").received.get());

            // the operator looks at pi-a, accepts one failure and resumes: pi-b and pi-c get it, pi-a is not redone
            first.script(ScriptedBoard.Script.SUCCEED);
            code = deploy("--fleet", "lab2", "--resume", "--max-failures", "1", "--json");
            assertEquals(ExitCodes.ROLLOUT_INCOMPLETE, code, err + "\n" + out);
            JsonNode j = json();
            assertEquals("completed", j.get("status").asText());
            assertEquals(2, j.get("counts").get("done").asInt());
            assertEquals(1, j.get("counts").get("rolled_back").asInt());
            assertEquals(1, first.received.get());
            assertEquals(1, boards.get("pi-b").received.get());
            assertTrue(auditEvents().contains("rollout_resumed"));
        } finally {
            closeBoards();
        }
    }

    @Test
    void namedBoardsThatCannotTakeTheBundle_areRefusedUpFront() throws Exception {
        try {
            board("lab3", "pi-x", "rpi-4b", ScriptedBoard.Script.SUCCEED);
            Path bundle = TestBundle.make(tmp, "1.2.0", true, "sim");
            assertEquals(ExitCodes.REFUSED, deploy(bundle.toString(), "--fleet", "lab3", "--board", "pi-x"));
            assertTrue(err.toString().contains("pi-x: wrong_board"), err.toString());
            assertEquals(ExitCodes.FAILURE, deploy(bundle.toString(), "--fleet", "lab3", "--board", "ghost"));
            assertTrue(err.toString().contains("ghost: no such board in fleet lab3"), err.toString());
            assertEquals(0, boards.get("pi-x").statusCalls.get());
        } finally {
            closeBoards();
        }
    }

    @Test
    void resumeErrorsAreClear() throws Exception {
        assertEquals(ExitCodes.FAILURE, deploy("--resume"));
        assertTrue(err.toString().contains("no unfinished rollout"), err.toString());
        assertEquals(ExitCodes.FAILURE, deploy("--resume", "20260101-000000-0000"));
        assertTrue(err.toString().contains("no rollout 20260101-000000-0000"), err.toString());
        // a rollout whose bundle file changed since
        RolloutStore store = new RolloutStore(tmp.resolve("state"));
        Path bundle = TestBundle.make(tmp, "1.2.0", true);
        RolloutRecord r = Rollouts.record("100%", "0", 1, Rollouts.LONG, "pi-1");
        r.bundle.path = bundle.toString();
        r.status = RolloutRecord.INTERRUPTED;
        store.save(r);
        assertEquals(ExitCodes.FAILURE, deploy("--resume", r.id));
        assertTrue(err.toString().contains("put the original file back"), err.toString());
        assertEquals(ExitCodes.USAGE, deploy("--resume", r.id, "--waves", "1,100%"));
    }
}
