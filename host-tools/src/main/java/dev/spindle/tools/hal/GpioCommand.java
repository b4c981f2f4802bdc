package dev.spindle.tools.hal;

import dev.spindle.hal.BoardSpec;
import dev.spindle.hal.HalException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spindle gpio}: list, read, write, toggle and watch the GPIO lines of the local board.
 * A bare {@code spindle gpio} prints its usage.
 */
@Command(name = "gpio", mixinStandardHelpOptions = true,
        description = "Read, drive and watch GPIO lines of the local board (a Pi through Pi4J, or the simulator).",
        subcommands = {GpioList.class, GpioRead.class, GpioWrite.class, GpioToggle.class, GpioWatch.class},
        footer = {"", "PIN is a BCM line number (17, gpio17) or a header pin (pin11)."})
public final class GpioCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * @param text {@code 17}, {@code gpio17}, {@code GPIO17} or a header pin {@code pin11}
     * @return the BCM line
     */
    static int pin(BoardSpec spec, String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.startsWith("pin")) {
                int header = Integer.parseInt(t.substring(3));
                String function = spec.headerPin(header);
                int bcm = spec.bcmForHeaderPin(header);
                if (bcm < 0) {
                    throw new HalException("header pin " + header + " on " + spec.name() + " is " + function
                            + ", not a GPIO line; see spindle gpio list");
                }
                return bcm;
            }
            return Integer.parseInt(t.startsWith("gpio") ? t.substring(4) : t);
        } catch (NumberFormatException e) {
            throw new HalException("'" + text + "' is not a pin; give a BCM line (17 or gpio17) or a header pin"
                    + " (pin11)");
        }
    }

    /** @return true for high/1/on, false for low/0/off */
    static boolean level(String text) {
        switch (text.trim().toLowerCase()) {
            case "high": case "1": case "on": case "true":
                return true;
            case "low": case "0": case "off": case "false":
                return false;
            default:
                throw new HalException("'" + text + "' is not a level; use high or low (1/0, on/off)");
        }
    }
}
