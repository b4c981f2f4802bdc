/*
 * Spindle CLDC 8 signature stub: NOT an implementation, never on any class path.
 * Only its member signatures matter: animal-sniffer merges them into the CLDC 1.1 API
 * (org.microemu:cldcapi11). CLDC 1.1 class; only the CLDC 8 addition valueOf(long) (autoboxing) is declared here (superclass kept: Object; CLDC has no Number).
 * See docs/cldc.md ("Allowed CLDC 8 additions") before adding anything here.
 */
package java.lang;

public final class Long {
    /* CLDC 1.1 constructor, repeated so that javac adds no other one. */
    public Long(long value) { }

    /* CLDC 8 addition. */
    public static Long valueOf(long value) { return null; }
}
