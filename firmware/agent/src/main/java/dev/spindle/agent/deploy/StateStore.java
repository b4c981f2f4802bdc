package dev.spindle.agent.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spindle.bundle.Manifest;
import dev.spindle.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes {@code {data.dir}/deploy-state.json}. Writes are atomic ({@link AtomicFile}).
 * Reading never fails: a missing, unreadable, damaged or structurally invalid file is moved aside
 * to {@code deploy-state.json.damaged} (the newest one is kept for diagnosis) and the state is
 * rebuilt from the slots on disk ({@link #rebuild}); {@link Loaded#problem()} then says what was
 * wrong, for the {@code deploy_state_recovered} event. Not thread-safe: the controller serializes
 * every call.
 */
final class StateStore {
    static final String FILE = "deploy-state.json";
    private static final Set<String> ACTIVE = Set.of(DeployState.SLOT_A, DeployState.SLOT_B, DeployState.FACTORY);
    private static final Set<String> STATUS = Set.of(DeployState.EMPTY, DeployState.INSTALLING, DeployState.INSTALLED,
            DeployState.TRIAL, DeployState.GOOD, DeployState.FAILED);
    private static final Set<String> OPS = Set.of(DeployState.OP_INSTALLING, DeployState.OP_SWITCHING,
            DeployState.OP_HEALTH_CHECK, DeployState.OP_ROLLING_BACK);

    private final Path file;
    private final SlotStore slots;

    /**
     * @param state   the state read (or rebuilt)
     * @param problem null when the file was fine or absent on a fresh board; else what was wrong
     */
    record Loaded(DeployState state, String problem) {
    }

    StateStore(Path dataDir, SlotStore slots) {
        this.file = dataDir.resolve(FILE);
        this.slots = slots;
    }

    Path file() {
        return file;
    }

    void save(DeployState s) throws IOException {
        AtomicFile.write(file, Json.bytes(s));
    }

    Loaded load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            DeployState fresh = DeployState.initial();
            boolean any = slots.installedTime(DeployState.SLOT_A) > 0 || slots.installedTime(DeployState.SLOT_B) > 0;
            return any ? new Loaded(rebuild(), FILE + " is missing but the slots hold bundles")
                    : new Loaded(fresh, null);
        } catch (IOException e) {
            return aside("cannot be read (" + e.getMessage() + ")");
        }
        DeployState s;
        try {
            s = Json.MAPPER.readValue(bytes, DeployState.class);
        } catch (JsonProcessingException e) {
            return aside("is damaged (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            return aside("cannot be parsed (" + e.getMessage() + ")");
        }
        String bad = invalid(s);
        return bad == null ? new Loaded(s, null) : aside("is inconsistent (" + bad + ")");
    }

    /** @return what is structurally wrong, or null */
    static String invalid(DeployState s) {
        if (s == null) {
            return "empty";
        }
        if (s.format() != DeployState.FORMAT) {
            return "format " + s.format() + ", this agent reads " + DeployState.FORMAT;
        }
        if (!ACTIVE.contains(s.active())) {
            return "active is '" + s.active() + "'";
        }
        if (s.previous() != null && !ACTIVE.contains(s.previous())) {
            return "previous is '" + s.previous() + "'";
        }
        for (String slot : List.of(DeployState.SLOT_A, DeployState.SLOT_B)) {
            DeployState.Slot x = s.slots().get(slot);
            if (x == null || !STATUS.contains(x.status())) {
                return "slot " + slot + " is missing or has an unknown status";
            }
            if (!DeployState.EMPTY.equals(x.status()) && !DeployState.INSTALLING.equals(x.status())
                    && (x.bundle() == null || x.mainClass() == null)) {
                return "slot " + slot + " is " + x.status() + " but names no bundle";
            }
        }
        if (s.slots().size() != 2) {
            return "slots other than a and b";
        }
        DeployState.Pending p = s.pending();
        if (p != null && (!OPS.contains(p.op()) || !ACTIVE.contains(p.slot()) || p.id() == null
                || (!DeployState.OP_ROLLING_BACK.equals(p.op()) && !DeployState.isSlot(p.slot()))
                || (p.from() != null && !ACTIVE.contains(p.from())))) {
            return "the pending step is malformed";
        }
        if (s.nextId() < 1) {
            return "next_id " + s.nextId();
        }
        return null;
    }

    private Loaded aside(String what) {
        try {
            Files.move(file, file.resolveSibling(FILE + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // keep going: the next save replaces it
        }
        return new Loaded(rebuild(), FILE + " " + what);
    }

    /**
     * The state rebuilt from the slots alone: every slot whose files match its manifest is kept
     * ({@code installed}); the most recently extracted of them becomes active (it is the one that
     * was most likely running), else the factory firmware. Failed marks and history are lost.
     */
    DeployState rebuild() {
        DeployState s = DeployState.initial();
        String newest = null;
        long newestTime = 0;
        for (String slot : List.of(DeployState.SLOT_A, DeployState.SLOT_B)) {
            try {
                Manifest m = slots.check(slot);
                long t = slots.installedTime(slot);
                s = s.withSlot(slot, new DeployState.Slot(DeployState.INSTALLED, m.name(), m.version().toString(), null,
                        m.mainClass(), t, null));
                if (newest == null || t > newestTime) {
                    newest = slot;
                    newestTime = t;
                }
            } catch (IOException e) {
                // not intact: stays empty (its files are removed at the next install into it)
            }
        }
        if (newest != null) {
            s = s.withSlot(newest, s.slot(newest).withStatus(DeployState.GOOD)).withActive(newest, DeployState.FACTORY);
        }
        return s;
    }
}
