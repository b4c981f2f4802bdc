package dev.spindle.cldc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.ModuleVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The ASM half of the check: what animal-sniffer does not look at.
 *
 * <ul>
 *   <li>class file versions above 52 (Java 8);
 *   <li>invokedynamic (lambdas, method references), method handle and dynamic constants;
 *   <li>declared {@code finalize()};
 *   <li>every type the class file names, wherever it names it (supertypes, implemented
 *       interfaces, field and parameter types, throws clauses, generic signatures, annotations,
 *       class literals, casts, catch clauses, local variables): it must be in the signature or a
 *       local class, and not banned ({@link CldcRules#typeBan});
 *   <li>banned members ({@link CldcRules#memberBan}), also when reached through a subclass;
 *   <li>members reached through the module's own classes ({@code this.setName(..)} in a
 *       subclass of Thread), which animal-sniffer skips because the owner is a local class.
 * </ul>
 *
 * <p>Every type is found by running the class through ASM's {@link ClassRemapper} with an identity
 * {@link Remapper} that records each name it is asked to map: the remapper is, by design, shown
 * every class name in the class file.
 */
final class CldcScanner {
    private static final String THREAD = "java/lang/Thread";

    private final TypeModel model;

    CldcScanner(TypeModel model) {
        this.model = model;
    }

    /** Scans one class file; {@code internalName} must be a local class of the model. */
    ClassResult scan(String internalName, byte[] classFile) {
        ClassResult result = new ClassResult(internalName, model.local(internalName).sourceFile);
        ClassScan scan = new ClassScan(result);
        ClassRemapper remapper = new ClassRemapper(new ClassWriter(0), scan.recorder);
        new ClassReader(classFile).accept(scan.new ContextVisitor(remapper), 0);
        return result;
    }

    /** The findings for one class, the refused types they name, and which member each line is in. */
    static final class ClassResult {
        final String internalName;
        final String className;
        final String sourceFile;
        final List<Finding> findings = new ArrayList<>();
        /** Internal names of the types refused here (animal-sniffer need not report them again). */
        final Set<String> refusedTypes = new HashSet<>();
        /** Source line to the member ("method run()") whose code has it. */
        final Map<Integer, String> lineToMember = new HashMap<>();
        /** Every line at which something was refused, also when the finding names an earlier line. */
        final Set<Integer> refusedLines = new HashSet<>();

        ClassResult(String internalName, String sourceFile) {
            this.internalName = internalName;
            this.className = internalName.replace('/', '.');
            this.sourceFile = sourceFile;
        }

        void add(String where, int line, Rule rule, String subject, String advice) {
            Finding f = new Finding(className, sourceFile, where, line, rule, subject, advice);
            if (line > 0) {
                refusedLines.add(line);
            }
            for (Finding existing : findings) {
                if (existing.sameProblemAs(f)) {
                    return; // reported once per member, at its first line
                }
            }
            findings.add(f);
        }
    }

    /** State of one class scan: the member being visited and its current line. */
    private final class ClassScan {
        private final ClassResult result;
        private String where = "class declaration";
        private int line;
        /** Set while ASM maps an invokedynamic's bootstrap: its java.lang.invoke types are no news. */
        private boolean inInvokeDynamic;

        final Remapper recorder = new Remapper(Opcodes.ASM9) {
            @Override
            public String map(String internalName) {
                checkType(internalName);
                return internalName;
            }
        };

        ClassScan(ClassResult result) {
            this.result = result;
        }

        private void add(Rule rule, String subject, String advice) {
            result.add(where, line, rule, subject, advice);
        }

        void checkType(String type) {
            if (type == null || type.isEmpty() || type.charAt(0) == '[' || model.isLocal(type)) {
                return;
            }
            if (inInvokeDynamic && type.startsWith("java/lang/invoke/")) {
                return;
            }
            CldcRules.Ban ban = CldcRules.typeBan(type);
            if (ban != null) {
                result.refusedTypes.add(type);
                add(ban.rule, sourceName(type), ban.advice);
            } else if (!model.isKnown(type)) {
                result.refusedTypes.add(type);
                add(Rule.TYPE_NOT_IN_CLDC, sourceName(type), CldcRules.typeAdvice(type));
            }
        }

        void checkMember(String owner, String name, String descriptor, boolean field) {
            if (owner.charAt(0) == '[') {
                return; // array clone() and length: always there
            }
            String member = field ? name + "#" + descriptor : name + descriptor;
            if (!model.isLocal(owner)) {
                // Existence is animal-sniffer's job; give the banned ones a rule and advice.
                CldcRules.Ban ban = CldcRules.memberBan(owner, model.isSubtypeOf(owner, THREAD), name, descriptor);
                if (ban != null) {
                    add(ban.rule, memberName(owner, name, descriptor, field), ban.advice);
                }
                return;
            }
            Set<String> exits = model.nonLocalDeclarers(owner, member);
            if (exits.isEmpty()) {
                return; // a local class declares it
            }
            for (String exit : exits) {
                CldcRules.Ban ban = CldcRules.memberBan(exit, model.isSubtypeOf(exit, THREAD), name, descriptor);
                if (ban != null) {
                    add(ban.rule, memberName(exit, name, descriptor, field) + " through " + sourceName(owner),
                            ban.advice);
                    return;
                }
            }
            String first = null;
            for (String exit : exits) {
                if (!model.isKnown(exit)) {
                    continue; // the unknown supertype itself is refused at the class declaration
                }
                if (model.signatureHas(exit, member)) {
                    return;
                }
                if (first == null) {
                    first = exit;
                }
            }
            if (first == null) {
                return; // only unknown supertypes, refused already
            }
            add(Rule.MEMBER_NOT_IN_CLDC, memberName(first, name, descriptor, field) + " through "
                    + sourceName(owner), CldcRules.NOT_IN_CLDC_ADVICE);
        }

        /** Sets the member context, then lets the remapper (next in the chain) see every name. */
        final class ContextVisitor extends ClassVisitor {
            ContextVisitor(ClassVisitor next) {
                super(Opcodes.ASM9, next);
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                int major = version & 0xFFFF;
                if (major > CldcRules.MAX_CLASS_VERSION) {
                    add(Rule.CLASS_VERSION, "class file version " + major + " (Java " + (major - 44) + ")",
                            "CLDC 8 loads class files up to version " + CldcRules.MAX_CLASS_VERSION
                                    + " (Java 8); compile CLDC modules with"
                                    + " <maven.compiler.release>8</maven.compiler.release>");
                }
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public ModuleVisitor visitModule(String name, int access, String version) {
                return null;
            }

            @Override
            public void visitOuterClass(String owner, String name, String descriptor) {
                // EnclosingMethod: names the enclosing method again; its types are checked there.
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                // InnerClasses only lists nested classes that the code names elsewhere (where they
                // are checked); javac adds MethodHandles$Lookup to it for every lambda.
            }

            @Override
            public void visitNestHost(String nestHost) {
                // Java 11+ only (refused by class-version).
            }

            @Override
            public void visitNestMember(String nestMember) {
                // Java 11+ only (refused by class-version).
            }

            @Override
            public void visitPermittedSubclass(String permittedSubclass) {
                // Java 17+ only (refused by class-version).
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                    Object value) {
                where = "field " + name;
                line = 0;
                return super.visitField(access, name, descriptor, signature, value);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                String member = methodName(name, descriptor);
                where = "method " + member;
                line = 0;
                if (name.equals("finalize") && descriptor.equals("()V") && (access & Opcodes.ACC_STATIC) == 0) {
                    add(Rule.FINALIZER, "a declared finalize()", CldcRules.FINALIZER_ADVICE);
                }
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new CodeVisitor(next, where);
            }
        }

        /** Checks instructions, keeping the current line for the findings. */
        final class CodeVisitor extends MethodVisitor {
            private final String member;

            CodeVisitor(MethodVisitor next, String member) {
                super(Opcodes.ASM9, next);
                this.member = member;
            }

            @Override
            public void visitLineNumber(int line, Label start) {
                ClassScan.this.line = line;
                result.lineToMember.putIfAbsent(line, member);
                super.visitLineNumber(line, start);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                    boolean isInterface) {
                checkMember(owner, name, descriptor, false);
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                checkMember(owner, name, descriptor, true);
                super.visitFieldInsn(opcode, owner, name, descriptor);
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                    Object... bootstrapArguments) {
                String what;
                String advice;
                String functional = sourceName(Type.getReturnType(descriptor).getInternalName());
                if (bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory")) {
                    Handle impl = bootstrapArguments.length > 1 && bootstrapArguments[1] instanceof Handle
                            ? (Handle) bootstrapArguments[1] : null;
                    if (impl != null && impl.getName().startsWith("lambda$")) {
                        what = "a lambda (as " + functional + "." + name + ")";
                    } else if (impl != null) {
                        what = "a method reference " + sourceName(impl.getOwner()) + "::" + impl.getName()
                                + " (as " + functional + "." + name + ")";
                    } else {
                        what = "a lambda or method reference (as " + functional + "." + name + ")";
                    }
                    advice = CldcRules.LAMBDA_ADVICE;
                } else if (bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory")) {
                    what = "invokedynamic string concatenation";
                    advice = CldcRules.INDY_CONCAT_ADVICE;
                } else {
                    what = "invokedynamic (bootstrap " + sourceName(bootstrap.getOwner()) + "."
                            + bootstrap.getName() + ")";
                    advice = CldcRules.INDY_ADVICE;
                }
                add(Rule.INVOKEDYNAMIC, what, advice);
                inInvokeDynamic = true;
                try {
                    super.visitInvokeDynamicInsn(name, descriptor, bootstrap, bootstrapArguments);
                } finally {
                    inInvokeDynamic = false;
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                if (value instanceof Handle || value instanceof ConstantDynamic
                        || (value instanceof Type && ((Type) value).getSort() == Type.METHOD)) {
                    add(Rule.REFLECTION, "a method handle, method type or dynamic constant",
                            CldcRules.CONSTANT_ADVICE);
                }
                super.visitLdcInsn(value);
            }
        }
    }

    static String sourceName(String internalName) {
        return internalName.replace('/', '.');
    }

    static String methodName(String name, String descriptor) {
        StringBuilder b = new StringBuilder();
        b.append(name.equals("<init>") ? "<init>" : name.equals("<clinit>") ? "<clinit>" : name).append('(');
        Type[] args = Type.getArgumentTypes(descriptor);
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(args[i].getClassName());
        }
        return b.append(')').toString();
    }

    static String memberName(String owner, String name, String descriptor, boolean field) {
        return sourceName(owner) + "." + (field ? name : methodName(name, descriptor));
    }
}
