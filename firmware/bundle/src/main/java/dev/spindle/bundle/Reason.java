package dev.spindle.bundle;

/**
 * Why a bundle was refused. The {@link #wireName()} is stable: it goes into events, JSON output
 * and logs, and scripts match on it. Never use {@link #ordinal()}; never rename a wire name
 * (retire a reason instead of reusing its name).
 */
public enum Reason {
    /** The bundle is not a readable zip or its manifest/signature file is malformed. */
    CORRUPT("corrupt", "The file is damaged or not a Spindle bundle: build it again with"
            + " `make bundle` / `spindle bundle` and transfer it again."),
    /** The zip tries something an extractor must never do (paths, links, bombs, duplicates). */
    UNSAFE_ZIP("unsafe_zip", "Do not install this file: it was not made by the Spindle tools or"
            + " was crafted. Rebuild it with `spindle bundle`; if the payload really is that large,"
            + " raise the limits on the board (docs/deploy.md, zip limits)."),
    /** No signature, and development mode is off. */
    UNSIGNED("unsigned", "Sign it with `spindle sign BUNDLE --key KEY.key` using a key whose .pub"
            + " the board trusts, or switch development mode on for this board."),
    /** Signed by a key this verifier does not trust. */
    UNTRUSTED_KEY("untrusted_key", "Sign it with a key the board trusts, or add the signer's .pub"
            + " file to the board's trusted keys (only if you trust that key)."),
    /** A trusted key's signature does not match the manifest bytes. */
    BAD_SIGNATURE("bad_signature", "The manifest or its signature was changed after signing. Do"
            + " not install it; sign the original bundle again and transfer it again."),
    /** An entry does not match the (signed) manifest: hash, size, missing or extra entry. */
    TAMPERED("tampered", "The bundle's content differs from what was signed. Do not install it;"
            + " rebuild, sign and transfer it again."),
    /** The board's type is not in the bundle's compatible board types. */
    WRONG_BOARD("wrong_board", "Build a bundle for this board type (boardTypes in the bundle spec)"
            + " or deploy this one only to the boards it lists."),
    /** The bundle needs a newer agent (minimum agent version, or a newer bundle format). */
    AGENT_TOO_OLD("agent_too_old", "Upgrade the board's agent first, or build the bundle with a"
            + " lower minimum agent version if it really runs on older agents.");

    private final String wireName;
    private final String advice;

    Reason(String wireName, String advice) {
        this.wireName = wireName;
        this.advice = advice;
    }

    /** @return the stable name used on the wire, in JSON and in exit messages */
    public String wireName() {
        return wireName;
    }

    /** @return what an operator should do about it */
    public String advice() {
        return advice;
    }

    /**
     * @param wireName a name from {@link #wireName()}
     * @return the reason with that wire name
     * @throws IllegalArgumentException for an unknown name
     */
    public static Reason fromWireName(String wireName) {
        for (Reason r : values()) {
            if (r.wireName.equals(wireName)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown bundle refusal reason: " + wireName);
    }
}
