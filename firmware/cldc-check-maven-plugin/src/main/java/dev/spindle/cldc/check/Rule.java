package dev.spindle.cldc.check;

/** The rules of the CLDC 8 API check; {@link #id()} is what a finding prints in brackets. */
public enum Rule {
    /** A class file newer than Java 8 (major version above 52). */
    CLASS_VERSION("class-version"),
    /** An invokedynamic instruction: a lambda, a method reference, or indy string concatenation. */
    INVOKEDYNAMIC("invokedynamic"),
    /** A declared {@code finalize()}. */
    FINALIZER("finalizer"),
    /** Anything in {@code java.util.concurrent}. */
    CONCURRENT("java.util.concurrent"),
    /** {@code java.lang.reflect}, {@code java.lang.invoke}, reflective {@code Class} methods. */
    REFLECTION("reflection"),
    /** {@code java.lang.ThreadGroup}. */
    THREAD_GROUP("thread-group"),
    /** {@code Thread.setDaemon} / {@code Thread.isDaemon}. */
    DAEMON_THREAD("daemon-thread"),
    /** {@code Thread.getId()}. */
    THREAD_ID("thread-id"),
    /** {@code System.nanoTime()}. */
    NANO_TIME("nano-time"),
    /** A referenced type that is neither in the signature nor in the module or its dependencies. */
    TYPE_NOT_IN_CLDC("type-not-in-cldc"),
    /** A referenced method or field that the signature's class (or its supertypes) lacks. */
    MEMBER_NOT_IN_CLDC("member-not-in-cldc");

    private final String id;

    Rule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
