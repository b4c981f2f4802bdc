package dev.spindle.bundle;

/**
 * A bundle that passed verification.
 *
 * @param manifest its manifest
 * @param signerKeyId the id of the trusted key that signed it, or null when development mode
 *     accepted it without a trusted signature
 * @param signatureNote how it was accepted, for events and the board's {@code state}: "signed by
 *     trusted key …", or why development mode accepted it
 * @param sha256 the SHA-256 of the whole bundle file
 */
public record VerifiedBundle(Manifest manifest, String signerKeyId, String signatureNote, String sha256) {
    /** @return whether a trusted key signed it */
    public boolean signed() {
        return signerKeyId != null;
    }
}
