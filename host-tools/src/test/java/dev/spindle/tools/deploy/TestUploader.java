package dev.spindle.tools.deploy;

import java.util.Map;

/**
 * TEST-ONLY {@link BundleUploader}: hands the bundle to the {@link ScriptedBoard} in memory and
 * reports the progress a transfer would (TransferUploader is the real one, used by DeployWithAgentsTest).
 */
final class TestUploader implements BundleUploader {
    private final Map<String, ScriptedBoard> boards;

    TestUploader(Map<String, ScriptedBoard> boards) {
        this.boards = boards;
    }

    @Override
    public void upload(String board, BundleInfo bundle, Progress progress) throws UploadException {
        ScriptedBoard b = boards.get(board);
        if (b == null) {
            throw new UploadException("transfer_failed", "no answer from " + board);
        }
        progress.transferred(bundle.size() / 2, bundle.size());
        progress.transferred(bundle.size(), bundle.size());
        b.received(bundle);
    }
}
