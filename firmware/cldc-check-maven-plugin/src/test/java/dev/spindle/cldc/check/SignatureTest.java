package dev.spindle.cldc.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.codehaus.mojo.animal_sniffer.Clazz;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature itself (spindle-cldc-signature), with plain animal-sniffer and no ASM scan: it
 * refuses what CLDC 8 lacks and has the CLDC 8 additions we allow, each on its CLDC 1.1
 * superclass.
 */
class SignatureTest {
    private static Map<String, Clazz> signature;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = Files.newInputStream(Sources.signatureFile())) {
            signature = SignatureChecker.loadClasses(in);
        }
    }

    /** Runs animal-sniffer's SignatureChecker alone, as animal-sniffer-maven-plugin's check goal does. */
    private List<String> animalSniffer(String className, String code) throws IOException {
        Path classes = new Sources().add(className, code).compileInto(tmp);
        List<String> errors = new ArrayList<>();
        Logger logger = new Logger() {
            @Override public void info(String m) { }
            @Override public void info(String m, Throwable t) { }
            @Override public void debug(String m) { }
            @Override public void debug(String m, Throwable t) { }
            @Override public void warn(String m) { }
            @Override public void warn(String m, Throwable t) { }
            @Override public void error(String m) { errors.add(m); }
            @Override public void error(String m, Throwable t) { errors.add(m); }
        };
        SignatureChecker checker = new SignatureChecker(signature, new HashSet<>(ownClasses(classes)), logger);
        checker.setSourcePath(Collections.emptyList());
        checker.process(classes.toFile());
        assertEquals(!errors.isEmpty(), checker.isSignatureBroken());
        return errors;
    }

    private static List<String> ownClasses(Path classes) throws IOException {
        try (Stream<Path> walk = Files.walk(classes)) {
            return walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace('\\', '/').replaceAll("\\.class$", ""))
                    .collect(Collectors.toList());
        }
    }

    @Test
    void refusesArrayList() throws IOException {
        List<String> errors = animalSniffer("p.A", String.join("\n",
                "package p;",
                "public class A { Object make() { java.util.ArrayList<String> l = new java.util.ArrayList<String>();"
                        + " l.add(\"x\"); return l; } }"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("Undefined reference: java.util.ArrayList")), errors.toString());
    }

    @Test
    void refusesJavaUtilConcurrent() throws IOException {
        List<String> errors = animalSniffer("p.C", String.join("\n",
                "package p;",
                "public class C { Object make() { return new java.util.concurrent.ConcurrentHashMap<String, String>(); }"
                        + " void lock(java.util.concurrent.locks.ReentrantLock l) { l.lock(); } }"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("java.util.concurrent.ConcurrentHashMap")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("java.util.concurrent.locks.ReentrantLock.lock()")),
                errors.toString());
    }

    @Test
    void refusesJdkOnlyMembersOfCldcClasses() throws IOException {
        List<String> errors = animalSniffer("p.T", String.join("\n",
                "package p;",
                "public class T { long f(Thread t) { t.setDaemon(true); t.setName(\"n\"); return t.getId() + System.nanoTime();"
                        + " } }"));
        for (String member : new String[] {"Thread.setDaemon(boolean)", "Thread.setName(String)", "Thread.getId()",
            "System.nanoTime()"}) {
            assertTrue(errors.stream().anyMatch(e -> e.contains(member)), member + " in " + errors);
        }
    }

    @Test
    void acceptsVectorStringBuilderAndTheCldc8Additions() throws IOException {
        List<String> errors = animalSniffer("p.Ok", String.join("\n",
                "package p;",
                "import java.util.*;",
                "public class Ok implements AutoCloseable, Iterable<String> {",
                "  final Vector<String> v = new Vector<String>();",
                "  final Hashtable<String, Integer> h = new Hashtable<String, Integer>();",
                "  public Iterator<String> iterator() { return null; }",
                "  public void close() { }",
                "  String run() throws Exception {",
                "    v.addElement(\"a\"); h.put(\"a\", 1); Long l = 2L; Boolean b = true; Character c = 'c';",
                "    StringBuilder sb = new StringBuilder().append(\"x\").append(1).append(2L).append('c').append(true)",
                "        .append(1.0).append(1.0f).append(new char[0]).append((Object) v).append((CharSequence) \"s\");",
                "    sb.insert(0, \"y\").insert(0, 'z').deleteCharAt(0).reverse().setLength(sb.length() - 1);",
                "    try (Ok ok = new Ok()) { sb.append(ok.v.size()); }",
                "    Throwable t = new Throwable(\"m\", new IllegalStateException());",
                "    t.initCause(null); t.addSuppressed(new UnsupportedOperationException()); t.getSuppressed();",
                "    for (Enumeration<String> e = v.elements(); e.hasMoreElements();) { sb.append(e.nextElement()); }",
                "    return sb.charAt(0) + sb.toString() + l + b + c + t.getCause() + Thread.currentThread().getName();",
                "  }",
                "}"));
        assertEquals(Collections.emptyList(), errors);
    }

    @Test
    void cldc8AdditionsKeepTheirCldc11Superclass() {
        for (String k : new String[] {"java/lang/Integer", "java/lang/Long", "java/lang/Boolean", "java/lang/Character",
            "java/lang/Throwable", "java/lang/StringBuilder", "java/lang/Enum"}) {
            assertEquals("java/lang/Object", signature.get(k).getSuperClass(), k);
        }
        assertEquals("java/lang/RuntimeException", signature.get("java/lang/IllegalStateException").getSuperClass());
        assertEquals("java/lang/RuntimeException",
                signature.get("java/lang/UnsupportedOperationException").getSuperClass());
        assertFalse(signature.containsKey("java/lang/Number"), "CLDC 1.1 has no Number");
    }

    @Test
    void hasTheCldc11ApiAndTheAllowedAdditionsOnly() {
        // CLDC 1.1, from cldcapi11
        for (String k : new String[] {"java/lang/Thread", "java/util/Vector", "java/util/Hashtable",
            "java/util/Enumeration", "java/io/PrintStream", "java/io/ByteArrayOutputStream", "java/lang/Math"}) {
            assertTrue(signature.containsKey(k), k);
        }
        // CLDC 8 additions (docs/cldc.md)
        String[] additions = {"java/lang/StringBuilder", "java/lang/AutoCloseable", "java/lang/Iterable",
            "java/util/Iterator", "java/lang/CharSequence", "java/lang/Enum", "java/lang/annotation/Annotation",
            "java/lang/annotation/Retention", "java/lang/annotation/RetentionPolicy", "java/lang/annotation/Target",
            "java/lang/annotation/ElementType", "java/lang/annotation/Documented", "java/lang/Override",
            "java/lang/Deprecated", "java/lang/SuppressWarnings", "java/lang/FunctionalInterface",
            "java/lang/IllegalStateException", "java/lang/UnsupportedOperationException"};
        for (String k : additions) {
            assertTrue(signature.containsKey(k), k);
        }
        assertTrue(signature.get("java/lang/Integer").getSignatures().contains("valueOf(I)Ljava/lang/Integer;"));
        assertTrue(signature.get("java/lang/Long").getSignatures().contains("valueOf(J)Ljava/lang/Long;"));
        assertTrue(signature.get("java/lang/Boolean").getSignatures().contains("valueOf(Z)Ljava/lang/Boolean;"));
        assertTrue(signature.get("java/lang/Character").getSignatures().contains("valueOf(C)Ljava/lang/Character;"));
        for (String m : new String[] {"<init>(Ljava/lang/String;Ljava/lang/Throwable;)V",
            "getCause()Ljava/lang/Throwable;", "initCause(Ljava/lang/Throwable;)Ljava/lang/Throwable;",
            "addSuppressed(Ljava/lang/Throwable;)V", "getSuppressed()[Ljava/lang/Throwable;", "printStackTrace()V"}) {
            assertTrue(signature.get("java/lang/Throwable").getSignatures().contains(m), m);
        }
        assertFalse(signature.get("java/lang/Throwable").getSignatures().contains("printStackTrace(Ljava/io/PrintStream;)V"));
        // Only the additions we allow.
        assertFalse(signature.get("java/lang/Throwable").getSignatures().contains("<init>(Ljava/lang/Throwable;)V"));
        // Nothing that CLDC 8 lacks.
        for (String k : new String[] {"java/lang/ThreadGroup", "java/util/ArrayList", "java/util/List",
            "java/util/concurrent/locks/ReentrantLock", "java/lang/reflect/Method", "java/lang/invoke/LambdaMetafactory",
            "java/lang/Comparable", "java/io/Serializable"}) {
            assertFalse(signature.containsKey(k), k);
        }
        for (String m : new String[] {"setDaemon(Z)V", "getId()J", "join(J)V", "setName(Ljava/lang/String;)V",
            "isInterrupted()Z"}) {
            assertFalse(signature.get("java/lang/Thread").getSignatures().contains(m), m);
        }
        assertFalse(signature.get("java/lang/System").getSignatures().contains("nanoTime()J"));
    }
}
