/*
 * Spindle CLDC 8 signature stub: NOT an implementation, never on any class path.
 * Only its member signatures matter: animal-sniffer merges them into the CLDC 1.1 API
 * (org.microemu:cldcapi11). CLDC 8 addition: the whole interface (for-each over your own types).
 * See docs/cldc.md ("Allowed CLDC 8 additions") before adding anything here.
 */
package java.lang;

import java.util.Iterator;

public interface Iterable<T> {
    Iterator<T> iterator();
}
