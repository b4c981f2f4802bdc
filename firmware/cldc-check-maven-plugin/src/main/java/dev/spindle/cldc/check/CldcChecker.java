package dev.spindle.cldc.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.codehaus.mojo.animal_sniffer.Clazz;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.objectweb.asm.ClassReader;

/**
 * The CLDC 8 API check of one module's main classes, without Maven: the ASM scan
 * ({@link CldcScanner}) and animal-sniffer's signature check ({@link AnimalSnifferCheck}).
 */
public final class CldcChecker {
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private final Map<String, Clazz> signature;

    private CldcChecker(Map<String, Clazz> signature) {
        this.signature = signature;
    }

    /** A checker for an animal-sniffer signature file (spindle-cldc-signature's). */
    public static CldcChecker forSignature(Path signatureFile) throws IOException {
        try (InputStream in = Files.newInputStream(signatureFile)) {
            return new CldcChecker(SignatureChecker.loadClasses(in));
        }
    }

    /** Whether the signature has a class (internal name) and, if {@code member} is not null, that member. */
    public boolean signatureHas(String internalName, String member) {
        Clazz c = signature.get(internalName);
        return c != null && (member == null || c.getSignatures().contains(member));
    }

    /** The signature's superclass of a class (internal name), or null. */
    public String signatureSuperclass(String internalName) {
        Clazz c = signature.get(internalName);
        return c == null ? null : c.getSuperClass();
    }

    /**
     * Checks the class files under {@code classesDirectory}.
     *
     * @param libraries the module's compile-scope class path (jars or directories): their classes
     *     may be used, and are not checked here
     * @param exemptClasses binary names ({@code dev.spindle.threading.JdkPlatform}) of classes left
     *     out of the check together with their nested classes ({@code JdkPlatform$*}); no
     *     wildcards
     */
    public Result check(Path classesDirectory, List<Path> libraries, List<String> exemptClasses) throws IOException {
        List<String> exempt = new ArrayList<>();
        for (String e : exemptClasses) {
            String name = e == null ? "" : e.trim();
            if (!CLASS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Exempt class '" + e + "' is not a class name: name exactly one"
                        + " class (e.g. dev.spindle.threading.JdkPlatform); its nested classes are exempt with it,"
                        + " and wildcards are not allowed");
            }
            exempt.add(name.replace('.', '/'));
        }

        Map<String, byte[]> own = readDirectory(classesDirectory);
        Map<String, TypeModel.LocalClass> local = new HashMap<>();
        for (Path library : libraries) {
            readLibrary(library, local);
        }
        for (Map.Entry<String, byte[]> e : own.entrySet()) {
            local.put(e.getKey(), TypeModel.LocalClass.read(e.getValue()));
        }
        TypeModel model = new TypeModel(signature, local);

        Map<String, byte[]> checked = new TreeMap<>();
        List<String> exempted = new ArrayList<>();
        Set<String> usedExemptions = new HashSet<>();
        for (Map.Entry<String, byte[]> e : own.entrySet()) {
            String hit = exemption(e.getKey(), exempt);
            if (hit == null) {
                checked.put(e.getKey(), e.getValue());
            } else {
                exempted.add(e.getKey().replace('/', '.'));
                usedExemptions.add(hit);
            }
        }

        CldcScanner scanner = new CldcScanner(model);
        Map<String, CldcScanner.ClassResult> scans = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        Set<String> ignored = new HashSet<>(local.keySet());
        for (Map.Entry<String, byte[]> e : checked.entrySet()) {
            CldcScanner.ClassResult r = scanner.scan(e.getKey(), e.getValue());
            scans.put(e.getKey(), r);
            findings.addAll(r.findings);
            ignored.addAll(r.refusedTypes);
        }
        for (Finding f : AnimalSnifferCheck.check(signature, checked, ignored, scans)) {
            // A line the scanner refused already (e.g. Thread.setDaemon) is not reported twice.
            CldcScanner.ClassResult scan = scans.get(f.className().replace('.', '/'));
            if (f.line() <= 0 || scan == null || !scan.refusedLines.contains(f.line())) {
                findings.add(f);
            }
        }
        Collections.sort(findings);

        List<String> unused = exempt.stream().filter(x -> !usedExemptions.contains(x)).map(x -> x.replace('/', '.'))
                .collect(Collectors.toList());
        return new Result(findings, checked.size(), exempted, unused);
    }

    private static String exemption(String internalName, List<String> exempt) {
        for (String x : exempt) {
            if (internalName.equals(x) || internalName.startsWith(x + "$")) {
                return x;
            }
        }
        return null;
    }

    private static Map<String, byte[]> readDirectory(Path dir) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return classes;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".class") && Files.isRegularFile(p))
                    .collect(Collectors.toList());
        }
        for (Path p : files) {
            if (p.getFileName().toString().equals("module-info.class")) {
                continue;
            }
            byte[] bytes = Files.readAllBytes(p);
            classes.put(new ClassReader(bytes).getClassName(), bytes);
        }
        return classes;
    }

    private static void readLibrary(Path library, Map<String, TypeModel.LocalClass> local) throws IOException {
        if (Files.isDirectory(library)) {
            for (Map.Entry<String, byte[]> e : readDirectory(library).entrySet()) {
                local.put(e.getKey(), TypeModel.LocalClass.read(e.getValue()));
            }
        } else if (Files.isRegularFile(library)) {
            try (ZipFile zip = new ZipFile(library.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
                        continue;
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        TypeModel.LocalClass c = TypeModel.LocalClass.read(in.readAllBytes());
                        local.put(c.name, c);
                    }
                }
            }
        }
    }

    /** What a check found. */
    public static final class Result {
        private final List<Finding> findings;
        private final int checkedClasses;
        private final List<String> exemptedClasses;
        private final List<String> unusedExemptions;

        Result(List<Finding> findings, int checkedClasses, List<String> exemptedClasses, List<String> unusedExemptions) {
            this.findings = Collections.unmodifiableList(findings);
            this.checkedClasses = checkedClasses;
            this.exemptedClasses = Collections.unmodifiableList(exemptedClasses);
            this.unusedExemptions = Collections.unmodifiableList(unusedExemptions);
        }

        /** The refused uses, by class and line. */
        public List<Finding> findings() {
            return findings;
        }

        public boolean passed() {
            return findings.isEmpty();
        }

        public int checkedClasses() {
            return checkedClasses;
        }

        /** Classes left out as exempt (binary names). */
        public List<String> exemptedClasses() {
            return exemptedClasses;
        }

        /** Exemptions that matched no class (binary names): stale configuration, or no sources yet. */
        public List<String> unusedExemptions() {
            return unusedExemptions;
        }

        /** Number of distinct classes with findings. */
        public int failedClasses() {
            return new TreeSet<>(findings.stream().map(Finding::className).collect(Collectors.toList())).size();
        }
    }
}
