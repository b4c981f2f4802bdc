package dev.spindle.cldc.check;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Fails the build when the module's main classes use anything outside CLDC 8 (docs/cldc.md).
 *
 * <p>Bound at {@code process-classes} (not a test), so {@code -DskipTests} does not skip it. There
 * is deliberately no skip switch.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.PROCESS_CLASSES,
        requiresDependencyResolution = ResolutionScope.TEST, threadSafe = true)
public class CldcCheckMojo extends AbstractMojo {
    /** The module's main classes. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true, readonly = true)
    private File classesDirectory;

    /** The compile class path: its classes may be used (they are checked in their own module). */
    @Parameter(defaultValue = "${project.compileClasspathElements}", required = true, readonly = true)
    private List<String> compileClasspath;

    @Parameter(defaultValue = "${project.artifacts}", required = true, readonly = true)
    private Set<Artifact> artifacts;

    /**
     * {@code groupId:artifactId} of the signature, which the module must have as a dependency of
     * type {@code signature} (test scope is enough, and keeps it off every class path).
     */
    @Parameter(property = "spindle.cldc.signature", defaultValue = "dev.spindle:spindle-cldc-signature")
    private String signature;

    /**
     * Classes left out of the check, each with its nested classes ({@code Name$*}): binary names,
     * no wildcards. Only for a class that the CLDC code loads with {@code Class.forName} when it
     * runs on a full JDK (docs/cldc.md, "Escape hatch").
     */
    @Parameter
    private List<String> exemptClasses;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        File signatureFile = findSignature();
        List<String> exempt = exemptClasses == null ? Collections.emptyList() : exemptClasses;
        if (!classesDirectory.isDirectory()) {
            getLog().info("CLDC 8 API check: no classes in " + classesDirectory);
            return;
        }
        List<Path> libraries = new ArrayList<>();
        for (String element : compileClasspath) {
            File f = new File(element);
            if (!f.getAbsoluteFile().equals(classesDirectory.getAbsoluteFile())) {
                libraries.add(f.toPath());
            }
        }

        CldcChecker.Result result;
        try {
            result = CldcChecker.forSignature(signatureFile.toPath()).check(classesDirectory.toPath(), libraries, exempt);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("CLDC 8 API check could not read the classes: " + e, e);
        }

        for (String unused : result.unusedExemptions()) {
            getLog().warn("CLDC 8 API check: exempt class " + unused + " does not exist in " + classesDirectory
                    + "; remove it from <exemptClasses> if it is gone");
        }
        if (!result.exemptedClasses().isEmpty()) {
            getLog().info("CLDC 8 API check: exempt (loaded only on a full JDK): " + result.exemptedClasses());
        }
        if (result.passed()) {
            getLog().info("CLDC 8 API check: " + result.checkedClasses() + " class(es) use only CLDC 8 ("
                    + signature + ")");
            return;
        }
        getLog().error("CLDC 8 API check: " + result.findings().size() + " problem(s) in " + result.failedClasses()
                + " class(es); CLDC 8 code may use only CLDC 1.1 plus the allowed CLDC 8 additions (docs/cldc.md):");
        for (Finding f : result.findings()) {
            getLog().error("  " + f);
        }
        throw new MojoFailureException("CLDC 8 API check failed: " + result.findings().size()
                + " problem(s) in " + result.failedClasses() + " class(es) of " + classesDirectory
                + " (listed above; see docs/cldc.md)");
    }

    private File findSignature() throws MojoExecutionException {
        String[] ga = signature.split(":");
        if (ga.length != 2) {
            throw new MojoExecutionException("<signature> must be groupId:artifactId, not '" + signature + "'");
        }
        for (Artifact a : artifacts) {
            if (a.getGroupId().equals(ga[0]) && a.getArtifactId().equals(ga[1]) && "signature".equals(a.getType())) {
                if (a.getFile() == null || !a.getFile().isFile()) {
                    throw new MojoExecutionException("CLDC 8 API check: signature " + a + " has no file");
                }
                return a.getFile();
            }
        }
        throw new MojoExecutionException("CLDC 8 API check: the module needs the signature as a dependency:\n"
                + "    <dependency>\n"
                + "      <groupId>" + ga[0] + "</groupId>\n"
                + "      <artifactId>" + ga[1] + "</artifactId>\n"
                + "      <type>signature</type>\n"
                + "      <scope>test</scope>\n"
                + "    </dependency>\n(see docs/cldc.md)");
    }
}
