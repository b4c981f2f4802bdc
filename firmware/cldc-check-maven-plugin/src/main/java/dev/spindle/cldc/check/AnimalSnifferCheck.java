package dev.spindle.cldc.check;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.codehaus.mojo.animal_sniffer.Clazz;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;

/**
 * The animal-sniffer half of the check: animal-sniffer's own {@link SignatureChecker} (the engine
 * of animal-sniffer-maven-plugin's {@code check} goal) run on the module's classes, minus the
 * exempt ones. Every method, constructor and field that the code reaches on a CLDC class must be
 * in the signature, that class's or a supertype's.
 *
 * <p>It is run here rather than through the plugin's {@code check} goal because that goal cannot
 * leave out one class (its {@code ignores} drop references <em>to</em> a type everywhere, and its
 * {@code annotations} need an annotation in the source and skip no member class).
 */
final class AnimalSnifferCheck {
    private static final String UNDEFINED = ": Undefined reference: ";

    private AnimalSnifferCheck() {
    }

    /**
     * @param signature the signature's classes
     * @param classes the classes to check (internal name to class file), exempt ones left out
     * @param ignoredTypes internal names whose references are not checked: the local classes and
     *     the types the scanner has already refused
     * @param scans the scanner's results, for source files and members by line
     */
    static List<Finding> check(Map<String, Clazz> signature, Map<String, byte[]> classes, Set<String> ignoredTypes,
            Map<String, CldcScanner.ClassResult> scans) throws IOException {
        Capture capture = new Capture(scans);
        Checker checker = new Checker(signature, ignoredTypes, capture);
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            capture.current = e.getKey();
            checker.check(e.getKey(), e.getValue());
        }
        return capture.findings;
    }

    private static final class Checker extends SignatureChecker {
        Checker(Map<String, Clazz> signature, Set<String> ignoredTypes, Logger logger) throws IOException {
            super(signature, ignoredTypes, logger);
            setSourcePath(Collections.emptyList());
            setCheckJars(false);
        }

        void check(String internalName, byte[] classFile) throws IOException {
            // The name is what animal-sniffer puts at the start of each message.
            process(internalName, new ByteArrayInputStream(classFile));
        }
    }

    /** Turns animal-sniffer's "name:line: Undefined reference: form" errors into findings. */
    private static final class Capture implements Logger {
        final List<Finding> findings = new ArrayList<>();
        final Map<String, CldcScanner.ClassResult> scans;
        String current;

        Capture(Map<String, CldcScanner.ClassResult> scans) {
            this.scans = scans;
        }

        @Override
        public void error(String message) {
            CldcScanner.ClassResult scan = scans.get(current);
            String className = current.replace('/', '.');
            String sourceFile = scan == null ? null : scan.sourceFile;
            int at = message.indexOf(UNDEFINED);
            if (at < 0) {
                findings.add(new Finding(className, sourceFile, "class file", 0, Rule.MEMBER_NOT_IN_CLDC, message,
                        "animal-sniffer could not check this class"));
                return;
            }
            String head = message.substring(0, at);
            String location = head.startsWith(current) ? head.substring(current.length()) : "";
            int line = 0;
            String where = "code";
            if (location.startsWith(": Field ")) {
                String field = location.substring(": Field ".length());
                where = "field " + field.substring(field.lastIndexOf('.') + 1);
            } else if (location.matches(":\\d+")) {
                line = Integer.parseInt(location.substring(1));
                String member = scan == null ? null : scan.lineToMember.get(line);
                where = member == null ? "code" : member;
            }
            findings.add(new Finding(className, sourceFile, where, line, Rule.MEMBER_NOT_IN_CLDC,
                    message.substring(at + UNDEFINED.length()), CldcRules.NOT_IN_CLDC_ADVICE));
        }

        @Override
        public void error(String message, Throwable t) {
            error(message + ": " + t);
        }

        @Override
        public void info(String message) {
        }

        @Override
        public void info(String message, Throwable t) {
        }

        @Override
        public void debug(String message) {
        }

        @Override
        public void debug(String message, Throwable t) {
        }

        @Override
        public void warn(String message) {
        }

        @Override
        public void warn(String message, Throwable t) {
        }
    }
}
