package dev.spindle.cldc.check;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The explicit CLDC 8 bans and their advice, in one place (docs/cldc.md explains them).
 *
 * <p>Most of these uses are also absent from the signature, so animal-sniffer would refuse them
 * with a bare "Undefined reference"; naming them here gives a rule and something to do instead,
 * and catches the uses animal-sniffer does not look at (implemented interfaces, parameter types,
 * throws clauses, class literals, annotations, members reached through the module's own
 * classes).
 */
final class CldcRules {
    /** Java 8: the newest class file version a CLDC 8 VM loads. */
    static final int MAX_CLASS_VERSION = 52;

    static final String CONCURRENT_ADVICE =
            "CLDC 8 has no java.util.concurrent; use dev.spindle.threading primitives"
                    + " (or synchronized with Object.wait/notify)";
    static final String REFLECT_ADVICE =
            "CLDC 8 has no reflection (java.lang.reflect); load optional code with"
                    + " Class.forName(name).newInstance() and call it through an interface";
    static final String INVOKE_ADVICE =
            "CLDC 8 has no java.lang.invoke (method handles, lambdas); use a named or anonymous class";
    static final String THREAD_GROUP_ADVICE =
            "CLDC 8 has no ThreadGroup; JDK-only code belongs in the module's one exempt platform"
                    + " class, loaded with Class.forName at run time (docs/cldc.md)";
    static final String DAEMON_ADVICE =
            "CLDC 8 threads cannot be daemon threads (no Thread.setDaemon/isDaemon); end threads"
                    + " explicitly (e.g. a stop flag) so that the VM can exit";
    static final String THREAD_ID_ADVICE =
            "CLDC 8 has no Thread.getId(); use the ident the Spindle thread registry assigns"
                    + " (Threads.getIdent())";
    static final String NANO_TIME_ADVICE = "CLDC 8 has no System.nanoTime(); use System.currentTimeMillis()";
    static final String REFLECTIVE_CLASS_ADVICE =
            "CLDC 8's Class has no reflection (only forName, newInstance, isInstance,"
                    + " isAssignableFrom, isInterface, isArray, getName, getResourceAsStream);"
                    + " call optional code through an interface";
    static final String FINALIZER_ADVICE =
            "CLDC 8 never runs finalizers; release resources explicitly"
                    + " (close() on an AutoCloseable, try-with-resources)";
    static final String LAMBDA_ADVICE =
            "CLDC 8 has no invokedynamic; write a named or anonymous class that implements the"
                    + " interface instead of a lambda or method reference";
    static final String INDY_CONCAT_ADVICE =
            "CLDC 8 has no invokedynamic; compile CLDC modules with"
                    + " <maven.compiler.release>8</maven.compiler.release> (string concatenation then"
                    + " uses StringBuilder)";
    static final String INDY_ADVICE = "CLDC 8 has no invokedynamic; write plain method calls";
    static final String CONSTANT_ADVICE =
            "CLDC 8 has no method handles or dynamic constants; compile with --release 8 and use"
                    + " plain Java";
    static final String NOT_IN_CLDC_ADVICE =
            "Not in the CLDC 8 API (CLDC 1.1 plus the allowed CLDC 8 additions); use a CLDC 1.1"
                    + " member, or, if Java ME 8 CLDC really has it, add it to firmware/cldc-signature"
                    + " (docs/cldc.md)";

    /** Class methods that are reflection (CLDC 8's Class has none of them). */
    private static final Set<String> REFLECTIVE_CLASS_METHODS = Collections.unmodifiableSet(new HashSet<>(
            Arrays.asList("getMethod", "getMethods", "getDeclaredMethod", "getDeclaredMethods", "getField",
                    "getFields", "getDeclaredField", "getDeclaredFields", "getConstructor", "getConstructors",
                    "getDeclaredConstructor", "getDeclaredConstructors", "getClasses", "getDeclaredClasses",
                    "getAnnotation", "getAnnotations", "getDeclaredAnnotation", "getDeclaredAnnotations",
                    "getAnnotationsByType", "getDeclaredAnnotationsByType", "isAnnotationPresent",
                    "getEnclosingMethod", "getEnclosingConstructor", "getModifiers", "getEnumConstants",
                    "getRecordComponents", "getGenericSuperclass", "getGenericInterfaces",
                    "getTypeParameters")));

    private CldcRules() {
    }

    /** The explicit ban on a type (by internal name), or null. Arrays are not passed here. */
    static Ban typeBan(String internalName) {
        if (internalName.startsWith("java/util/concurrent/")) {
            return new Ban(Rule.CONCURRENT, CONCURRENT_ADVICE);
        }
        if (internalName.startsWith("java/lang/reflect/")) {
            return new Ban(Rule.REFLECTION, REFLECT_ADVICE);
        }
        if (internalName.startsWith("java/lang/invoke/")) {
            return new Ban(Rule.REFLECTION, INVOKE_ADVICE);
        }
        if (internalName.equals("java/lang/ThreadGroup")) {
            return new Ban(Rule.THREAD_GROUP, THREAD_GROUP_ADVICE);
        }
        return null;
    }

    /**
     * The explicit ban on a member of {@code declaringType} (the CLDC class that the reference
     * reaches, after the module's own classes), or null.
     *
     * @param isThread whether {@code declaringType} is java.lang.Thread or a subclass of it
     */
    static Ban memberBan(String declaringType, boolean isThread, String name, String descriptor) {
        if (isThread) {
            if ((name.equals("setDaemon") && descriptor.equals("(Z)V"))
                    || (name.equals("isDaemon") && descriptor.equals("()Z"))) {
                return new Ban(Rule.DAEMON_THREAD, DAEMON_ADVICE);
            }
            if (name.equals("getId") && descriptor.equals("()J")) {
                return new Ban(Rule.THREAD_ID, THREAD_ID_ADVICE);
            }
        }
        if (declaringType.equals("java/lang/System") && name.equals("nanoTime")) {
            return new Ban(Rule.NANO_TIME, NANO_TIME_ADVICE);
        }
        if (declaringType.equals("java/lang/Class") && REFLECTIVE_CLASS_METHODS.contains(name)) {
            return new Ban(Rule.REFLECTION, REFLECTIVE_CLASS_ADVICE);
        }
        return null;
    }

    /** Advice for a type outside CLDC 8: a CLDC replacement for the common ones. */
    static String typeAdvice(String internalName) {
        String hint = null;
        switch (internalName) {
            case "java/util/ArrayList":
            case "java/util/LinkedList":
            case "java/util/List":
            case "java/util/Collection":
            case "java/util/ArrayDeque":
            case "java/util/Deque":
            case "java/util/Queue":
                hint = "use java.util.Vector";
                break;
            case "java/util/HashMap":
            case "java/util/LinkedHashMap":
            case "java/util/TreeMap":
            case "java/util/Map":
            case "java/util/HashSet":
            case "java/util/Set":
                hint = "use java.util.Hashtable";
                break;
            case "java/util/Objects":
                hint = "test for null explicitly";
                break;
            case "java/util/Arrays":
                hint = "use System.arraycopy or a loop";
                break;
            default:
                if (internalName.startsWith("java/util/function/")) {
                    hint = "declare a small interface of your own";
                } else if (internalName.startsWith("java/util/stream/")) {
                    hint = "write the loop";
                }
        }
        String advice = "Not in the CLDC 8 API (CLDC 1.1 plus the allowed CLDC 8 additions)";
        if (hint != null) {
            advice += "; " + hint;
        }
        return advice + ". If Java ME 8 CLDC really has it, add it to firmware/cldc-signature (docs/cldc.md)";
    }

    /** A rule with its advice. */
    static final class Ban {
        final Rule rule;
        final String advice;

        Ban(Rule rule, String advice) {
            this.rule = rule;
            this.advice = advice;
        }
    }
}
