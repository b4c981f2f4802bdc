package dev.spindle.protocol.transfer;

import java.util.Locale;

/**
 * Why a transfer failed: the {@code code} of an {@code error} message on the ack topic, and of a
 * {@link TransferException} on the host. Wire names are stable API: never rename one, only add.
 */
public enum TransferError {
    /** The open request or a chunk is malformed: not JSON, a field missing or out of range, a bad header. */
    BAD_REQUEST("bad_request"),
    /** The bundle is larger than the board accepts (its configured maximum). */
    TOO_LARGE("too_large"),
    /** The board's disk has not enough free space for the bundle. */
    NO_SPACE("no_space"),
    /** The board is receiving another transfer that is still active. */
    BUSY("busy"),
    /** A chunk or cancel names a transfer the board has not open (open it first). */
    UNKNOWN_TRANSFER("unknown_transfer"),
    /** All chunks arrived but the file's SHA-256 is not the transfer id; the data was discarded. */
    CHECKSUM_MISMATCH("checksum_mismatch"),
    /** The board could not read or write its staging directory. */
    IO_ERROR("io_error"),
    /** The file was verified but the board's deploy code refused or failed to take it. */
    HANDOVER_FAILED("handover_failed"),
    /** Host side: no answer or no progress in time (board offline, broker away). */
    TIMEOUT("timeout"),
    /** Host side: the transfer was cancelled. */
    CANCELLED("cancelled"),
    /** An error code this version does not know (from a newer board). */
    UNKNOWN("unknown");

    private final String wireName;

    TransferError(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static TransferError fromWire(String name) {
        if (name != null) {
            for (TransferError e : values()) {
                if (e.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                    return e;
                }
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
