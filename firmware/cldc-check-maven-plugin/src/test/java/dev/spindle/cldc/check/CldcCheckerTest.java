package dev.spindle.cldc.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule of the CLDC 8 check, on classes compiled here with --release 8 (as a CLDC module is),
 * against the real spindle-cldc-signature: a class that breaks the rule is refused with a message
 * naming the class, the member, the rule and what to do; a clean class passes.
 */
class CldcCheckerTest {
    private static CldcChecker checker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadSignature() throws IOException {
        checker = CldcChecker.forSignature(Sources.signatureFile());
    }

    private CldcChecker.Result check(Sources sources, String... exempt) throws IOException {
        return checker.check(sources.compileInto(tmp), Collections.emptyList(), Arrays.asList(exempt));
    }

    private CldcChecker.Result check(String className, String code) throws IOException {
        return check(new Sources().add(className, code));
    }

    /** Asserts one finding with this rule, class, member and subject, and that its message says what to do. */
    private static Finding assertRefused(CldcChecker.Result result, Rule rule, String className, String where,
            String subject, String advice) {
        List<Finding> matching = result.findings().stream()
                .filter(f -> f.rule() == rule && f.className().equals(className) && f.where().equals(where)
                        && f.subject().contains(subject))
                .collect(Collectors.toList());
        if (matching.isEmpty()) {
            fail("expected [" + rule.id() + "] " + className + ", " + where + ": " + subject + "; found:\n"
                    + describe(result));
        }
        Finding f = matching.get(0);
        String message = f.toString();
        assertTrue(message.startsWith("[" + rule.id() + "] " + className + ", " + where), message);
        assertTrue(message.contains(subject), message);
        assertTrue(message.contains(advice), "message should say: " + advice + "\n" + message);
        return f;
    }

    private static void assertPasses(CldcChecker.Result result) {
        assertTrue(result.passed(), "expected no findings, got:\n" + describe(result));
    }

    private static String describe(CldcChecker.Result result) {
        return result.findings().stream().map(Finding::toString).collect(Collectors.joining("\n"));
    }

    // ---------------------------------------------------------------- accepted

    @Test
    void cleanCldcClassIsAccepted() throws IOException {
        CldcChecker.Result result = check(new Sources()
                .add("p.Worker", String.join("\n",
                        "package p;",
                        "import java.util.Enumeration;",
                        "import java.util.Hashtable;",
                        "import java.util.Vector;",
                        "public class Worker extends Thread implements AutoCloseable {",
                        "  private final Vector<Runnable> queue = new Vector<Runnable>();",
                        "  private final Hashtable<String, Long> times = new Hashtable<String, Long>();",
                        "  private boolean closed;",
                        "  public Worker(String name) { super(name); }",
                        "  public void run() {",
                        "    Thread me = Thread.currentThread();",
                        "    me.setPriority(Math.max(Thread.MIN_PRIORITY, me.getPriority() - 1));",
                        "    synchronized (this) {",
                        "      while (queue.isEmpty() && !closed) {",
                        "        try { wait(100); } catch (InterruptedException e) { interrupt(); return; }",
                        "      }",
                        "      notifyAll();",
                        "    }",
                        "    long start = System.currentTimeMillis();",
                        "    times.put(getName(), start);",            // boxing: Long.valueOf(long)
                        "    Integer n = queue.size();",               // Integer.valueOf(int)
                        "    String s = \"ran \" + n + ' ' + start + ' ' + isAlive() + ' ' + 1.5 + getPriority();",
                        "    StringBuilder b = new StringBuilder(s).append(s.length()).reverse();",
                        "    b.setLength(0); b.insert(0, 'x').deleteCharAt(0);",
                        "    for (Enumeration<String> e = times.keys(); e.hasMoreElements();) { b.append(e.nextElement()); }",
                        "    Boolean.valueOf(b.length() > 0).booleanValue();",
                        "    Character c = 'c';",
                        "    String.valueOf(c.charValue());",
                        "    Integer.toString(3); Long.toString(4L);",
                        "  }",
                        "  public void close() { closed = true; }",
                        "  public static Object load(String name) throws Exception {",
                        "    Class<?> k = Class.forName(name);",
                        "    return k.newInstance();",
                        "  }",
                        "  public static void joinAll(Worker w) throws Exception {",
                        "    try (Worker x = w) { x.start(); x.join(); Thread.sleep(1); }",
                        "  }",
                        "}"))
                .add("p.Error1", String.join("\n",
                        "package p;",
                        "public class Error1 extends RuntimeException {",
                        "  private final Throwable cause;",
                        "  public Error1(String m, Throwable cause) { super(m); this.cause = cause; }",
                        "  @Override public Throwable getCause() { return cause; }",
                        "  static RuntimeException wrap(Exception e) {",
                        "    IllegalStateException s = new IllegalStateException(\"x\");",
                        "    s.initCause(e); s.addSuppressed(new UnsupportedOperationException());",
                        "    return s.getSuppressed().length > 0 ? s : new Error1(\"y\", s.getCause());",
                        "  }",
                        "}"))
                .add("p.Items", String.join("\n",
                        "package p;",
                        "import java.util.Iterator;",
                        "import java.util.Vector;",
                        "@FunctionalInterface interface Task { void go(); }",
                        "@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)",
                        "@java.lang.annotation.Target({java.lang.annotation.ElementType.TYPE})",
                        "@java.lang.annotation.Documented @interface Marker { String value(); }",
                        "enum Mode { FAST, SLOW }",
                        "@Marker(\"items\") @Deprecated",
                        "public class Items implements Iterable<String> {",
                        "  private final Vector<String> v = new Vector<String>();",
                        "  public Iterator<String> iterator() {",
                        "    return new Iterator<String>() {",
                        "      int i;",
                        "      public boolean hasNext() { return i < v.size(); }",
                        "      public String next() { return v.elementAt(i++); }",
                        "      public void remove() { throw new UnsupportedOperationException(); }",
                        "    };",
                        "  }",
                        "  @SuppressWarnings(\"unused\") int count() {",
                        "    int n = 0; for (String s : this) { n += s.length(); }",
                        "    Task t = new Task() { public void go() { } }; t.go();",
                        "    Mode m = Mode.valueOf(\"FAST\"); n += m.ordinal() + Mode.values().length + m.name().length();",
                        "    CharSequence cs = new StringBuilder(\"ab\"); n += cs.length() + cs.charAt(0);",
                        "    return n;",
                        "  }",
                        "}")));
        assertPasses(result);
        assertEquals(8, result.checkedClasses(), "Worker, Error1, Items, Items$1, Task, Marker, Mode, and nothing else");
    }

    // ---------------------------------------------------------------- java.util.concurrent

    @Test
    void javaUtilConcurrentIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Pool", String.join("\n",
                "package p;",
                "import java.util.concurrent.ConcurrentHashMap;",
                "public class Pool {",
                "  Object make() { return new ConcurrentHashMap<String, String>(); }",
                "}"));
        Finding f = assertRefused(result, Rule.CONCURRENT, "p.Pool", "method make()",
                "java.util.concurrent.ConcurrentHashMap",
                "CLDC 8 has no java.util.concurrent; use dev.spindle.threading primitives");
        assertEquals(4, f.line());
        assertTrue(f.toString().contains("(Pool.java:4)"), f.toString());
    }

    @Test
    void javaUtilConcurrentIsRefusedAlsoWhereAnimalSnifferDoesNotLook() throws IOException {
        // implemented interface, parameter type, throws clause, class literal
        CldcChecker.Result result = check("p.Job", String.join("\n",
                "package p;",
                "public class Job implements java.util.concurrent.Callable<String> {",
                "  public String call() { return \"\"; }",
                "  void take(java.util.concurrent.Future<?> f) { }",
                "  void fail() throws java.util.concurrent.TimeoutException { }",
                "  Object k() { return java.util.concurrent.Executor.class; }",
                "}"));
        String advice = "use dev.spindle.threading primitives";
        assertRefused(result, Rule.CONCURRENT, "p.Job", "class declaration", "java.util.concurrent.Callable", advice);
        assertRefused(result, Rule.CONCURRENT, "p.Job", "method take(java.util.concurrent.Future)",
                "java.util.concurrent.Future", advice);
        assertRefused(result, Rule.CONCURRENT, "p.Job", "method fail()", "java.util.concurrent.TimeoutException",
                advice);
        assertRefused(result, Rule.CONCURRENT, "p.Job", "method k()", "java.util.concurrent.Executor", advice);
    }

    // ---------------------------------------------------------------- invokedynamic

    @Test
    void lambdaIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Lambda", String.join("\n",
                "package p;",
                "public class Lambda {",
                "  Runnable r() { return () -> System.out.println(\"hi\"); }",
                "}"));
        assertRefused(result, Rule.INVOKEDYNAMIC, "p.Lambda", "method r()", "a lambda (as java.lang.Runnable.run)",
                "CLDC 8 has no invokedynamic; write a named or anonymous class");
        assertTrue(result.findings().stream().noneMatch(f -> f.subject().startsWith("java.lang.invoke")),
                "the lambda is reported once, not as java.lang.invoke types too:\n" + describe(result));
    }

    @Test
    void methodReferenceIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Ref", String.join("\n",
                "package p;",
                "public class Ref {",
                "  Runnable r(Thread t) { return t::start; }",
                "}"));
        assertRefused(result, Rule.INVOKEDYNAMIC, "p.Ref", "method r(java.lang.Thread)",
                "a method reference java.lang.Thread::start (as java.lang.Runnable.run)",
                "instead of a lambda or method reference");
    }

    // ---------------------------------------------------------------- threads

    @Test
    void daemonThreadIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Daemon", String.join("\n",
                "package p;",
                "public class Daemon {",
                "  void start(Thread t) { t.setDaemon(true); t.start(); }",
                "}"));
        assertRefused(result, Rule.DAEMON_THREAD, "p.Daemon", "method start(java.lang.Thread)",
                "java.lang.Thread.setDaemon(boolean)", "CLDC 8 threads cannot be daemon threads");
        assertEquals(1, result.findings().size(), "animal-sniffer's report of the same line is merged:\n"
                + describe(result));
    }

    @Test
    void daemonThreadIsRefusedThroughOwnSubclass() throws IOException {
        // animal-sniffer skips this one: the call's owner is the module's own class.
        CldcChecker.Result result = check("p.MyThread", String.join("\n",
                "package p;",
                "public class MyThread extends Thread {",
                "  public MyThread() { setDaemon(true); }",
                "}"));
        assertRefused(result, Rule.DAEMON_THREAD, "p.MyThread", "method <init>()",
                "java.lang.Thread.setDaemon(boolean) through p.MyThread", "end threads explicitly");
    }

    @Test
    void threadGroupIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Groups", String.join("\n",
                "package p;",
                "public class Groups {",
                "  Thread make(Runnable r) { return new Thread(new ThreadGroup(\"g\"), r, \"n\", 4096L); }",
                "}"));
        assertRefused(result, Rule.THREAD_GROUP, "p.Groups", "method make(java.lang.Runnable)",
                "java.lang.ThreadGroup", "CLDC 8 has no ThreadGroup");
    }

    @Test
    void threadGetIdIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Ids", String.join("\n",
                "package p;",
                "public class Ids {",
                "  long id() { return Thread.currentThread().getId(); }",
                "}"));
        assertRefused(result, Rule.THREAD_ID, "p.Ids", "method id()", "java.lang.Thread.getId()",
                "CLDC 8 has no Thread.getId()");
    }

    @Test
    void nanoTimeIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Clock", String.join("\n",
                "package p;",
                "public class Clock {",
                "  long now() { return System.nanoTime(); }",
                "}"));
        assertRefused(result, Rule.NANO_TIME, "p.Clock", "method now()", "java.lang.System.nanoTime()",
                "use System.currentTimeMillis()");
    }

    // ---------------------------------------------------------------- reflection, finalizers, versions

    @Test
    void reflectionIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Reflect", String.join("\n",
                "package p;",
                "public class Reflect {",
                "  int count(Class<?> k) { return k.getDeclaredMethods().length; }",
                "  void set(java.lang.reflect.Field f) { }",
                "}"));
        assertRefused(result, Rule.REFLECTION, "p.Reflect", "method count(java.lang.Class)",
                "java.lang.Class.getDeclaredMethods()", "CLDC 8's Class has no reflection");
        assertRefused(result, Rule.REFLECTION, "p.Reflect", "method count(java.lang.Class)",
                "java.lang.reflect.Method", "CLDC 8 has no reflection");
        assertRefused(result, Rule.REFLECTION, "p.Reflect", "method set(java.lang.reflect.Field)",
                "java.lang.reflect.Field", "Class.forName(name).newInstance()");
    }

    @Test
    void finalizerIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Res", String.join("\n",
                "package p;",
                "public class Res {",
                "  @Override protected void finalize() throws Throwable { super.finalize(); }",
                "}"));
        assertRefused(result, Rule.FINALIZER, "p.Res", "method finalize()", "a declared finalize()",
                "CLDC 8 never runs finalizers; release resources explicitly");
    }

    @Test
    void classFileAboveJava8IsRefused() throws IOException {
        CldcChecker.Result result = check(new Sources().release("11").add("p.New", String.join("\n",
                "package p;",
                "public class New { }")));
        assertRefused(result, Rule.CLASS_VERSION, "p.New", "class declaration", "class file version 55 (Java 11)",
                "<maven.compiler.release>8</maven.compiler.release>");
    }

    // ---------------------------------------------------------------- types and members outside CLDC 8

    @Test
    void typeOutsideCldcIsRefusedWherever() throws IOException {
        CldcChecker.Result result = check("p.Types", String.join("\n",
                "package p;",
                "@java.lang.annotation.Inherited @interface Tag { }",
                "public class Types implements Comparable<Types>, java.io.Serializable {",
                "  public int compareTo(Types o) { return 0; }",
                "  java.util.List<String> field;",
                "  Object list() { return new java.util.ArrayList<String>(); }",
                "  void param(java.util.Map<String, String> m) { }",
                "  void io() throws java.io.FileNotFoundException { }",
                "  Object literal() { return java.util.Random.class.getName() + java.util.HashSet.class; }",
                "}"));
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "class declaration", "java.lang.Comparable",
                "Not in the CLDC 8 API");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "class declaration", "java.io.Serializable",
                "add it to firmware/cldc-signature");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "field field", "java.util.List", "use java.util.Vector");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "method list()", "java.util.ArrayList",
                "use java.util.Vector");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "method param(java.util.Map)", "java.util.Map",
                "use java.util.Hashtable");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "method io()", "java.io.FileNotFoundException",
                "Not in the CLDC 8 API");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Types", "method literal()", "java.util.HashSet",
                "use java.util.Hashtable");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Tag", "class declaration", "java.lang.annotation.Inherited",
                "Not in the CLDC 8 API");
        assertTrue(result.findings().stream().noneMatch(f -> f.subject().contains("java.util.Random")),
                "java.util.Random is CLDC 1.1:\n" + describe(result));
    }

    @Test
    void memberOutsideCldcIsRefused() throws IOException {
        CldcChecker.Result result = check("p.Members", String.join("\n",
                "package p;",
                "public class Members {",
                "  void name(Thread t) {",
                "    t.setName(\"x\");",
                "  }",
                "  void trace(Exception e) {",
                "    e.printStackTrace(System.err);",
                "  }",
                "}"));
        // Found by animal-sniffer (CLDC owner).
        Finding f = assertRefused(result, Rule.MEMBER_NOT_IN_CLDC, "p.Members", "method name(java.lang.Thread)",
                "Thread.setName(String)", "Not in the CLDC 8 API");
        assertEquals(4, f.line());
        assertRefused(result, Rule.MEMBER_NOT_IN_CLDC, "p.Members", "method trace(java.lang.Exception)",
                "Exception.printStackTrace(java.io.PrintStream)", "use a CLDC 1.1 member");
    }

    @Test
    void forEachOverVectorAndSwitchOverEnumAreRefused() throws IOException {
        // CLDC 1.1's Vector is not Iterable; javac's enum switch map catches NoSuchFieldError.
        CldcChecker.Result result = check(new Sources()
                .add("p.Loop", String.join("\n",
                        "package p;",
                        "public class Loop {",
                        "  int count(java.util.Vector<String> v) { int n = 0; for (String s : v) { n++; } return n; }",
                        "  int pick(Mode m) { switch (m) { case A: return 1; default: return 2; } }",
                        "}"))
                .add("p.Mode", "package p; public enum Mode { A, B }"));
        assertRefused(result, Rule.MEMBER_NOT_IN_CLDC, "p.Loop", "method count(java.util.Vector)",
                "Vector.iterator()", "Not in the CLDC 8 API");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Loop$1", "method <clinit>()", "java.lang.NoSuchFieldError",
                "Not in the CLDC 8 API");
    }

    @Test
    void memberOutsideCldcIsRefusedThroughOwnSubclass() throws IOException {
        // animal-sniffer skips this one: the call's owner is the module's own class.
        CldcChecker.Result result = check("p.Named", String.join("\n",
                "package p;",
                "public class Named extends Thread implements Comparable<Named> {",
                "  Named() { setName(\"x\"); getName(); }",
                "  public int compareTo(Named o) { return 0; }",
                "}"));
        assertRefused(result, Rule.MEMBER_NOT_IN_CLDC, "p.Named", "method <init>()",
                "java.lang.Thread.setName(java.lang.String) through p.Named", "Not in the CLDC 8 API");
        assertRefused(result, Rule.TYPE_NOT_IN_CLDC, "p.Named", "class declaration", "java.lang.Comparable",
                "Not in the CLDC 8 API");
        assertEquals(2, result.findings().size(), "getName() is CLDC 1.1:\n" + describe(result));
    }

    @Test
    void dependencyClassesMayBeUsed() throws IOException {
        Path library = new Sources().add("lib.Base", String.join("\n",
                "package lib;",
                "public class Base extends Thread { public void hello() { } }")).compileInto(tmp);
        Path module = new Sources().classpath(library).add("p.User", String.join("\n",
                "package p;",
                "public class User extends lib.Base {",
                "  void go() { hello(); start(); setDaemon(true); }",
                "}")).compileInto(tmp);
        CldcChecker.Result result = checker.check(module, Collections.singletonList(library), Collections.emptyList());
        assertRefused(result, Rule.DAEMON_THREAD, "p.User", "method go()",
                "java.lang.Thread.setDaemon(boolean) through p.User", "CLDC 8 threads cannot be daemon threads");
        assertEquals(1, result.findings().size(), describe(result));
    }

    // ---------------------------------------------------------------- escape hatch

    private static Sources platformSources() {
        return new Sources()
                .add("dev.spindle.threading.JdkPlatform", String.join("\n",
                        "package dev.spindle.threading;",
                        "import java.io.ByteArrayOutputStream;",
                        "import java.io.PrintStream;",
                        "public class JdkPlatform {",
                        "  Thread newThread(Runnable r, String name, long stack) {",
                        "    return new Thread(new ThreadGroup(\"spindle\"), r, name, stack);",
                        "  }",
                        "  String trace(Throwable t) {",
                        "    ByteArrayOutputStream out = new ByteArrayOutputStream();",
                        "    t.printStackTrace(new PrintStream(out));",
                        "    return out.toString();",
                        "  }",
                        "  static class Factory { ThreadGroup group() { return Thread.currentThread().getThreadGroup(); } }",
                        "  Runnable inner() { return new Runnable() { public void run() { new Thread().setDaemon(true); } }; }",
                        "}"))
                .add("dev.spindle.threading.JdkPlatformTools", String.join("\n",
                        "package dev.spindle.threading;",
                        "public class JdkPlatformTools {",
                        "  long id() { return Thread.currentThread().getId(); }",
                        "}"))
                .add("dev.spindle.threading.Loader", String.join("\n",
                        "package dev.spindle.threading;",
                        "public class Loader {",
                        "  static Object platform() throws Exception {",
                        "    return Class.forName(\"dev.spindle.threading.JdkPlatform\").newInstance();",
                        "  }",
                        "}"));
    }

    @Test
    void exemptClassAndItsNestedClassesAreLeftOutAndNothingElse() throws IOException {
        CldcChecker.Result result = check(platformSources(), "dev.spindle.threading.JdkPlatform");
        assertEquals(Arrays.asList("dev.spindle.threading.JdkPlatform", "dev.spindle.threading.JdkPlatform$1",
                "dev.spindle.threading.JdkPlatform$Factory"), result.exemptedClasses());
        // JdkPlatformTools merely shares the prefix: still checked.
        assertRefused(result, Rule.THREAD_ID, "dev.spindle.threading.JdkPlatformTools", "method id()",
                "java.lang.Thread.getId()", "Threads.getIdent()");
        assertEquals(1, result.findings().size(), describe(result));
        assertEquals(2, result.checkedClasses());
        assertTrue(result.unusedExemptions().isEmpty());
    }

    @Test
    void withoutTheExemptionThePlatformClassIsRefused() throws IOException {
        CldcChecker.Result result = check(platformSources());
        assertRefused(result, Rule.THREAD_GROUP, "dev.spindle.threading.JdkPlatform",
                "method newThread(java.lang.Runnable, java.lang.String, long)", "java.lang.ThreadGroup",
                "exempt platform class");
        assertRefused(result, Rule.MEMBER_NOT_IN_CLDC, "dev.spindle.threading.JdkPlatform",
                "method trace(java.lang.Throwable)", "Throwable.printStackTrace(java.io.PrintStream)",
                "Not in the CLDC 8 API");
        assertRefused(result, Rule.THREAD_GROUP, "dev.spindle.threading.JdkPlatform$Factory", "method group()",
                "java.lang.ThreadGroup", "CLDC 8 has no ThreadGroup");
        assertRefused(result, Rule.DAEMON_THREAD, "dev.spindle.threading.JdkPlatform$1", "method run()",
                "java.lang.Thread.setDaemon(boolean)", "daemon");
    }

    @Test
    void exemptionsNameExactlyOneClass() throws IOException {
        Path classes = platformSources().compileInto(tmp);
        for (String bad : Arrays.asList("dev.spindle.threading.*", "dev.spindle.threading.JdkPlatform*", "", " ",
                "dev/spindle/threading/JdkPlatform")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> checker.check(classes, Collections.emptyList(), Collections.singletonList(bad)), bad);
            assertTrue(e.getMessage().contains("wildcards are not allowed"), e.getMessage());
        }
        CldcChecker.Result stale = checker.check(classes, Collections.emptyList(),
                Arrays.asList("dev.spindle.threading.JdkPlatform", "dev.spindle.threading.Gone"));
        assertEquals(Collections.singletonList("dev.spindle.threading.Gone"), stale.unusedExemptions());
        assertFalse(stale.passed());
    }

    @Test
    void missingClassesDirectoryHasNothingToCheck() throws IOException {
        CldcChecker.Result result = checker.check(tmp.resolve("none"), Collections.emptyList(), Collections.emptyList());
        assertTrue(result.passed());
        assertEquals(0, result.checkedClasses());
    }
}
