package dev.spindle.hal.pi4j;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import dev.spindle.hal.BaseDigitalInput;
import dev.spindle.hal.BaseDigitalOutput;
import dev.spindle.hal.Board;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.Shutdown;

/**
 * A board driven through Pi4J 2.x: GPIO through the providers the board definition names (gpiod
 * where present, linuxfs as the fallback, Pi4J's mock platform for the {@code sim} definition and in
 * tests), serial through jSerialComm ({@link JSerialPort}).
 *
 * <pre>
 * try (Board board = Pi4jBoard.open(BoardFiles.builtin("rpi4b"))) { ... }
 * </pre>
 *
 * <p>The Pi4J context is built explicitly (no auto-detection, no ServiceLoader) with exactly the two
 * chosen providers. Each open line is a Pi4J I/O with id {@code spindle-gpioN} ({@link #ioId(int)}),
 * so tests can reach the mock I/O in {@link #context()}'s registry. This class has no mutable state
 * of its own beyond what {@link Board} guards; Pi4J's registry is thread-safe.
 */
public final class Pi4jBoard extends Board {
    static {
        Pi4jLogging.quiet();
    }

    /** The Pi4J context, null when no GPIO provider is usable here (serial still works). */
    private final Context context;
    private final boolean ownsContext;
    private final Pi4jProviders providers;
    /** Why GPIO is unavailable, when {@link #context} is null. */
    private final HalException noGpio;

    private Pi4jBoard(BoardSpec spec, Context context, boolean ownsContext, Pi4jProviders providers,
            HalException noGpio) {
        super(spec);
        this.context = context;
        this.ownsContext = ownsContext;
        this.providers = providers;
        this.noGpio = noGpio;
    }

    /**
     * Opens the board on this machine with the providers {@link Pi4jProviders#select(BoardSpec)} picks
     * (the mock platform for a definition that names the mock providers, such as {@code sim}). When no
     * GPIO provider is usable here the board still opens serial ports (a USB adapter on a laptop), and
     * opening a pin throws the reason.
     *
     * @throws HalException if Pi4J fails to start with a provider that is present
     */
    public static Pi4jBoard open(BoardSpec spec) {
        Pi4jProviders p;
        try {
            p = Pi4jProviders.select(spec);
        } catch (HalException e) {
            return new Pi4jBoard(spec, null, false, null, e);
        }
        Context ctx;
        try {
            ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                    .add(p.instances().toArray(new com.pi4j.provider.Provider[0])).build();
        } catch (RuntimeException | LinkageError e) {
            throw new HalException("Pi4J could not start " + p + " on " + spec.name() + ": " + e
                    + "; on a Pi check that libgpiod is installed and /dev/gpiochip* is readable (gpio group)", e);
        }
        return new Pi4jBoard(spec, ctx, true, p, null);
    }

    /**
     * A board on a context the caller built and closes (e.g. a test's mock context); the providers
     * must be in it.
     */
    public static Pi4jBoard withContext(BoardSpec spec, Context context, String inputProviderId,
            String outputProviderId) {
        return new Pi4jBoard(spec, context, false,
                Pi4jProviders.of(inputProviderId, outputProviderId, "given by the caller"), null);
    }

    /**
     * Silences Pi4J's start-up INFO chatter (see {@link Pi4jLogging}). {@link #open} does it; call it
     * yourself before building your own Pi4J context for {@link #withContext}.
     */
    public static void quietPi4jLogging() {
        Pi4jLogging.quiet();
    }

    /** @return the Pi4J I/O id of line {@code bcm} */
    public static String ioId(int bcm) {
        return "spindle-gpio" + bcm;
    }

    /** @return the Pi4J context (tests reach the mock I/O through its registry), null without GPIO */
    public Context context() {
        return context;
    }

    /** @return the providers in use and why, null when no GPIO provider is usable here */
    public Pi4jProviders providers() {
        return providers;
    }

    @Override
    public String backend() {
        return providers == null ? "pi4j (no GPIO here; serial only)"
                : "pi4j " + providers.input() + "/" + providers.output();
    }

    @Override
    protected DigitalOutput newOutput(int bcm, OutputConfig config) {
        checkGpio();
        return new Pi4jOutput(bcm, config);
    }

    @Override
    protected DigitalInput newInput(int bcm, InputConfig config) {
        checkGpio();
        return new Pi4jInput(bcm, config);
    }

    private void checkGpio() {
        if (context == null) {
            throw new HalException(noGpio.getMessage(), noGpio);
        }
    }

    @Override
    protected SerialPort newSerial(String name, String device, SerialConfig config) {
        return new JSerialPort(this, name, device, config);
    }

    @Override
    protected void closeBackend() {
        if (ownsContext && context != null) {
            context.shutdown();
        }
    }

    private HalException failure(int bcm, String what, RuntimeException e) {
        return new HalException("GPIO " + bcm + " on " + name() + ": Pi4J could not " + what + " through "
                + (what.contains("output") ? providers.output() : providers.input()) + " (" + e.getMessage()
                + "); check that the user may open /dev/gpiochip* (sudo usermod -aG gpio $USER, then log in"
                + " again) and that no other program holds the line", e);
    }

    private void shutdownIo(int bcm) {
        String id = ioId(bcm);
        if (context.registry().exists(id)) {
            context.shutdown(id);
        }
    }

    /** An output on a Pi4J {@code DigitalOutput}; state guarded as in {@link BaseDigitalOutput}. */
    private final class Pi4jOutput extends BaseDigitalOutput {
        private final com.pi4j.io.gpio.digital.DigitalOutput io;

        Pi4jOutput(int bcm, OutputConfig config) {
            super(Pi4jBoard.this, bcm, config);
            DigitalState initial = config.isInitialHigh() ? DigitalState.HIGH : DigitalState.LOW;
            var builder = com.pi4j.io.gpio.digital.DigitalOutput.newConfigBuilder(context).id(ioId(bcm))
                    .name("Spindle GPIO " + bcm).address(bcm).initial(initial).provider(providers.output());
            if (config.getShutdown() != Shutdown.KEEP) {
                builder.shutdown(config.getShutdown() == Shutdown.HIGH ? DigitalState.HIGH : DigitalState.LOW);
            }
            try {
                io = context.create(builder);
            } catch (RuntimeException e) {
                throw failure(bcm, "open an output", e);
            }
        }

        @Override
        protected void apply(boolean level) {
            io.state(level ? DigitalState.HIGH : DigitalState.LOW);
        }

        @Override
        protected void releaseLine() {
            shutdownIo(pin());
        }
    }

    /** An input on a Pi4J {@code DigitalInput}; Pi4J's state-change events feed {@link #levelChanged}. */
    private final class Pi4jInput extends BaseDigitalInput {
        private final com.pi4j.io.gpio.digital.DigitalInput io;

        Pi4jInput(int bcm, InputConfig config) {
            super(Pi4jBoard.this, bcm, config);
            PullResistance pull = config.getPull() == Pull.UP ? PullResistance.PULL_UP
                    : config.getPull() == Pull.DOWN ? PullResistance.PULL_DOWN : PullResistance.OFF;
            var builder = com.pi4j.io.gpio.digital.DigitalInput.newConfigBuilder(context).id(ioId(bcm))
                    .name("Spindle GPIO " + bcm).address(bcm).pull(pull)
                    // Spindle debounces itself (InputConfig), the same way on every backend.
                    .debounce(0L).provider(providers.input());
            try {
                io = context.create(builder);
            } catch (RuntimeException e) {
                throw failure(bcm, "open an input", e);
            }
            primeLevel(io.state() == DigitalState.HIGH);
            io.addListener(event -> levelChanged(event.state() == DigitalState.HIGH));
        }

        @Override
        protected boolean readLine() {
            return io.state() == DigitalState.HIGH;
        }

        @Override
        protected void releaseLine() {
            shutdownIo(pin());
        }
    }
}
