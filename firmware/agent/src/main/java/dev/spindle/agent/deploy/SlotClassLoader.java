package dev.spindle.agent.deploy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The class loader of a firmware in a slot: the slot's app jar and libraries, over a parent that
 * shows the app only the platform it shares with the agent.
 *
 * <p>Shared (loaded once, by the agent's loader): the JDK, {@code dev.spindle.threading},
 * {@code dev.spindle.thread} and {@code dev.spindle.hal}. They must be shared: the agent watches the
 * app through the one thread registry of the threading library, and hands the app the board as a
 * {@code dev.spindle.hal.Board}. A bundle's own copy of these (e.g. {@code lib/spindle-threading.jar})
 * is therefore ignored. Everything else, the app's own classes and other libraries, comes from the
 * slot, even when a class of the same name is on the agent's class path (the factory firmware):
 * otherwise a new version of the factory app would silently run the old code.
 */
final class SlotClassLoader extends URLClassLoader {
    /** Packages (with their subpackages) the app shares with the agent. */
    static final List<String> SHARED = List.of("dev.spindle.threading.", "dev.spindle.thread.", "dev.spindle.hal.");

    static {
        registerAsParallelCapable();
    }

    SlotClassLoader(String name, List<URL> classPath, ClassLoader agentLoader) {
        super(name, classPath.toArray(new URL[0]), new SharedOnly(agentLoader));
    }

    /** The JDK through the platform loader; the shared packages from the agent; nothing else. */
    private static final class SharedOnly extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final ClassLoader agent;

        SharedOnly(ClassLoader agent) {
            super("spindle-shared", ClassLoader.getPlatformClassLoader());
            this.agent = agent;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            for (String p : SHARED) {
                if (name.startsWith(p)) {
                    return agent.loadClass(name);
                }
            }
            throw new ClassNotFoundException(name);
        }
    }
}
