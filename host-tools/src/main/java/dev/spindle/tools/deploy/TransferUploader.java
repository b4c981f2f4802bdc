package dev.spindle.tools.deploy;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.transfer.SenderOptions;
import dev.spindle.protocol.transfer.TransferException;
import dev.spindle.protocol.transfer.TransferListener;
import dev.spindle.protocol.transfer.TransferProgress;
import dev.spindle.protocol.transfer.TransferResult;
import dev.spindle.protocol.transfer.TransferSender;
import java.io.IOException;
import java.util.Map;

/**
 * {@link BundleUploader} over the chunked MQTT transfer ({@link TransferSender}, docs/protocol.md
 * "Transfer"): one sender per upload call (a sender sends one file at a time; boards of a wave
 * upload in parallel on the rollout's shared link). The transfer resumes from the chunks the
 * board holds, so a resumed rollout does not send a bundle twice. A board that answers "already
 * complete" (it took this file earlier) gets the file again with {@code fresh}: the uploader is
 * only called when the board neither runs nor is deploying the bundle, so the old handover is spent.
 */
public final class TransferUploader implements BundleUploader {
    /** Makes uploaders with the transfer's default options. */
    public static final Factory FACTORY = (link, fleet, rpc) -> new TransferUploader(link, fleet, SenderOptions.defaults());

    private final Link link;
    private final String fleet;
    private final SenderOptions options;

    public TransferUploader(Link link, String fleet, SenderOptions options) {
        this.link = link;
        this.fleet = fleet;
        this.options = options;
    }

    @Override
    public void upload(String board, BundleInfo bundle, Progress progress) throws UploadException, InterruptedException {
        upload(board, bundle, progress, false);
    }

    /** {@code force}: the open request's {@code meta.force}, which the agent passes to its install. */
    @Override
    public void upload(String board, BundleInfo bundle, Progress progress, boolean force)
            throws UploadException, InterruptedException {
        TransferSender sender = new TransferSender(link, fleet, options);
        TransferListener listener = new TransferListener() {
            @Override
            public void opened(TransferProgress p, boolean resumed) {
                progress.transferred(p.bytesAcked(), p.totalBytes());
            }

            @Override
            public void progress(TransferProgress p) {
                progress.transferred(p.bytesAcked(), p.totalBytes());
            }
        };
        try {
            Map<String, Object> meta = force ? Map.of("name", bundle.name(), "version", bundle.version(), "force", true)
                    : Map.of("name", bundle.name(), "version", bundle.version());
            TransferResult r = sender.send(board, bundle.path(), meta, listener);
            if (r.alreadyComplete()) {
                // The board took this file before, but the rollout only uploads when the board neither runs
                // the bundle nor is deploying it: the old handover is spent (e.g. a redeploy after a
                // rollback). Send it again from the start, so the board installs it again.
                sender = new TransferSender(link, fleet, options.withFresh(true));
                sender.send(board, bundle.path(), meta, listener);
            }
            progress.transferred(bundle.size(), bundle.size());
        } catch (TransferException e) {
            throw new UploadException(e.isTimeout() ? "transfer_timeout" : e.code().wireName(),
                    "transfer of " + bundle.path().getFileName() + " to " + board + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UploadException("transfer_failed", "cannot read " + bundle.path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            sender.cancel();
            throw e;
        }
    }
}
