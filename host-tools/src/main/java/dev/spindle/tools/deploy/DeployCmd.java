package dev.spindle.tools.deploy;

import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.Wire;
import dev.spindle.protocol.fleet.FleetView;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import dev.spindle.tools.BrokerOptions;
import dev.spindle.tools.ExitCodes;
import dev.spindle.tools.ToolException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindle deploy}: a rollout of one bundle to boards of a fleet, in waves, with a failure
 * threshold, step timeouts, a rollout file for {@code --resume} and the audit log
 * (docs/deploy.md, "Fleet rollouts"). The waves and boards are run by {@link RolloutEngine}; each
 * board by {@link MqttBoardDeployment}, which sends the bundle through the
 * {@link BundleUploader} made by the factory given to the constructor.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Roll a signed bundle out to boards, in waves, with a failure threshold.",
        description = {"Checks the bundle here first (readable, a valid signed bundle), then deploys",
            "it wave after wave, the boards of a wave in parallel (--parallel). Each board",
            "goes pending -> transferring -> installing -> health_check -> done, or ends",
            "failed, rolled_back, timed_out or skipped. Once more boards failed than",
            "--max-failures allows, no further board is started. The rollout is kept in",
            "STATE_DIR/rollouts/ID.json, written at every change: --resume continues it",
            "after Ctrl-C or a crash. Who deployed what where and when: STATE_DIR/audit.log.",
            "Targets: --board B (repeatable), or --fleet F alone for every online board of",
            "fleet F that can take the bundle (board type, agent version).",
            "See docs/deploy.md, \"Fleet rollouts\".", ""},
        footerHeading = "%nExamples:%n",
        footer = {"  spindle deploy blink.zip --board pi-07",
            "  spindle deploy blink.zip --fleet lab --waves 1,10%%,100%% --max-failures 2%%",
            "  spindle deploy blink.zip --fleet lab --step-timeout transfer=20m --json > out.json",
            "  spindle deploy --resume                 # continue the last unfinished rollout",
            "  spindle deploy --list"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every targeted board runs the new version",
            "1:failure before or outside the rollout (the message says what to do)",
            "2:bad command line (--waves, --max-failures, --step-timeout, --board ...)",
            "3:the MQTT broker could not be reached",
            "5:the bundle was refused here (not signed, damaged) or cannot run on a named board",
            "6:some targeted board does not run the new version (failed, rolled_back, timed_out, skipped)"})
public final class DeployCmd implements Callable<Integer> {
    @Mixin
    BrokerOptions broker;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BUNDLE", description = "The signed bundle (spindle sign).")
    Path bundle;

    @Option(names = "--board", split = ",", paramLabel = "BOARD",
            description = "A board of the fleet to deploy to (repeatable or comma-separated).")
    List<String> boards = new ArrayList<>();

    @Option(names = "--waves", paramLabel = "N|P%,...", defaultValue = "100%",
            description = "Cumulative wave sizes: board counts or percentages of the targeted boards;"
                    + " the last must reach all (default 100%%). E.g. 1,10%%,100%%.")
    String waves;

    @Option(names = "--max-failures", paramLabel = "N|P%", defaultValue = "0",
            description = "Failed boards tolerated (failed, rolled_back, timed_out); one more and no further board"
                    + " is started (default ${DEFAULT-VALUE}: stop at the first failure).")
    String maxFailures;

    @Option(names = "--step-timeout", paramLabel = "STEP=DURATION",
            description = "Timeout of a step: transfer (default 10m), install (3m), health_check (5m);"
                    + " DURATION like 500ms, 90s, 10m, 1h (repeatable). --timeout is for broker replies.")
    Map<String, String> stepTimeouts = new LinkedHashMap<>();

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
            description = "Boards deployed at the same time within a wave (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--json", description = "No progress bars; print one JSON summary at the end (docs/deploy.md).")
    boolean json;

    @Option(names = "--no-progress", description = "One line per board state change instead of progress bars.")
    boolean noProgress;

    @Option(names = "--resume", arity = "0..1", paramLabel = "ID", fallbackValue = "latest",
            description = "Continue an interrupted or stopped rollout (default: the newest unfinished one)."
                    + " Boards done stay done; boards caught mid-step are checked again.")
    String resume;

    @Option(names = "--list", description = "List the stored rollouts and exit.")
    boolean list;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where rollouts and the audit log are kept (env SPINDLE_STATE_DIR; default ~/.spindle).")
    Path stateDir;

    @Option(names = "--trust", paramLabel = "DIR|PUB",
            description = "Also check the signature against these trusted keys (as spindle verify --trust).")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--allow-unsigned",
            description = "Accept an unsigned bundle (only boards in development mode install it).")
    boolean allowUnsigned;

    @Option(names = "--force",
            description = "Install the bundle also on boards where it failed before (they refuse it otherwise:"
                    + " previously_failed). Not stored for --resume: give it again.")
    boolean force;

    @Option(names = "--discover", paramLabel = "MS", defaultValue = "2000",
            description = "How long to collect the fleet's state before choosing boards, ms (default ${DEFAULT-VALUE}).")
    long discoverMs;

    @Option(names = "--status-poll", paramLabel = "DURATION", defaultValue = "5s",
            description = "How often to ask a quiet board for its deploy.status (default ${DEFAULT-VALUE}).")
    String statusPoll;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    private final BundleUploader.Factory uploaders;

    /** A deploy over the chunked MQTT transfer ({@link TransferUploader}). */
    public DeployCmd() {
        this(TransferUploader.FACTORY);
    }

    /** @param uploaders makes the bundle transfer of a rollout on its connection */
    public DeployCmd(BundleUploader.Factory uploaders) {
        this.uploaders = uploaders;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Override
    public Integer call() {
        try {
            return run();
        } catch (ToolException e) {
            spec.commandLine().getErr().println("spindle deploy: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    Path stateDir() {
        if (stateDir != null) {
            return stateDir;
        }
        String e = env.get("SPINDLE_STATE_DIR");
        return e != null && !e.isBlank() ? Path.of(e.trim()) : Path.of(System.getProperty("user.home"), ".spindle");
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static ToolException usage(String message) {
        return new ToolException(ExitCodes.USAGE, message);
    }

    int run() throws ToolException, InterruptedException {
        RolloutStore store = new RolloutStore(stateDir());
        AuditLog audit = new AuditLog(stateDir());
        if (list) {
            return list(store);
        }
        if (parallel < 1) {
            throw usage("--parallel must be at least 1");
        }
        StepTimeouts timeouts;
        Duration poll;
        try {
            timeouts = StepTimeouts.DEFAULT.with(stepTimeouts);
            poll = StepTimeouts.parseDuration(statusPoll);
            FailureThreshold.parse(maxFailures);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        BrokerOptions.Resolved r = broker.resolve();
        RolloutRecord rec;
        Link link = null;
        try {
            if (resume != null) {
                rec = loadForResume(store, r, timeouts);
                link = broker.connect(r, "deploy", l -> { });
            } else {
                Waves w;
                try {
                    w = Waves.parse(waves);
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
                if (bundle == null) {
                    throw usage("give the BUNDLE to deploy (or --resume to continue a rollout)");
                }
                if (boards.isEmpty() && !given("--fleet")) {
                    throw usage("say where to deploy: --board BOARD (repeatable) or --fleet FLEET for every online"
                            + " board of that fleet");
                }
                for (String b : boards) {
                    try {
                        Topics.checkId("board", b);
                    } catch (IllegalArgumentException e) {
                        throw usage(e.getMessage());
                    }
                }
                BundleCheck.Checked checked = checkBundle();
                FleetView view = new FleetView();
                String stateFilter = Topics.fleetFilter(r.fleet(), Topics.STATE);
                String telemetryFilter = Topics.fleetFilter(r.fleet(), Topics.TELEMETRY);
                link = broker.connect(r, "deploy", l -> {
                    l.subscribe(stateFilter, Wire.QOS_RELIABLE,
                            m -> view.accept(m, System.currentTimeMillis()));
                    l.subscribe(telemetryFilter, Wire.QOS_RELIABLE,
                            m -> view.accept(m, System.currentTimeMillis()));
                });
                Thread.sleep(discoverMs);
                // judged as of now: an UNSUBACK may take seconds on a loaded broker, and nothing is
                // heard after it (every board would look stale by the time it came)
                long discovered = System.currentTimeMillis();
                link.unsubscribe(stateFilter);
                link.unsubscribe(telemetryFilter);
                rec = newRollout(r.fleet(), checked, view, discovered, w, timeouts, audit);
            }
            return execute(rec, link, store, audit, poll);
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    private BundleCheck.Checked checkBundle() throws ToolException {
        try {
            return BundleCheck.check(bundle, trust, allowUnsigned);
        } catch (BundleRejectedException e) {
            throw new ToolException(ExitCodes.REFUSED, "bundle " + bundle + " refused (" + e.reason().wireName()
                    + "): " + e.detail() + ". " + e.reason().advice());
        } catch (NoSuchFileException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot read bundle " + bundle + ": "
                    + (e.getReason() == null ? "no such file" : e.getReason()));
        } catch (AccessDeniedException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot read bundle " + bundle + ": permission denied");
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot read bundle " + bundle + ": " + e.getMessage());
        }
    }

    private RolloutRecord newRollout(String fleet, BundleCheck.Checked checked, FleetView view, long now, Waves w,
            StepTimeouts timeouts, AuditLog audit) throws ToolException {
        Targets.Result t = boards.isEmpty() ? Targets.fleet(view, fleet, checked.manifest(), now)
                : Targets.named(view, fleet, boards, checked.manifest(), now);
        if (!t.problems().isEmpty()) {
            boolean refused = t.problems().stream().allMatch(p -> p.contains(": wrong_board") || p.contains(": agent_too_old"));
            throw new ToolException(refused ? ExitCodes.REFUSED : ExitCodes.FAILURE, "not deploying; "
                    + (t.problems().size() == 1 ? "a board is" : t.problems().size() + " boards are") + " not ready:"
                    + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", t.problems()));
        }
        if (t.boards().isEmpty()) {
            throw new ToolException(ExitCodes.FAILURE, "no online board of fleet " + fleet + " can take "
                    + checked.info().name() + " " + checked.info().version()
                    + (t.excluded().isEmpty() ? " (no board seen within --discover " + discoverMs + " ms; check --fleet"
                    + " and spindle boards)" : ":" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", t.excluded())));
        }
        int[] ends;
        try {
            ends = Waves.parse(waves).resolve(t.boards().size());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!json && !t.excluded().isEmpty()) {
            out().println("left out (" + t.excluded().size() + "): " + String.join("; ", t.excluded()));
        }
        RolloutRecord rec = new RolloutRecord();
        rec.id = RolloutStore.newId(now);
        rec.createdMs = now;
        rec.updatedMs = now;
        rec.user = audit.user();
        rec.host = audit.host();
        rec.fleet = fleet;
        rec.bundle = RolloutRecord.Bundle.of(checked.info());
        RolloutRecord.Plan p = new RolloutRecord.Plan();
        p.waves = w.text();
        p.waveEnds = ends;
        p.maxFailures = FailureThreshold.parse(maxFailures).text();
        p.parallel = parallel;
        p.timeouts(timeouts);
        rec.plan = p;
        int wave = 0;
        for (int i = 0; i < t.boards().size(); i++) {
            while (i >= ends[wave]) {
                wave++;
            }
            RolloutRecord.Board b = new RolloutRecord.Board();
            b.board = t.boards().get(i);
            b.wave = wave + 1;
            rec.boards.add(b);
        }
        return rec;
    }

    private RolloutRecord loadForResume(RolloutStore store, BrokerOptions.Resolved r, StepTimeouts timeouts)
            throws ToolException {
        if (!boards.isEmpty() || given("--waves") || bundle != null) {
            throw usage("--resume continues the stored plan: leave out BUNDLE, --board and --waves"
                    + " (--max-failures, --parallel and --step-timeout may be changed)");
        }
        RolloutRecord rec;
        try {
            if ("latest".equals(resume)) {
                rec = store.latestUnfinished().orElseThrow(() -> new ToolException(ExitCodes.FAILURE,
                        "no unfinished rollout in " + store.dir() + " (spindle deploy --list shows them)"));
            } else {
                rec = store.load(resume);
            }
        } catch (NoSuchFileException e) {
            throw new ToolException(ExitCodes.FAILURE, e.getReason() + " (spindle deploy --list shows them)");
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot read the rollout: " + e.getMessage());
        }
        if (given("--fleet") && !rec.fleet.equals(r.fleet())) {
            throw usage("rollout " + rec.id + " is in fleet " + rec.fleet + ", not " + r.fleet());
        }
        String sha;
        try {
            sha = BundleVerifier.fileSha256(Path.of(rec.bundle.path));
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "rollout " + rec.id + " deploys " + rec.bundle.path
                    + ", which cannot be read now (" + e.getMessage() + "): put the file back to resume");
        }
        if (!sha.equals(rec.bundle.sha256)) {
            throw new ToolException(ExitCodes.FAILURE, "rollout " + rec.id + " deploys " + rec.bundle.path
                    + " with SHA-256 " + rec.bundle.sha256 + ", but the file now has " + sha
                    + ": put the original file back, or start a new rollout for the new bundle");
        }
        if (given("--max-failures")) {
            rec.plan.maxFailures = FailureThreshold.parse(maxFailures).text();
        }
        if (given("--parallel")) {
            rec.plan.parallel = parallel;
        }
        if (given("--step-timeout")) {
            rec.plan.timeouts(rec.plan.timeouts().with(stepTimeouts));
        }
        return rec;
    }

    private int execute(RolloutRecord rec, Link link, RolloutStore store, AuditLog audit, Duration poll)
            throws ToolException, InterruptedException {
        BoardDeployment deployment;
        try {
            Rpc rpc = new Rpc(link, rec.fleet);
            BundleUploader uploader = uploaders.create(link, rec.fleet, rpc);
            deployment = new MqttBoardDeployment(link, rec.fleet, rpc, uploader, Duration.ofMillis(broker.timeoutMs()),
                    poll).force(force);
        } catch (UnsupportedOperationException e) {
            throw new ToolException(ExitCodes.FAILURE, "no board was touched: " + e.getMessage());
        } catch (LinkException e) {
            throw new ToolException(ExitCodes.BROKER_UNREACHABLE, e.getMessage());
        }
        try {
            store.save(rec);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot write the rollout file in " + store.dir() + ": "
                    + e.getMessage() + " (fix --state-dir or SPINDLE_STATE_DIR)");
        }
        RolloutListener view;
        ProgressBars bars = null;
        if (json) {
            view = new RolloutListener() { };
        } else {
            out().println("rollout " + rec.id + ": " + rec.bundle.name + " " + rec.bundle.version + " (sha256 "
                    + rec.bundle.sha256.substring(0, 12) + "…) to " + rec.boards.size() + " boards of fleet "
                    + rec.fleet + "; waves " + rec.plan.waves + " " + java.util.Arrays.toString(rec.plan.waveEnds)
                    + ", max failures " + rec.plan.maxFailures + ", parallel " + rec.plan.parallel);
            out().flush();
            if (System.console() != null && !noProgress) {
                bars = new ProgressBars(System.err, null, rec.bundle.size,
                        rec.boards.stream().map(b -> b.board).toList());
                view = bars;
            } else {
                view = new LineView(out());
            }
        }
        RolloutPublisher publisher = RolloutPublisher.start(link, rec, view);
        RolloutEngine engine = new RolloutEngine(rec, deployment, store, audit, publisher);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            engine.stop();
            try {
                finished.await(RolloutEngine.STOP_GRACE.toMillis() + 3000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spindle-deploy-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RolloutRecord result;
            try {
                result = engine.run();
                publisher.finish(result); // the final state, also after Ctrl-C (boards left mid-step)
            } catch (IOException e) {
                throw new ToolException(ExitCodes.FAILURE, e.getMessage());
            } finally {
                if (bars != null) {
                    bars.close();
                }
            }
            if (json) {
                out().println(Json.MAPPER.valueToTree(Summary.json(result, engine.failureLimit())).toString());
            } else {
                out().println();
                out().print(Summary.table(result));
            }
            out().flush();
            return Summary.exitCode(result);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the summary above
            }
        }
    }

    private int list(RolloutStore store) throws ToolException {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "STATUS", "BUNDLE", "FLEET", "BOARDS", "DONE", "USER"});
        try {
            for (String id : store.ids()) {
                try {
                    RolloutRecord x = store.load(id);
                    rows.add(new String[] {x.id, x.status, x.bundle.name + " " + x.bundle.version, x.fleet,
                        String.valueOf(x.boards.size()), String.valueOf(x.count(BoardState.DONE)),
                        x.user + "@" + x.host});
                } catch (IOException e) {
                    rows.add(new String[] {id, "unreadable", e.getMessage(), "", "", "", ""});
                }
            }
        } catch (IOException e) {
            throw new ToolException(ExitCodes.FAILURE, "cannot list " + store.dir() + ": " + e.getMessage());
        }
        if (rows.size() == 1) {
            out().println("no rollouts in " + store.dir());
        } else {
            out().print(Summary.render(rows));
        }
        out().flush();
        return ExitCodes.OK;
    }
}
