package dev.spindle.tools;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns I/O exceptions into messages that say what happened, without a stack trace. */
final class Problems {
    private Problems() {
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + " does not exist" + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied for " + a.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
