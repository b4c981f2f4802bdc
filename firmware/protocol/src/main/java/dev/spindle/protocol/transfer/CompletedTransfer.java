package dev.spindle.protocol.transfer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Takes a received and verified bundle on the board (the agent's deploy code implements it).
 * Called on the receiver's finisher thread, one transfer at a time.
 */
@FunctionalInterface
public interface CompletedTransfer {
    /**
     * @param bundleFile the complete file in the staging directory; move or copy it before
     *                   returning (whatever is left at this path afterwards is deleted)
     * @param sha256     its SHA-256, checked (64 lowercase hex digits, also the transfer id)
     * @param meta       the open request's {@code meta} object plus {@code name}; unmodifiable
     * @throws Exception when the bundle cannot be taken: the sender gets a {@code handover_failed}
     *                   error with the exception's message
     */
    void completed(Path bundleFile, String sha256, Map<String, Object> meta) throws Exception;
}
