package dev.spindle.hal.pi4j;

import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalInputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.provider.Provider;
import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.HalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Chooses the Pi4J providers for a board: the definition's {@code pi4j.input/output} when present
 * on this machine, else its {@code pi4j.*.fallback}. "Present" means: gpiod - a GPIO character
 * device ({@code gpio.chips}, or any {@code /dev/gpiochip*}); linuxfs - {@code /sys/class/gpio};
 * mock - always. Immutable.
 */
public final class Pi4jProviders {
    /** The provider family ids this backend bundles. */
    static final String GPIOD = "gpiod";
    static final String LINUXFS = "linuxfs";
    static final String MOCK = "mock";

    private final String input;
    private final String output;
    private final String reason;

    private Pi4jProviders(String input, String output, String reason) {
        this.input = input;
        this.output = output;
        this.reason = reason;
    }

    /** @return a fixed choice (a caller-built context) */
    static Pi4jProviders of(String input, String output, String reason) {
        return new Pi4jProviders(input, output, reason);
    }

    /** @return the input provider id in use ({@code gpiod-digital-input}) */
    public String input() {
        return input;
    }

    /** @return the output provider id in use */
    public String output() {
        return output;
    }

    /** @return why these were chosen ({@code /dev/gpiochip0 is present}) */
    public String reason() {
        return reason;
    }

    /** Chooses on this machine. */
    public static Pi4jProviders select(BoardSpec spec) {
        return select(spec, Path.of("/"));
    }

    /**
     * Chooses with {@code root} as the file system root (tests pass a temp directory).
     *
     * @throws HalException naming what is missing and what to do
     */
    public static Pi4jProviders select(BoardSpec spec, Path root) {
        String first = family(spec.pi4jInputProvider());
        String why = presence(first, spec, root);
        if (why != null) {
            return new Pi4jProviders(spec.pi4jInputProvider(), spec.pi4jOutputProvider(), why);
        }
        String missingFirst = first + " is not usable here (" + missing(first, spec) + ")";
        if (spec.pi4jInputFallback() != null) {
            String second = family(spec.pi4jInputFallback());
            String why2 = presence(second, spec, root);
            if (why2 != null) {
                return new Pi4jProviders(spec.pi4jInputFallback(),
                        spec.pi4jOutputFallback() != null ? spec.pi4jOutputFallback() : second + "-digital-output",
                        missingFirst + "; falling back: " + why2);
            }
            missingFirst += " and neither is " + second + " (" + missing(second, spec) + ")";
        }
        throw new HalException("no GPIO provider for " + spec.name() + ": " + missingFirst + ". Run on the board"
                + " itself with a kernel that has the GPIO character device, check that the user can open"
                + " /dev/gpiochip* (the gpio group), or use the simulator (--board sim)");
    }

    private static String family(String providerId) {
        return providerId.substring(0, providerId.indexOf('-'));
    }

    /** @return why the family is present, or null */
    private static String presence(String family, BoardSpec spec, Path root) {
        switch (family) {
            case MOCK:
                return "Pi4J mock platform";
            case GPIOD: {
                for (String chip : spec.gpioChips()) {
                    if (Files.exists(root.resolve(chip.substring(1)))) {
                        return chip + " is present";
                    }
                }
                if (spec.gpioChips().length == 0) {
                    try (Stream<Path> dev = Files.list(root.resolve("dev"))) {
                        return dev.filter(p -> p.getFileName().toString().startsWith("gpiochip")).findFirst()
                                .map(p -> "/dev/" + p.getFileName() + " is present").orElse(null);
                    } catch (java.io.IOException e) {
                        return null;
                    }
                }
                return null;
            }
            case LINUXFS:
                return Files.isDirectory(root.resolve("sys/class/gpio")) ? "/sys/class/gpio is present" : null;
            default:
                return null;
        }
    }

    private static String missing(String family, BoardSpec spec) {
        switch (family) {
            case GPIOD:
                return spec.gpioChips().length == 0 ? "no /dev/gpiochip*" : String.join(" and ", spec.gpioChips())
                        + " missing";
            case LINUXFS:
                return "/sys/class/gpio missing";
            default:
                return "the " + family + " provider is not bundled with Spindle; use gpiod";
        }
    }

    /** @return new provider instances for the chosen ids, to add to a Pi4J context */
    List<Provider> instances() {
        List<Provider> list = new ArrayList<>();
        list.add(instance(input));
        list.add(instance(output));
        return list;
    }

    static Provider instance(String id) {
        switch (id) {
            case GpioDDigitalInputProvider.ID:
                return GpioDDigitalInputProvider.newInstance();
            case GpioDDigitalOutputProvider.ID:
                return GpioDDigitalOutputProvider.newInstance();
            case LinuxFsDigitalInputProvider.ID:
                return LinuxFsDigitalInputProvider.newInstance();
            case LinuxFsDigitalOutputProvider.ID:
                return LinuxFsDigitalOutputProvider.newInstance();
            case MockDigitalInputProvider.ID:
                return MockDigitalInputProvider.newInstance();
            case MockDigitalOutputProvider.ID:
                return MockDigitalOutputProvider.newInstance();
            default:
                throw new HalException("Pi4J provider " + id + " is not bundled with Spindle; use gpiod-digital-input/"
                        + "output (or linuxfs-*) in the board definition");
        }
    }

    @Override
    public String toString() {
        return input + " + " + output + " (" + reason + ")";
    }
}
