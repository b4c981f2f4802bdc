package dev.spindle.cldc.check;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.codehaus.mojo.animal_sniffer.Clazz;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The types a CLDC module may see: the signature's classes (the CLDC 8 API) and the "local"
 * classes (the module's own classes and those of its compile-scope dependencies), with their
 * supertypes and members, keyed by internal name ({@code java/lang/Thread}).
 */
final class TypeModel {
    private final Map<String, Clazz> signature;
    private final Map<String, LocalClass> local;

    TypeModel(Map<String, Clazz> signature, Map<String, LocalClass> local) {
        this.signature = signature;
        this.local = local;
    }

    boolean isKnown(String type) {
        return local.containsKey(type) || signature.containsKey(type);
    }

    boolean isLocal(String type) {
        return local.containsKey(type);
    }

    LocalClass local(String type) {
        return local.get(type);
    }

    /** Whether {@code type} is {@code target} or a subtype of it (classes and interfaces). */
    boolean isSubtypeOf(String type, String target) {
        return isSubtypeOf(type, target, new HashSet<>());
    }

    private boolean isSubtypeOf(String type, String target, Set<String> seen) {
        if (type == null || !seen.add(type)) {
            return false;
        }
        if (type.equals(target)) {
            return true;
        }
        for (String s : supertypes(type)) {
            if (isSubtypeOf(s, target, seen)) {
                return true;
            }
        }
        return false;
    }

    private Set<String> supertypes(String type) {
        Set<String> result = new LinkedHashSet<>();
        LocalClass l = local.get(type);
        if (l != null) {
            if (l.superName != null) {
                result.add(l.superName);
            }
            Collections.addAll(result, l.interfaces);
            return result;
        }
        Clazz c = signature.get(type);
        if (c != null) {
            if (c.getSuperClass() != null) {
                result.add(c.getSuperClass());
            }
            if (c.getSuperInterfaces() != null) {
                Collections.addAll(result, c.getSuperInterfaces());
            }
        }
        return result;
    }

    /**
     * Resolves a member reference whose owner is a local class: walks up the local classes; a
     * local declaration resolves it. Returns the first non-local types the walk reaches (where
     * the member must then come from), or an empty set when a local class declares it.
     *
     * @param member {@code name + descriptor} for a method, {@code name + "#" + descriptor} for a
     *     field (the signature's format)
     */
    Set<String> nonLocalDeclarers(String owner, String member) {
        Set<String> exits = new LinkedHashSet<>();
        if (walkLocal(owner, member, new HashSet<>(), exits)) {
            return Collections.emptySet();
        }
        return exits;
    }

    private boolean walkLocal(String type, String member, Set<String> seen, Set<String> exits) {
        if (type == null || !seen.add(type)) {
            return false;
        }
        LocalClass l = local.get(type);
        if (l == null) {
            exits.add(type);
            return false;
        }
        if (l.members.contains(member)) {
            return true;
        }
        if (member.startsWith("<")) {
            return false; // constructors and initializers are not inherited
        }
        if (walkLocal(l.superName, member, seen, exits)) {
            return true;
        }
        for (String i : l.interfaces) {
            if (walkLocal(i, member, seen, exits)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the signature has {@code member} in {@code type} or its supertypes (as animal-sniffer looks). */
    boolean signatureHas(String type, String member) {
        return signatureHas(type, member, new HashSet<>());
    }

    private boolean signatureHas(String type, String member, Set<String> seen) {
        if (type == null || !seen.add(type)) {
            return false;
        }
        Clazz c = signature.get(type);
        if (c == null) {
            return false;
        }
        if (c.getSignatures().contains(member)) {
            return true;
        }
        if (member.startsWith("<")) {
            return false;
        }
        if (signatureHas(c.getSuperClass(), member, seen)) {
            return true;
        }
        if (c.getSuperInterfaces() != null) {
            for (String i : c.getSuperInterfaces()) {
                if (signatureHas(i, member, seen)) {
                    return true;
                }
            }
        }
        // An interface inherits Object's public methods.
        return !"java/lang/Object".equals(type) && signatureHas("java/lang/Object", member, seen);
    }

    /** The shape of a local class file: supertypes, declared members and source file. */
    static final class LocalClass {
        final String name;
        final String superName;
        final String[] interfaces;
        final Set<String> members;
        final String sourceFile;

        private LocalClass(String name, String superName, String[] interfaces, Set<String> members,
                String sourceFile) {
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces == null ? new String[0] : interfaces;
            this.members = members;
            this.sourceFile = sourceFile;
        }

        static LocalClass read(byte[] classFile) {
            ClassReader reader = new ClassReader(classFile);
            Collector collector = new Collector();
            reader.accept(collector, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
            return new LocalClass(collector.name, collector.superName, collector.interfaces, collector.members,
                    collector.sourceFile);
        }

        private static final class Collector extends ClassVisitor {
            String name;
            String superName;
            String[] interfaces;
            String sourceFile;
            final Set<String> members = new HashSet<>();

            Collector() {
                super(Opcodes.ASM9);
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                this.name = name;
                this.superName = superName;
                this.interfaces = interfaces;
            }

            @Override
            public void visitSource(String source, String debug) {
                this.sourceFile = source;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                members.add(name + "#" + descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                members.add(name + descriptor);
                return null;
            }
        }
    }
}
