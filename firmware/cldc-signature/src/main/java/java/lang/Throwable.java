/*
 * Spindle CLDC 8 signature stub: NOT an implementation, never on any class path.
 * Only its member signatures matter: animal-sniffer merges them into the CLDC 1.1 API
 * (org.microemu:cldcapi11). CLDC 1.1 class; only the CLDC 8 additions are declared here (superclass kept: Object).
 * See docs/cldc.md ("Allowed CLDC 8 additions") before adding anything here.
 */
package java.lang;

public class Throwable {
    /* CLDC 1.1 constructors, repeated so that javac adds no other one. */
    public Throwable() { }
    public Throwable(String message) { }

    /* CLDC 8 additions. */
    public Throwable(String message, Throwable cause) { }
    public Throwable getCause() { return null; }
    public Throwable initCause(Throwable cause) { return this; }
    public final void addSuppressed(Throwable exception) { }
    public final Throwable[] getSuppressed() { return null; }
}
