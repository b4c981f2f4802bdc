package dev.spindle.protocol.transfer;

import dev.spindle.protocol.Topics;
import java.util.regex.Pattern;

/**
 * Topic names of bundle transfers (docs/protocol.md, "Transfer"), under the board's namespace:
 * {@code spindle/v1/{fleet}/{board}/xfer/{transferId}/{open|chunk|cancel|ack}}. The transfer id
 * is the SHA-256 of the whole file, 64 lowercase hex digits: it names the staging files on the
 * board, so nothing else is accepted.
 */
public final class TransferTopics {
    public static final String XFER = "xfer";
    /** host to board: JSON, opens or resumes a transfer. */
    public static final String OPEN = "open";
    /** host to board: binary, one chunk ({@link ChunkHeader}). */
    public static final String CHUNK = "chunk";
    /** host to board: JSON, the sender gives up (the board keeps the data for a resume). */
    public static final String CANCEL = "cancel";
    /** board to host: JSON, state / ack / complete / error. */
    public static final String ACK = "ack";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private TransferTopics() {
    }

    /** @return true for 64 lowercase hex digits (a SHA-256), the only transfer ids there are */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** @throws IllegalArgumentException when {@code id} is not 64 lowercase hex digits */
    public static String checkId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("transfer id '" + id
                    + "' is not valid: it must be the bundle's SHA-256 as 64 lowercase hex digits");
        }
        return id;
    }

    public static String topic(String fleet, String board, String id, String kind) {
        return Topics.board(fleet, board) + "/" + XFER + "/" + checkId(id) + "/" + kind;
    }

    /** The filter a board subscribes to for one kind of message of every transfer: {@code …/xfer/+/kind}. */
    public static String filter(String fleet, String board, String kind) {
        return Topics.board(fleet, board) + "/" + XFER + "/+/" + kind;
    }

    /** @return the transfer id part of a transfer topic, or null when the topic has another shape */
    public static String idOf(String topic) {
        String[] p = topic.split("/", -1);
        // spindle / v1 / fleet / board / xfer / id / kind
        if (p.length != 7 || !XFER.equals(p[4])) {
            return null;
        }
        return p[5];
    }
}
