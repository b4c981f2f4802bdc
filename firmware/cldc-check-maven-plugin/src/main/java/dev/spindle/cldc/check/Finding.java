package dev.spindle.cldc.check;

import java.util.Comparator;
import java.util.Objects;

/**
 * One refused use of the API: which class, where in it (member and line when known), what it
 * uses, which rule refuses it and what to do instead.
 */
public final class Finding implements Comparable<Finding> {
    private static final Comparator<Finding> ORDER = Comparator.comparing(Finding::className)
            .thenComparingInt(Finding::line)
            .thenComparing(Finding::where)
            .thenComparing(f -> f.rule().id())
            .thenComparing(Finding::subject);

    private final String className;
    private final String sourceFile;
    private final String where;
    private final int line;
    private final Rule rule;
    private final String subject;
    private final String advice;

    /**
     * @param className binary class name, with dots ({@code a.b.Outer$Inner})
     * @param sourceFile the SourceFile attribute, or null
     * @param where "class declaration", "field x", "method m(int)", ...
     * @param line the source line, or 0 when unknown
     * @param rule the rule that refuses it
     * @param subject what is used, in source form ({@code java.util.ArrayList},
     *     {@code Thread.setDaemon(boolean)})
     * @param advice why it is refused and what to do instead
     */
    public Finding(String className, String sourceFile, String where, int line, Rule rule, String subject,
            String advice) {
        this.className = Objects.requireNonNull(className);
        this.sourceFile = sourceFile;
        this.where = Objects.requireNonNull(where);
        this.line = line;
        this.rule = Objects.requireNonNull(rule);
        this.subject = Objects.requireNonNull(subject);
        this.advice = Objects.requireNonNull(advice);
    }

    public String className() {
        return className;
    }

    public String where() {
        return where;
    }

    public int line() {
        return line;
    }

    public Rule rule() {
        return rule;
    }

    public String subject() {
        return subject;
    }

    public String advice() {
        return advice;
    }

    /** Same class, member, rule and subject: the same problem, perhaps on another line. */
    boolean sameProblemAs(Finding other) {
        return className.equals(other.className) && where.equals(other.where) && rule == other.rule
                && subject.equals(other.subject);
    }

    @Override
    public int compareTo(Finding other) {
        return ORDER.compare(this, other);
    }

    /**
     * {@code [rule] a.b.C, method run() (C.java:12): uses java.util.concurrent.Future. CLDC 8 has
     * no java.util.concurrent; use dev.spindle.threading primitives.}
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append('[').append(rule.id()).append("] ").append(className).append(", ").append(where);
        if (sourceFile != null || line > 0) {
            b.append(" (").append(sourceFile == null ? "?" : sourceFile);
            if (line > 0) {
                b.append(':').append(line);
            }
            b.append(')');
        }
        b.append(": uses ").append(subject).append(". ").append(advice);
        return b.toString();
    }
}
