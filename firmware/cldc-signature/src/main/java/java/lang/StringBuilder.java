/*
 * Spindle CLDC 8 signature stub: NOT an implementation, never on any class path.
 * Only its member signatures matter: animal-sniffer merges them into the CLDC 1.1 API
 * (org.microemu:cldcapi11). CLDC 8 addition: the whole class. Superclass Object, as in Java ME 8 CLDC.
 * See docs/cldc.md ("Allowed CLDC 8 additions") before adding anything here.
 */
package java.lang;

public final class StringBuilder implements CharSequence {
    public StringBuilder() { }
    public StringBuilder(int capacity) { }
    public StringBuilder(String str) { }
    public StringBuilder(CharSequence seq) { }

    public StringBuilder append(Object obj) { return this; }
    public StringBuilder append(String str) { return this; }
    public StringBuilder append(CharSequence s) { return this; }
    public StringBuilder append(char[] str) { return this; }
    public StringBuilder append(boolean b) { return this; }
    public StringBuilder append(char c) { return this; }
    public StringBuilder append(int i) { return this; }
    public StringBuilder append(long l) { return this; }
    public StringBuilder append(float f) { return this; }
    public StringBuilder append(double d) { return this; }

    public StringBuilder insert(int offset, Object obj) { return this; }
    public StringBuilder insert(int offset, String str) { return this; }
    public StringBuilder insert(int offset, char[] str) { return this; }
    public StringBuilder insert(int offset, boolean b) { return this; }
    public StringBuilder insert(int offset, char c) { return this; }
    public StringBuilder insert(int offset, int i) { return this; }
    public StringBuilder insert(int offset, long l) { return this; }
    public StringBuilder insert(int offset, float f) { return this; }
    public StringBuilder insert(int offset, double d) { return this; }

    public StringBuilder deleteCharAt(int index) { return this; }
    public StringBuilder reverse() { return this; }
    public void setLength(int newLength) { }

    public int length() { return 0; }
    public char charAt(int index) { return 0; }
    public CharSequence subSequence(int start, int end) { return null; }
    public String toString() { return null; }
}
