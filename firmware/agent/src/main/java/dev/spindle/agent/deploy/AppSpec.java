package dev.spindle.agent.deploy;

/**
 * What to run: the main class, the class loader that has it, and what to report.
 *
 * @param mainClass the firmware's main class (an {@code App} or a class with a static main)
 * @param loader    loads it: the agent's own loader for the factory firmware, a slot loader otherwise
 * @param slot      {@code a}, {@code b} or {@code factory}
 * @param name      the firmware's name (the bundle's, or {@code factory})
 * @param version   its version
 */
public record AppSpec(String mainClass, ClassLoader loader, String slot, String name, String version) {
}
