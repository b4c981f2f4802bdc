package dev.spindle.agent.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spindle.bundle.BundleRejectedException;
import dev.spindle.bundle.BundleVerifier;
import dev.spindle.bundle.Compatibility;
import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import dev.spindle.bundle.TrustStore;
import dev.spindle.bundle.VerifiedBundle;
import dev.spindle.bundle.ZipLimits;
import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Installs bundles into the A/B slots, switches to them, checks their health and rolls back
 * (docs/deploy.md, "On the board").
 *
 * <h2>State machine</h2>
 * The state lives in {@code deploy-state.json} ({@link DeployState}); every transition is written
 * (atomically) <em>before</em> the agent acts on it, so a restart at any moment finds either the
 * step that was about to happen or the one before, and {@link #boot()} resolves it:
 * <pre>
 * idle --install--> installing(slot T)   clear T, verify + extract the bundle into T
 *      installing --extracted--> switching          stop the old app
 *      switching --old stopped--> health_check      active=T, previous=F; start T, watch it
 *      health_check --passed--> idle                T good; deploy_done
 *      health_check --failed--> rolling_back        active=F, previous=T, T failed, bundle marked
 *      rolling_back --F started--> idle             rollback, deploy_failed
 * idle --rollback on demand--> rolling_back (to previous, which must be good) --> idle
 * </pre>
 * Boot ({@link #boot()}) maps each stored step to one recovery, never to a retry:
 * <ul>
 * <li>{@code installing}: the slot may be half written: it is cleared; {@code deploy_failed interrupted};</li>
 * <li>{@code switching}: the new firmware never ran: stay on the old one (the slot keeps the
 *     extracted bundle, {@code installed}); {@code deploy_failed interrupted}; the bundle is not marked;</li>
 * <li>{@code health_check}: the new firmware ran but was not proven: treated as a failed health
 *     check ({@code interrupted}) and rolled back; the bundle is marked failed, since a firmware that
 *     kills the JVM (exit, out of memory) looks exactly like this, and retrying it would loop;</li>
 * <li>{@code rolling_back}: finished: the old firmware starts;</li>
 * <li>anything else (a newer agent's step): like {@code health_check}, back to the previous firmware.</li>
 * </ul>
 * Then the active firmware starts; if it cannot (its slot fails {@link SlotStore#check}, its
 * class is missing), the previous one, then any other good slot, then the factory firmware
 * ({@code app.main}) is tried, each once: a bounded list, so boot always ends.
 *
 * <p>No rollback loop: a rollback target is never health-checked (it is the last firmware known to
 * run), a failed bundle's SHA-256 is marked and refused unless {@code force}, and a boot never
 * retries a deploy.
 *
 * <h2>Threads and locking</h2>
 * {@link #install} checks and reserves under {@code lock}, then runs the deploy on a new plain JVM
 * thread {@code agent-deploy} and returns; {@link #rollback()} runs on the caller's thread. The
 * {@code busy} flag makes them exclusive: only the holder of {@code busy} (or {@link #boot()},
 * before anything else runs) changes {@code state} or starts and stops apps, so the long steps run
 * without the lock; readers ({@link #status()}, {@link #activeSlot()}) take the lock only to read.
 * The terminal events of a deploy or rollback ({@code deploy_done}, {@code deploy_failed},
 * {@code rollback}) are published after {@code busy} is released: a host that sends the next
 * bundle as soon as it sees one finds the board idle, never {@code busy}.
 */
public final class DeployController implements AutoCloseable {
    private final DeployConfig config;
    private final DeployHost host;
    private final SlotStore slots;
    private final StateStore store;
    private final Compatibility target;
    private final AppSpec factory; // mainClass null: the factory firmware is "no app"
    private final ClassLoader agentLoader;
    private final HealthWatch health;

    private final Object lock = new Object();
    private DeployState state; // guarded by lock
    private boolean busy; // guarded by lock: a deploy or rollback holds it
    private boolean booted; // guarded by lock
    private boolean closed; // guarded by lock
    private java.lang.Thread worker; // guarded by lock: the running deploy's thread
    private SlotClassLoader loader; // guarded by lock: the loader of the running slot app, or null

    /**
     * @param config       the {@code deploy.*} keys
     * @param dataDir      the agent's {@code data.dir}
     * @param boardType    this board's type (bundles must list it), or null to skip the check
     * @param agentVersion this agent's version (bundles' {@code minAgentVersion}), or null to skip the check
     * @param factory      the factory firmware: {@code app.main} on the agent's class path ({@code mainClass} null: none)
     * @param host         the agent
     */
    public DeployController(DeployConfig config, Path dataDir, String boardType, String agentVersion,
            AppSpec factory, DeployHost host) {
        this.config = config;
        this.host = host;
        this.slots = new SlotStore(dataDir);
        this.store = new StateStore(dataDir, slots);
        this.target = new Compatibility(boardType, semver(agentVersion));
        this.factory = factory;
        this.agentLoader = factory.loader() != null ? factory.loader() : DeployController.class.getClassLoader();
        this.health = new HealthWatch(config, host);
    }

    private static SemVer semver(String v) {
        try {
            return v == null ? null : SemVer.parse(v);
        } catch (IllegalArgumentException e) {
            return null; // a development build without a version: minAgentVersion is not checked
        }
    }

    // ---- queries --------------------------------------------------------------------------------

    /** @return the active firmware: {@code a}, {@code b} or {@code factory} */
    public String activeSlot() {
        synchronized (lock) {
            return state == null ? DeployState.FACTORY : state.active();
        }
    }

    /** @return the running firmware's name ({@code factory} for the factory firmware) */
    public String firmwareName() {
        synchronized (lock) {
            if (state == null || !DeployState.isSlot(state.active())) {
                return factory.name();
            }
            return state.slot(state.active()).bundle();
        }
    }

    /** @return the running firmware's version (the factory's is {@code app.version}) */
    public String firmwareVersion() {
        synchronized (lock) {
            if (state == null || !DeployState.isSlot(state.active())) {
                return factory.version();
            }
            return state.slot(state.active()).version();
        }
    }

    /** @return whether unsigned bundles are accepted (development mode, {@code deploy.allow.unsigned}) */
    public boolean devMode() {
        return config.allowUnsigned();
    }

    /** @return whether a deploy or rollback is under way */
    public boolean busy() {
        synchronized (lock) {
            return busy;
        }
    }

    /** @return a copy of the current state (tests, status) */
    public DeployState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** @return the state file's path */
    public Path stateFile() {
        return store.file();
    }

    /**
     * Waits until no deploy or rollback is under way.
     *
     * @return false when still busy after {@code timeoutMs}
     */
    public boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        synchronized (lock) {
            while (busy) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    /** The reply of {@code deploy.status}: slots, active, pending, failed marks, history. */
    public ObjectNode status() {
        DeployState s;
        boolean b;
        synchronized (lock) {
            s = state == null ? DeployState.initial() : state;
            b = busy;
        }
        ObjectNode o = Json.object();
        o.put("active", s.active());
        o.put("previous", s.previous());
        o.put("firmware_name", firmwareName());
        o.put("firmware_version", firmwareVersion());
        o.put("dev_mode", config.allowUnsigned());
        o.put("busy", b);
        o.set("pending", s.pending() == null ? null : Json.MAPPER.valueToTree(s.pending()));
        o.set("slots", Json.MAPPER.valueToTree(s.slots()));
        ArrayNode failed = o.putArray("failed");
        for (Map.Entry<String, DeployState.FailedMark> e : s.failed().entrySet()) {
            ObjectNode f = Json.MAPPER.valueToTree(e.getValue());
            f.put("sha256", e.getKey());
            failed.add(f);
        }
        o.set("history", Json.MAPPER.valueToTree(s.history()));
        o.put("health_grace_ms", config.healthGraceMs());
        return o;
    }

    // ---- boot -----------------------------------------------------------------------------------

    /**
     * Reads the state, resolves a step a restart interrupted (see the class comment), and starts
     * the active firmware. Call once, before {@link #install}; returns when the app was started.
     */
    public void boot() {
        StateStore.Loaded l = store.load();
        synchronized (lock) {
            state = l.state();
            booted = true;
        }
        try {
            slots.createRoot();
        } catch (IOException e) {
            host.log("error", "cannot create " + slots.dir("") + ": " + e.getMessage());
        }
        if (l.problem() != null) {
            recovered(l.problem() + "; rebuilt from the slots: active " + l.state().active());
            commitQuietly(l.state());
        } else if (!Files.exists(store.file())) {
            commitQuietly(l.state()); // a fresh board: the file exists from now on
        }
        DeployState.Pending p = l.state().pending();
        if (p == null) {
            startActive();
            return;
        }
        host.log("warning", "deploy " + p.id() + " was interrupted at step " + p.op() + " by a restart of the agent");
        switch (p.op()) {
            case DeployState.OP_INSTALLING -> {
                try {
                    slots.clear(p.slot());
                } catch (IOException e) {
                    host.log("error", "cannot clear slot " + p.slot() + ": " + e.getMessage());
                }
                abandon(p, state().withSlot(p.slot(), DeployState.Slot.EMPTY_SLOT), "the agent restarted while"
                        + " the bundle was being installed into slot " + p.slot());
                startActive();
            }
            case DeployState.OP_SWITCHING -> {
                abandon(p, state(), "the agent restarted before the new firmware started; still on " + p.from());
                startActive();
            }
            case DeployState.OP_ROLLING_BACK -> finishRollback(p).run();
            default -> { // health_check, or a step of a newer agent: back to what ran before
                try {
                    commitRollback(p, Failures.INTERRUPTED, "the agent restarted during the health check of "
                            + p.bundle() + " " + p.version() + " (crash, power cut or kill); it counts as failed");
                } catch (IOException e) {
                    host.log("error", "cannot write the deploy state: " + e.getMessage());
                }
                finishRollback(state().pending()).run();
            }
        }
    }

    private void abandon(DeployState.Pending p, DeployState s, String detail) {
        commitQuietly(s.withPending(null).withHistory(new DeployState.HistoryEntry(System.currentTimeMillis(), p.id(),
                "failed", p.slot(), p.bundle(), p.version(), p.sha256(), Failures.INTERRUPTED)));
        failedEvent(p.id(), Failures.INTERRUPTED, detail, p.slot(), p.bundle(), p.version(), p.sha256(), null);
    }

    /**
     * Starts the active firmware, falling back (each candidate once) to the previous, another
     * good slot, then the factory firmware. Records the firmware that runs.
     */
    private void startActive() {
        DeployState s = state();
        List<String> candidates = new ArrayList<>();
        candidates.add(s.active());
        if (s.previous() != null && !candidates.contains(s.previous())) {
            candidates.add(s.previous());
        }
        for (String slot : List.of(DeployState.SLOT_A, DeployState.SLOT_B)) {
            if (!candidates.contains(slot) && DeployState.GOOD.equals(s.slot(slot).status())) {
                candidates.add(slot);
            }
        }
        if (!candidates.contains(DeployState.FACTORY)) {
            candidates.add(DeployState.FACTORY);
        }
        List<String> problems = new ArrayList<>();
        for (String c : candidates) {
            String why = tryStart(c);
            if (why == null) {
                if (!c.equals(s.active())) {
                    DeployState next = state().withActive(c, null);
                    if (DeployState.isSlot(c)) {
                        next = next.withSlot(c, next.slot(c).withStatus(DeployState.GOOD));
                    }
                    commitQuietly(next);
                    recovered("the active firmware " + s.active() + " cannot run (" + String.join("; ", problems)
                            + "); running " + c + " instead");
                }
                return;
            }
            problems.add(c + ": " + why);
            host.log("error", "firmware " + c + " cannot run: " + why);
        }
    }

    /** @return null when the firmware started, else why not */
    private String tryStart(String slot) {
        if (DeployState.FACTORY.equals(slot)) {
            if (factory.mainClass() == null) {
                return null; // no app configured: nothing to start, which is what factory means here
            }
            try {
                host.startApp(factory);
                return null;
            } catch (Exception e) {
                return e.getMessage();
            }
        }
        DeployState.Slot info = state().slot(slot);
        if (!info.runnable()) {
            return "slot " + slot + " is " + info.status();
        }
        Manifest m;
        try {
            m = slots.check(slot);
        } catch (IOException e) {
            return e.getMessage();
        }
        SlotClassLoader cl = new SlotClassLoader("slot-" + slot, slots.classPath(slot, m), agentLoader);
        try {
            host.startApp(new AppSpec(m.mainClass(), cl, slot, m.name(), m.version().toString()));
        } catch (Exception e) {
            closeLoader(cl);
            return e.getMessage();
        }
        synchronized (lock) {
            loader = cl;
        }
        return null;
    }

    // ---- install --------------------------------------------------------------------------------

    /**
     * Installs a bundle: checks at once, then verifies, extracts, switches and health-checks on a
     * new thread ({@code agent-deploy}) and returns. Every call ends in exactly one terminal event,
     * {@code deploy_done} or {@code deploy_failed} (a refusal too), carrying the deploy id when one
     * was assigned.
     *
     * @param bundleFile the complete bundle file (the controller reads it; the caller keeps or deletes it
     *                   after the deploy ends, see {@link #awaitIdle})
     * @param sha256     the SHA-256 the sender announced (64 hex digits): the file must match it
     * @param force      install even if this bundle failed before on this board
     * @return the deploy id ({@code d-N})
     * @throws DeployRefused with {@link Failures#BUSY}, {@link Failures#PREVIOUSLY_FAILED},
     *         {@link Failures#NO_BUNDLE} or {@link Failures#SHA256_MISMATCH} (malformed hash); nothing changed
     */
    public String install(Path bundleFile, String sha256, boolean force) throws DeployRefused {
        String sha = sha256 == null ? "" : sha256.trim().toLowerCase(Locale.ROOT);
        String id;
        try {
            synchronized (lock) {
                if (!booted || closed) {
                    throw new DeployRefused(Failures.BUSY, "the agent is " + (closed ? "stopping" : "starting")
                            + "; send the bundle again in a moment");
                }
                if (busy) {
                    throw new DeployRefused(Failures.BUSY, "another deploy or rollback is under way ("
                            + (state.pending() == null ? "rollback" : state.pending().id() + ", " + state.pending().op())
                            + "); send the bundle again when it ended");
                }
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new DeployRefused(Failures.SHA256_MISMATCH, "'" + sha256
                            + "' is not a SHA-256 (64 hex digits)");
                }
                if (bundleFile == null || !Files.isRegularFile(bundleFile)) {
                    throw new DeployRefused(Failures.NO_BUNDLE, "the bundle file " + bundleFile
                            + " does not exist; transfer it again");
                }
                DeployState.FailedMark mark = state.failed().get(sha);
                if (mark != null && !force) {
                    throw new DeployRefused(Failures.PREVIOUSLY_FAILED, (mark.bundle() == null ? "this bundle"
                            : "bundle " + mark.bundle() + " " + mark.version()) // null: refused before its manifest was read
                            + " (" + sha.substring(0, 12) + "…) failed on this board before (" + mark.reason() + ": "
                            + mark.detail() + "); fix it and deploy a new build, or deploy it again with force");
                }
                id = "d-" + state.nextId();
                state = state.withNextId(state.nextId() + 1); // written with the first step
                busy = true;
                final String deployId = id;
                worker = new java.lang.Thread(() -> runDeploy(deployId, bundleFile, sha), "agent-deploy");
                worker.setDaemon(true);
                worker.start();
            }
        } catch (DeployRefused r) {
            host.log("warning", "deploy refused (" + r.reason() + "): " + r.getMessage());
            failedEvent(null, r.reason(), r.getMessage(), null, null, null, sha.isEmpty() ? null : sha, null);
            throw r;
        }
        return id;
    }

    /** A failure before the switch: the old firmware keeps running. */
    private static final class PreSwitchFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;
        final boolean markBundle;

        PreSwitchFailure(String reason, String detail, boolean markBundle) {
            super(detail);
            this.reason = reason;
            this.markBundle = markBundle;
        }
    }

    /** The agent is stopping: leave the state as it is on disk (boot resolves it). */
    private static final class Abandoned extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private void runDeploy(String id, Path bundleFile, String sha) {
        DeployState s0 = state();
        String from = s0.active();
        String slot = chooseSlot(s0);
        String bundle = null;
        String version = null;
        Runnable report = () -> { }; // the terminal event, published once busy is released
        try {
            progress(id, DeployState.OP_INSTALLING, slot, null, null, sha, "installing into slot " + slot);
            commit(s0.withSlot(slot, new DeployState.Slot(DeployState.INSTALLING, null, null, sha, null, 0, null))
                    .withPending(new DeployState.Pending(DeployState.OP_INSTALLING, id, slot, from, sha, null, null,
                            System.currentTimeMillis(), 0, null, null)));
            CrashPoint.at(CrashPoint.INSTALL_RECORDED);
            VerifiedBundle vb = extract(bundleFile, slot, sha);
            CrashPoint.at(CrashPoint.INSTALL_EXTRACTED);
            Manifest m = vb.manifest();
            bundle = m.name();
            version = m.version().toString();
            host.log("info", "deploy " + id + ": " + bundle + " " + version + " installed in slot " + slot + " ("
                    + vb.signatureNote() + ")");
            commit(state().withSlot(slot, new DeployState.Slot(DeployState.INSTALLED, bundle, version, sha,
                    m.mainClass(), System.currentTimeMillis(), vb.signatureNote()))
                    .withPending(new DeployState.Pending(DeployState.OP_SWITCHING, id, slot, from, sha, bundle, version,
                            System.currentTimeMillis(), 0, null, null)));
            CrashPoint.at(CrashPoint.SWITCH_RECORDED);
            progress(id, DeployState.OP_SWITCHING, slot, bundle, version, sha, "stopping firmware " + from);
            if (!host.stopApp("deploy", config.stopTimeoutMs())) {
                throw new PreSwitchFailure(Failures.OLD_APP_STUCK, "the running app did not stop within "
                        + config.stopTimeoutMs() + " ms, so " + bundle + " " + version + " was not started; give the app"
                        + " a stop() that ends its threads", false);
            }
            closeCurrentLoader();
            CrashPoint.at(CrashPoint.SWITCH_OLD_STOPPED);
            checkNotClosed();
            long started = System.currentTimeMillis();
            long deadline = started + config.healthTimeoutMs();
            commit(state().withSlot(slot, state().slot(slot).withStatus(DeployState.TRIAL)).withActive(slot, from)
                    .withPending(new DeployState.Pending(DeployState.OP_HEALTH_CHECK, id, slot, from, sha, bundle,
                            version, started, deadline, null, null)));
            CrashPoint.at(CrashPoint.HEALTH_RECORDED);
            progress(id, DeployState.OP_HEALTH_CHECK, slot, bundle, version, sha, "health check for "
                    + config.healthGraceMs() + " ms");
            String[] verdict;
            String why = tryStart(slot);
            if (why != null) {
                verdict = new String[] {Failures.APP_START_FAILED, why};
            } else {
                CrashPoint.at(CrashPoint.HEALTH_APP_STARTED);
                try {
                    HealthWatch.Verdict v = health.watch(started, deadline, this::isClosed);
                    verdict = v == null ? null : new String[] {v.reason(), v.detail()};
                } catch (InterruptedException e) {
                    throw new Abandoned();
                }
            }
            if (verdict == null) {
                CrashPoint.at(CrashPoint.HEALTH_PASSED);
                commit(state().withSlot(slot, state().slot(slot).withStatus(DeployState.GOOD)).withPending(null)
                        .withoutFailed(sha).withHistory(new DeployState.HistoryEntry(System.currentTimeMillis(), id,
                                "done", slot, bundle, version, sha, null)));
                host.log("info", "deploy " + id + ": " + bundle + " " + version + " passed its health check in slot "
                        + slot);
                Map<String, Object> d = data(id, slot, bundle, version, sha);
                d.put("previous", from);
                String msg = "deploy " + id + ": " + bundle + " " + version + " runs in slot " + slot
                        + " and passed its health check";
                report = () -> host.event(EventMessage.DEPLOY_DONE, EventMessage.INFO, msg, d);
            } else {
                commitRollback(state().pending(), verdict[0], verdict[1]);
                report = finishRollback(state().pending());
            }
        } catch (PreSwitchFailure f) {
            DeployState s = state();
            if (f.markBundle) {
                s = s.withFailed(sha, new DeployState.FailedMark(bundle, version, f.reason, f.getMessage(),
                        System.currentTimeMillis()));
            }
            if (DeployState.INSTALLING.equals(s.slot(slot).status())) {
                s = s.withSlot(slot, DeployState.Slot.EMPTY_SLOT);
            }
            commitQuietly(s.withPending(null).withHistory(new DeployState.HistoryEntry(System.currentTimeMillis(), id,
                    "failed", slot, bundle, version, sha, f.reason)));
            host.log("error", "deploy " + id + " failed (" + f.reason + "): " + f.getMessage());
            String b = bundle;
            String v = version;
            report = () -> failedEvent(id, f.reason, f.getMessage(), slot, b, v, sha, null);
            if (!"running".equals(host.appState()) && !Failures.OLD_APP_STUCK.equals(f.reason)) {
                startActive(); // the old app was not stopped unless the failure came after; make sure it runs
            }
        } catch (Abandoned a) {
            host.log("warning", "deploy " + id + " left at its current step: the agent is stopping (the next start"
                    + " resolves it)");
        } catch (IOException | RuntimeException e) {
            host.log("error", "deploy " + id + " failed: " + e);
            String b = bundle;
            String v = version;
            report = () -> failedEvent(id, Failures.IO_ERROR, "the deploy stopped: " + e.getMessage()
                    + " (check that data.dir is writable and has space)", slot, b, v, sha, null);
            if (!"running".equals(host.appState())) {
                startActive();
            }
        } finally {
            synchronized (lock) {
                busy = false;
                worker = null;
                lock.notifyAll();
            }
        }
        report.run(); // after busy: a host that sends the next bundle on this event finds the board idle
    }

    private VerifiedBundle extract(Path bundleFile, String slot, String sha) throws PreSwitchFailure, IOException {
        TrustStore trust;
        try {
            trust = config.trust().isEmpty() ? TrustStore.empty() : TrustStore.load(config.trust());
        } catch (IOException e) {
            throw new PreSwitchFailure(Failures.TRUST_STORE, "the trusted keys cannot be read: " + e.getMessage()
                    + " (deploy.trust)", false);
        }
        slots.clear(slot);
        BundleVerifier v = new BundleVerifier(trust, config.allowUnsigned(), ZipLimits.DEFAULT);
        VerifiedBundle vb;
        try {
            vb = slots.extract(v, bundleFile, target, slot);
        } catch (BundleRejectedException e) {
            throw new PreSwitchFailure(Failures.of(e.reason()), e.detail() + ". " + e.reason().advice(), true);
        } catch (IOException e) {
            if (!Files.isRegularFile(bundleFile)) {
                throw new PreSwitchFailure(Failures.NO_BUNDLE, "the bundle file " + bundleFile
                        + " disappeared; transfer it again", false);
            }
            throw e;
        }
        if (!vb.sha256().equals(sha)) {
            slots.clear(slot);
            throw new PreSwitchFailure(Failures.SHA256_MISMATCH, "the bundle file's SHA-256 is " + vb.sha256()
                    + ", not the announced " + sha + "; transfer it again", false);
        }
        return vb;
    }

    /** @return the slot to install into: not the active one; keeps the rollback target if it can */
    private static String chooseSlot(DeployState s) {
        if (DeployState.isSlot(s.active())) {
            return DeployState.other(s.active());
        }
        if (DeployState.isSlot(s.previous()) && DeployState.GOOD.equals(s.slot(s.previous()).status())) {
            return DeployState.other(s.previous());
        }
        return DeployState.GOOD.equals(s.slot(DeployState.SLOT_A).status())
                && !DeployState.GOOD.equals(s.slot(DeployState.SLOT_B).status()) ? DeployState.SLOT_B : DeployState.SLOT_A;
    }

    // ---- rollback -------------------------------------------------------------------------------

    /**
     * Writes the decision to roll back: the failed slot is marked, the bundle too, and the previous
     * firmware becomes active, all in one write (the point of no return of a failed deploy).
     */
    private void commitRollback(DeployState.Pending p, String reason, String detail) throws IOException {
        String failedSlot = p.slot();
        String to = p.from() == null ? DeployState.FACTORY : p.from();
        DeployState s = state();
        DeployState next = s.withActive(to, failedSlot)
                .withPending(new DeployState.Pending(DeployState.OP_ROLLING_BACK, p.id(), failedSlot, to, p.sha256(),
                        p.bundle(), p.version(), System.currentTimeMillis(), 0, reason, detail));
        if (p.bundle() != null) {
            next = next.withSlot(failedSlot, next.slot(failedSlot).withStatus(DeployState.FAILED));
        }
        if (p.sha256() != null) {
            next = next.withFailed(p.sha256(), new DeployState.FailedMark(p.bundle(), p.version(), reason, detail,
                    System.currentTimeMillis()));
        }
        host.log("error", "deploy " + p.id() + ": " + p.bundle() + " " + p.version() + " failed its health check ("
                + reason + ": " + detail + "); rolling back to " + to);
        commit(next);
        CrashPoint.at(CrashPoint.ROLLBACK_RECORDED);
    }

    /**
     * Stops the failed app, starts the recorded active firmware, clears the step.
     *
     * @return the report ({@code rollback}, and {@code deploy_failed} for an automatic one): the
     *         caller runs it once it released {@code busy}, so a host reacting to it finds the board idle
     */
    private Runnable finishRollback(DeployState.Pending p) {
        host.stopApp("rollback", config.stopTimeoutMs());
        closeCurrentLoader();
        CrashPoint.at(CrashPoint.ROLLBACK_NEW_STOPPED);
        startActive();
        CrashPoint.at(CrashPoint.ROLLBACK_OLD_STARTED);
        DeployState s = state();
        boolean automatic = p.reason() != null;
        commitQuietly(s.withPending(null).withHistory(new DeployState.HistoryEntry(System.currentTimeMillis(), p.id(),
                automatic ? "rolled_back" : "rollback", p.slot(), p.bundle(), p.version(), p.sha256(), p.reason())));
        Map<String, Object> d = data(p.id(), p.slot(), p.bundle(), p.version(), p.sha256());
        d.put("from", p.slot());
        d.put("to", s.active());
        d.put("reason", automatic ? p.reason() : "requested");
        if (p.detail() != null) {
            d.put("detail", p.detail());
        }
        String msg = automatic ? "rolled back from slot " + p.slot() + " (" + p.bundle() + " " + p.version() + ", "
                + p.reason() + ": " + p.detail() + ") to " + s.active()
                : "rolled back on request from " + p.slot() + " to " + s.active();
        host.log("warning", msg);
        return () -> {
            host.event(EventMessage.ROLLBACK, automatic ? EventMessage.ERROR : EventMessage.WARNING, msg, d);
            if (automatic) {
                failedEvent(p.id(), p.reason(), p.detail(), p.slot(), p.bundle(), p.version(), p.sha256(), s.active());
            }
        };
    }

    /**
     * Rollback on demand ({@code deploy.rollback}, {@code spindle rollback BOARD}): back to the
     * previous firmware, which must be good (a slot that passed its health check or ran as active,
     * and whose files are intact) or the factory firmware. Runs on the caller's thread; not
     * health-checked (it is the last known good firmware).
     *
     * @return {@code from}, {@code to}, {@code firmware_name}, {@code firmware_version}
     * @throws DeployRefused {@link Failures#BUSY} or {@link Failures#NO_PREVIOUS}; nothing changed
     */
    public ObjectNode rollback() throws DeployRefused {
        DeployState s;
        String id;
        synchronized (lock) {
            if (!booted || closed || busy) {
                throw new DeployRefused(Failures.BUSY, busy ? "a deploy or rollback is under way; try again when it"
                        + " ended (deploy.status shows it)" : "the agent is starting or stopping; try again");
            }
            s = state;
            String prev = s.previous();
            String why = null;
            if (prev == null) {
                why = "this board has no previous firmware (active is " + s.active() + ")";
            } else if (DeployState.FACTORY.equals(prev)) {
                if (factory.mainClass() == null) {
                    why = "the previous firmware is the factory firmware, and app.main is not set";
                }
            } else if (!DeployState.GOOD.equals(s.slot(prev).status())) {
                DeployState.Slot x = s.slot(prev);
                why = "the previous slot " + prev + " is " + x.status()
                        + (x.bundle() == null ? "" : " (" + x.bundle() + " " + x.version() + ")")
                        + ", not a firmware known to run";
            }
            if (why == null && DeployState.isSlot(prev)) {
                try {
                    slots.check(prev);
                } catch (IOException e) {
                    why = e.getMessage();
                }
            }
            if (why != null) {
                throw new DeployRefused(Failures.NO_PREVIOUS, why + "; nothing to roll back to. Deploy the"
                        + " firmware you want instead (spindle deploy)");
            }
            id = "r-" + s.nextId();
            busy = true;
        }
        Runnable report = () -> { };
        try {
            String from = s.active();
            String to = s.previous();
            DeployState.Slot fromSlot = DeployState.isSlot(from) ? s.slot(from) : DeployState.Slot.EMPTY_SLOT;
            commit(s.withNextId(s.nextId() + 1).withActive(to, from)
                    .withPending(new DeployState.Pending(DeployState.OP_ROLLING_BACK, id, from, to,
                            fromSlot.sha256(), fromSlot.bundle(), fromSlot.version(), System.currentTimeMillis(), 0,
                            null, null)));
            report = finishRollback(state().pending());
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("from", from);
            o.put("to", activeSlot());
            o.put("firmware_name", firmwareName());
            o.put("firmware_version", firmwareVersion());
            return o;
        } catch (IOException e) {
            throw new DeployRefused(Failures.IO_ERROR, "cannot write the deploy state: " + e.getMessage()
                    + " (check that data.dir is writable and has space)");
        } finally {
            synchronized (lock) {
                busy = false;
                lock.notifyAll();
            }
            report.run(); // after busy, like a deploy's terminal event
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private void commit(DeployState next) throws IOException {
        boolean changed;
        synchronized (lock) {
            store.save(next);
            changed = state == null || !state.active().equals(next.active());
            state = next;
        }
        if (changed) {
            host.firmwareChanged();
        }
    }

    private void commitQuietly(DeployState next) {
        try {
            commit(next);
        } catch (IOException e) {
            synchronized (lock) {
                state = next; // run on it; the next successful write brings the file up to date
            }
            host.log("error", "cannot write " + store.file() + ": " + e.getMessage()
                    + " (check that data.dir is writable and has space)");
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void checkNotClosed() throws Abandoned {
        synchronized (lock) {
            if (closed) {
                throw new Abandoned();
            }
        }
    }

    private void closeCurrentLoader() {
        SlotClassLoader l;
        synchronized (lock) {
            l = loader;
            loader = null;
        }
        closeLoader(l);
    }

    private static void closeLoader(SlotClassLoader l) {
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                // its jar files close when the loader is collected
            }
        }
    }

    private void recovered(String problem) {
        host.log("warning", "deploy state recovered: " + problem);
        host.event(EventMessage.DEPLOY_STATE_RECOVERED, EventMessage.WARNING, "deploy state recovered: " + problem,
                Map.of("problem", problem));
    }

    private void progress(String id, String phase, String slot, String bundle, String version, String sha,
            String what) {
        Map<String, Object> d = data(id, slot, bundle, version, sha);
        d.put("phase", phase);
        host.event(EventMessage.DEPLOY_PROGRESS, EventMessage.INFO, "deploy " + id + ": " + what, d);
    }

    private void failedEvent(String id, String reason, String detail, String slot, String bundle, String version,
            String sha, String rolledBackTo) {
        Map<String, Object> d = data(id, slot, bundle, version, sha);
        d.put("reason", reason);
        d.put("detail", detail);
        if (rolledBackTo != null) {
            d.put("rolled_back_to", rolledBackTo);
        }
        host.event(EventMessage.DEPLOY_FAILED, EventMessage.ERROR, "deploy " + (id == null ? "" : id + " ")
                + "failed (" + reason + "): " + detail, d);
    }

    private static Map<String, Object> data(String id, String slot, String bundle, String version, String sha) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (id != null) {
            d.put("id", id);
        }
        if (slot != null) {
            d.put("slot", slot);
        }
        if (bundle != null) {
            d.put("bundle", bundle);
            d.put("version", version);
        }
        if (sha != null) {
            d.put("sha256", sha);
        }
        return d;
    }

    /**
     * Stops the deploy thread (the agent is stopping): a deploy under way is left at its current
     * step on disk, which the next {@link #boot()} resolves. Does not stop the app.
     */
    @Override
    public void close() {
        java.lang.Thread w;
        synchronized (lock) {
            closed = true;
            w = worker;
        }
        if (w != null) {
            w.interrupt();
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt();
            }
        }
    }
}
