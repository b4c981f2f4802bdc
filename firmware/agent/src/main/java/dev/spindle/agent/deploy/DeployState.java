package dev.spindle.agent.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The board's deploy state, the content of {@code {data.dir}/deploy-state.json} (docs/deploy.md
 * shows an example). Immutable; {@link DeployController} makes a changed copy and writes it with
 * {@link StateStore#save} before it acts on it (write-ahead). Every name below is stored by its
 * stable wire name, never by an ordinal; a name is never reused for another meaning.
 *
 * @param format   {@link #FORMAT}
 * @param active   the running firmware: {@link #SLOT_A}, {@link #SLOT_B}, or {@link #FACTORY} (the
 *                 {@code app.main} on the agent's class path, or no app when it is unset)
 * @param previous what ran before {@code active} (same values), or null: the target of an on-demand rollback
 * @param slots    {@code a} and {@code b}
 * @param pending  the deploy step under way, or null when idle
 * @param failed   bundles that failed, by SHA-256: not installed again unless {@code force}
 * @param history  the last {@link #HISTORY_SIZE} finished deploys and rollbacks, oldest first
 * @param nextId   the number of the next deploy id ({@code d-N})
 */
public record DeployState(int format, String active, String previous, Map<String, Slot> slots, Pending pending,
        Map<String, FailedMark> failed, List<HistoryEntry> history, long nextId) {

    public static final int FORMAT = 1;
    public static final String SLOT_A = "a";
    public static final String SLOT_B = "b";
    public static final String FACTORY = "factory";
    public static final int HISTORY_SIZE = 20;
    public static final int FAILED_MARKS = 50;

    // slot status wire names
    public static final String EMPTY = "empty";
    public static final String INSTALLING = "installing";
    public static final String INSTALLED = "installed";
    public static final String TRIAL = "trial";
    public static final String GOOD = "good";
    public static final String FAILED = "failed";

    // pending operation wire names
    public static final String OP_INSTALLING = "installing";
    public static final String OP_SWITCHING = "switching";
    public static final String OP_HEALTH_CHECK = "health_check";
    public static final String OP_ROLLING_BACK = "rolling_back";

    /**
     * One slot.
     *
     * @param status      {@code empty}, {@code installing}, {@code installed} (extracted, never ran),
     *                    {@code trial} (under health check), {@code good} (passed, or ran as the active
     *                    firmware), {@code failed} (failed its health check; kept for diagnosis)
     * @param bundle      the bundle's name, or null when empty
     * @param version     its version
     * @param sha256      the SHA-256 of the bundle file
     * @param mainClass   its main class
     * @param installedAt when it was extracted, ms since the epoch
     * @param signature   how it was accepted ("signed by trusted key …" or the development-mode note)
     */
    public record Slot(String status, String bundle, String version, String sha256, String mainClass, long installedAt,
            String signature) {
        public static final Slot EMPTY_SLOT = new Slot(EMPTY, null, null, null, null, 0, null);

        public Slot withStatus(String s) {
            return new Slot(s, bundle, version, sha256, mainClass, installedAt, signature);
        }

        /** @return whether it holds a bundle that may run (installed, trial or good) */
        public boolean runnable() {
            return bundle != null && (INSTALLED.equals(status) || TRIAL.equals(status) || GOOD.equals(status));
        }
    }

    /**
     * The step under way.
     *
     * @param op        {@code installing}, {@code switching}, {@code health_check} or {@code rolling_back}
     * @param id        the deploy id ({@code d-N}), in every event of this deploy
     * @param slot      the slot being installed/tried (for {@code rolling_back}: the slot that failed)
     * @param from      what ran before ({@code a}, {@code b}, {@code factory}): the rollback target
     * @param sha256    the bundle's SHA-256
     * @param bundle    its name (null before it was verified)
     * @param version   its version (null before it was verified)
     * @param startedAt when the step began, ms since the epoch
     * @param deadline  {@code health_check}: when it fails at the latest; else 0
     * @param reason    {@code rolling_back}: why (a failure code); else null
     * @param detail    {@code rolling_back}: one line for humans; else null
     */
    public record Pending(String op, String id, String slot, String from, String sha256, String bundle, String version,
            long startedAt, long deadline, String reason, String detail) {
    }

    /**
     * A bundle that failed.
     *
     * @param bundle  its name
     * @param version its version
     * @param reason  the failure code
     * @param detail  one line for humans
     * @param at      when, ms since the epoch
     */
    public record FailedMark(String bundle, String version, String reason, String detail, long at) {
    }

    /**
     * A finished deploy or rollback.
     *
     * @param ts      when it ended
     * @param id      the deploy id, or null for an on-demand rollback
     * @param outcome {@code done}, {@code failed} (refused or aborted before the switch), {@code rolled_back}
     *                (after a failed health check), {@code rollback} (on demand)
     * @param slot    the slot concerned
     * @param bundle  bundle name
     * @param version bundle version
     * @param sha256  bundle SHA-256
     * @param reason  the failure code, or null
     */
    public record HistoryEntry(long ts, String id, String outcome, String slot, String bundle, String version,
            String sha256, String reason) {
    }

    public DeployState {
        slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots == null ? Map.of() : slots));
        failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed == null ? Map.of() : failed));
        history = List.copyOf(history == null ? List.of() : history);
    }

    /** The state of a board that never had a deploy: the factory firmware runs, both slots are empty. */
    public static DeployState initial() {
        Map<String, Slot> s = new LinkedHashMap<>();
        s.put(SLOT_A, Slot.EMPTY_SLOT);
        s.put(SLOT_B, Slot.EMPTY_SLOT);
        return new DeployState(FORMAT, FACTORY, null, s, null, Map.of(), List.of(), 1);
    }

    /** @return the slot's record (empty when missing) */
    public Slot slot(String name) {
        Slot s = slots.get(name);
        return s == null ? Slot.EMPTY_SLOT : s;
    }

    /** @return {@code b} for {@code a} and the reverse */
    public static String other(String slot) {
        return SLOT_A.equals(slot) ? SLOT_B : SLOT_A;
    }

    public static boolean isSlot(String name) {
        return SLOT_A.equals(name) || SLOT_B.equals(name);
    }

    public DeployState withSlot(String name, Slot s) {
        Map<String, Slot> m = new LinkedHashMap<>(slots);
        m.put(name, s);
        return new DeployState(format, active, previous, m, pending, failed, history, nextId);
    }

    public DeployState withActive(String newActive, String newPrevious) {
        return new DeployState(format, newActive, newPrevious, slots, pending, failed, history, nextId);
    }

    public DeployState withPending(Pending p) {
        return new DeployState(format, active, previous, slots, p, failed, history, nextId);
    }

    public DeployState withNextId(long n) {
        return new DeployState(format, active, previous, slots, pending, failed, history, n);
    }

    /** @return the state with this bundle marked failed (the oldest marks beyond {@link #FAILED_MARKS} go) */
    public DeployState withFailed(String sha256, FailedMark mark) {
        Map<String, FailedMark> m = new LinkedHashMap<>(failed);
        m.remove(sha256);
        m.put(sha256, mark);
        while (m.size() > FAILED_MARKS) {
            m.remove(m.keySet().iterator().next());
        }
        return new DeployState(format, active, previous, slots, pending, m, history, nextId);
    }

    public DeployState withoutFailed(String sha256) {
        Map<String, FailedMark> m = new LinkedHashMap<>(failed);
        m.remove(sha256);
        return new DeployState(format, active, previous, slots, pending, m, history, nextId);
    }

    /** @return the state with this entry appended (bounded to {@link #HISTORY_SIZE}) */
    public DeployState withHistory(HistoryEntry e) {
        List<HistoryEntry> h = new ArrayList<>(history);
        h.add(e);
        while (h.size() > HISTORY_SIZE) {
            h.remove(0);
        }
        return new DeployState(format, active, previous, slots, pending, failed, h, nextId);
    }
}
