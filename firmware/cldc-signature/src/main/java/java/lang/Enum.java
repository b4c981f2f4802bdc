/*
 * Spindle CLDC 8 signature stub: NOT an implementation, never on any class path.
 * Only its member signatures matter: animal-sniffer merges them into the CLDC 1.1 API
 * (org.microemu:cldcapi11). CLDC 8 addition: needed as the superclass of RetentionPolicy and ElementType; also lets
 * firmware declare simple enums (a switch over an enum still fails: it needs NoSuchFieldError).
 * See docs/cldc.md ("Allowed CLDC 8 additions") before adding anything here.
 */
package java.lang;

public abstract class Enum<E extends Enum<E>> {
    protected Enum(String name, int ordinal) { }
    public final String name() { return null; }
    public final int ordinal() { return 0; }
    public String toString() { return null; }
    public final boolean equals(Object other) { return false; }
    public final int hashCode() { return 0; }
    public final int compareTo(E o) { return 0; }
    /* Class is not generic in CLDC 1.1; the erasures match Java SE's. */
    public final Class getDeclaringClass() { return null; }
    public static <T extends Enum<T>> T valueOf(Class enumType, String name) { return null; }
}
