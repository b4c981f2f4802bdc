package dev.spindle.agent.deploy;

import dev.spindle.protocol.transfer.TransferReceiver;

/**
 * A test hook for the kill -9 trials (docs/deploy.md, "Proving it"): when the system property
 * {@code spindle.deploy.crash} names a step ({@code STEP}, or {@code STEP:N} for its N-th hit in
 * this process), the JVM halts there at once with {@link Runtime#halt} (exit status 99): no shutdown
 * hook, no flush, as close to a power cut as a JVM gets. Unset (every production board), it does
 * nothing.
 *
 * <p>The steps are the constants below; each names the moment just after what its name says. The
 * {@code transfer.*} steps are inside the MQTT transfer receiver ({@link TransferReceiver}, which
 * reports them through {@link BundleIntake#reached}); the others inside {@link DeployController}.
 */
public final class CrashPoint {
    /** The property that selects a step. */
    public static final String PROPERTY = "spindle.deploy.crash";
    /** The exit status of a halt. */
    public static final int HALT_STATUS = 99;

    public static final String STATE_WRITTEN_BEFORE_RENAME = "state.before_rename";
    public static final String INSTALL_RECORDED = "install.recorded";
    public static final String INSTALL_EXTRACTED = "install.extracted";
    public static final String SWITCH_RECORDED = "switch.recorded";
    public static final String SWITCH_OLD_STOPPED = "switch.old_stopped";
    public static final String HEALTH_RECORDED = "health.recorded";
    public static final String HEALTH_APP_STARTED = "health.app_started";
    public static final String HEALTH_PASSED = "health.passed";
    public static final String ROLLBACK_RECORDED = "rollback.recorded";
    public static final String ROLLBACK_NEW_STOPPED = "rollback.new_stopped";
    public static final String ROLLBACK_OLD_STARTED = "rollback.old_started";

    // the transfer's steps, inside the receiver (TransferReceiver.STEP_…; BundleIntake passes them here)
    public static final String TRANSFER_CHUNK_WRITTEN = TransferReceiver.STEP_CHUNK_WRITTEN;
    public static final String TRANSFER_DATA_FORCED = TransferReceiver.STEP_DATA_FORCED;
    public static final String TRANSFER_BITMAP_WRITTEN = TransferReceiver.STEP_BITMAP_WRITTEN;
    public static final String TRANSFER_VERIFIED = TransferReceiver.STEP_VERIFIED;
    public static final String TRANSFER_PROMOTED = TransferReceiver.STEP_PROMOTED;
    public static final String TRANSFER_HANDED_OVER = TransferReceiver.STEP_HANDED_OVER;
    public static final String TRANSFER_DONE_RECORDED = TransferReceiver.STEP_DONE_RECORDED;

    /** Every step of the transfer, in the order a transfer meets them (the first three once per chunk or sync). */
    public static final String[] TRANSFER = {TRANSFER_CHUNK_WRITTEN, TRANSFER_DATA_FORCED, TRANSFER_BITMAP_WRITTEN,
        TRANSFER_VERIFIED, TRANSFER_PROMOTED, TRANSFER_HANDED_OVER, TRANSFER_DONE_RECORDED};

    /** Every step of the deploy (after the transfer), in the order a deploy meets them. */
    public static final String[] ALL = {STATE_WRITTEN_BEFORE_RENAME, INSTALL_RECORDED, INSTALL_EXTRACTED,
        SWITCH_RECORDED, SWITCH_OLD_STOPPED, HEALTH_RECORDED, HEALTH_APP_STARTED, HEALTH_PASSED, ROLLBACK_RECORDED,
        ROLLBACK_NEW_STOPPED, ROLLBACK_OLD_STARTED};

    private static final String SPEC = System.getProperty(PROPERTY, "");
    private static final String STEP;
    private static final int NTH;
    private static int hits; // guarded by CrashPoint.class

    static {
        int colon = SPEC.lastIndexOf(':');
        String step = SPEC;
        int n = 1;
        if (colon > 0) {
            try {
                n = Integer.parseInt(SPEC.substring(colon + 1));
                step = SPEC.substring(0, colon);
            } catch (NumberFormatException e) {
                n = 1;
            }
        }
        STEP = step;
        NTH = n;
    }

    private CrashPoint() {
    }

    /** Halts the JVM when {@code step} is the selected one (and this is its selected hit). */
    static void at(String step) {
        if (STEP.isEmpty() || !STEP.equals(step)) {
            return;
        }
        synchronized (CrashPoint.class) {
            if (++hits != NTH) {
                return;
            }
        }
        System.err.println("spindle: crash point " + step + " reached (" + PROPERTY + "): halting");
        System.err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
