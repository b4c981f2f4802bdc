package dev.spindle.agent.deploy;

import dev.spindle.protocol.EventMessage;
import dev.spindle.protocol.transfer.CompletedTransfer;
import dev.spindle.protocol.transfer.TransferError;
import dev.spindle.protocol.transfer.TransferReceiver;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Joins the MQTT transfer to the deploy (docs/deploy.md, "On the board"): a bundle that arrived
 * intact is moved out of the receiver's staging directory into {@code {data.dir}/deploy-bundles}
 * and handed to {@link DeployController#install}; transfer openings and failures become agent
 * events ({@code transfer_started}, {@code transfer_failed}).
 *
 * <h2>Files and threads</h2>
 * {@link #completed} runs on the receiver's finisher thread, one transfer at a time. It moves the
 * bundle to a name of its own ({@code {sha256}-{n}.zip}), so a refused handover deletes only its
 * own file and never one a running deploy reads. A daemon thread {@code agent-bundle-cleanup} deletes the
 * file once the controller is idle again (the deploy that reads it ended). Leftovers (the agent
 * stopped first) are deleted when a new bundle arrives while the controller is idle (only this
 * class starts deploys that read a file, so idle means no deploy reads one) and by
 * {@link #cleanUp()} when the agent starts (a restart never resumes a deploy, see
 * {@link DeployController#boot()}). The counter is only touched on the
 * finisher thread and needs no lock.
 */
public final class BundleIntake implements CompletedTransfer, TransferReceiver.Events {
    /** A transfer was opened on the board (data: {@code sha256}, {@code name}, {@code size}, {@code held}, {@code chunks}). */
    public static final String TRANSFER_STARTED = EventMessage.TRANSFER_STARTED;
    /** A transfer failed on the board (data: {@code sha256}, {@code code}); the sender got the same error. */
    public static final String TRANSFER_FAILED = EventMessage.TRANSFER_FAILED;

    private final DeployController deploy;
    private final DeployHost host;
    private final Path dir;
    private long count; // finisher thread only

    /**
     * @param deploy  the controller that installs the bundles
     * @param host    for events and log lines
     * @param dataDir the agent's {@code data.dir}; bundles being installed live in {@code deploy-bundles} in it
     */
    public BundleIntake(DeployController deploy, DeployHost host, Path dataDir) {
        this.deploy = deploy;
        this.host = host;
        this.dir = dataDir.resolve("deploy-bundles");
    }

    /** @return the directory of bundles handed to the controller */
    public Path dir() {
        return dir;
    }

    /** Deletes the bundle files of earlier deploys (call after {@link DeployController#boot()}). */
    public void cleanUp() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            host.log("warning", "cannot clean up " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Moves the bundle into {@link #dir()} and starts its deploy ({@link DeployController#install});
     * {@code meta.force == true} installs a bundle that failed on this board before.
     *
     * @throws DeployRefused when the controller refuses it (busy, previously failed …): the sender
     *                       gets {@code handover_failed} with {@code reason: message}; the controller
     *                       has already sent {@code deploy_failed}
     */
    @Override
    public void completed(Path bundleFile, String sha256, Map<String, Object> meta) throws IOException, DeployRefused {
        if (!deploy.busy()) {
            cleanUp();
        }
        Files.createDirectories(dir);
        Path mine = dir.resolve(sha256 + "-" + (++count) + ".zip");
        Files.move(bundleFile, mine, StandardCopyOption.REPLACE_EXISTING);
        boolean force = Boolean.TRUE.equals(meta.get("force"));
        try {
            String id = deploy.install(mine, sha256, force);
            host.log("info", "transfer " + sha256.substring(0, 12) + "… handed to deploy " + id
                    + (force ? " (force)" : ""));
            deleteWhenIdle(mine);
        } catch (DeployRefused r) {
            Files.deleteIfExists(mine);
            throw new DeployRefused(r.reason(), r.reason() + ": " + r.getMessage());
        }
    }

    /** Deletes the bundle once the deploy that reads it ended (on a thread of its own: the finisher must return). */
    private void deleteWhenIdle(Path file) {
        java.lang.Thread t = new java.lang.Thread(() -> {
            try {
                while (!deploy.awaitIdle(3_600_000)) {
                    // a deploy always ends (its health check has a timeout); keep waiting
                }
                Files.deleteIfExists(file);
            } catch (InterruptedException e) {
                java.lang.Thread.currentThread().interrupt(); // left for cleanUp() at the next bundle or start
            } catch (IOException e) {
                host.log("warning", "cannot delete " + file + ": " + e.getMessage());
            }
        }, "agent-bundle-cleanup");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void opened(String id, String name, long size, int held, int chunks) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("sha256", id);
        d.put("name", name);
        d.put("size", size);
        d.put("held", held);
        d.put("chunks", chunks);
        String msg = (held > 0 ? "transfer resumed: " : "transfer started: ") + (name.isEmpty() ? "" : name + ", ")
                + size + " bytes" + (held > 0 ? ", " + held + " of " + chunks + " chunks already here" : "");
        host.log("info", msg + " (" + id.substring(0, Math.min(12, id.length())) + "…)");
        host.event(TRANSFER_STARTED, EventMessage.INFO, msg, d);
    }

    /** The receiver's named steps are crash points for the kill -9 trials ({@link CrashPoint}); nothing otherwise. */
    @Override
    public void reached(String step) {
        CrashPoint.at(step);
    }

    @Override
    public void failed(String id, TransferError code, String message) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (id != null) {
            d.put("sha256", id);
        }
        d.put("code", code.wireName());
        host.log("warning", "transfer " + (id == null ? "" : id.substring(0, Math.min(12, id.length())) + "… ")
                + "failed (" + code.wireName() + "): " + message);
        host.event(TRANSFER_FAILED, EventMessage.WARNING, "transfer failed (" + code.wireName() + "): " + message, d);
    }
}
