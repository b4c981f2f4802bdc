package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.BoardSpec;
import dev.spindle.tools.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spindle gpio list}: the header pins of the board and which BCM line each carries. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the header pins and GPIO lines.")
final class GpioList extends HalCommand {
    @Option(names = "--json", description = "one JSON object for scripts")
    boolean json;

    @Override
    int run() {
        try (Board board = boardOptions.open()) {
            BoardSpec s = board.spec();
            if (json) {
                StringBuilder b = new StringBuilder("{\"board\":\"" + s.id() + "\",\"name\":\"" + s.name()
                        + "\",\"backend\":\"" + board.backend() + "\",\"lines\":\"" + s.linesText() + "\",\"pins\":[");
                for (int p = 1; p <= s.headerPins(); p++) {
                    int bcm = s.bcmForHeaderPin(p);
                    b.append(p == 1 ? "" : ",").append("{\"pin\":").append(p).append(",\"function\":\"")
                            .append(function(s, p)).append('"').append(bcm >= 0 ? ",\"bcm\":" + bcm : "").append('}');
                }
                out().println(b.append("]}"));
                return ExitCodes.OK;
            }
            out().println(s.name() + " (" + s.id() + ") via " + board.backend() + "; usable BCM lines "
                    + s.linesText());
            out().printf("%-9s %-4s | %4s %9s%n", "FUNCTION", "PIN", "PIN", "FUNCTION");
            for (int p = 1; p < s.headerPins(); p += 2) {
                out().printf("%-9s %4d | %-4d %9s%n", function(s, p), p, p + 1, function(s, p + 1));
            }
            return ExitCodes.OK;
        }
    }

    private static String function(BoardSpec s, int pin) {
        int bcm = s.bcmForHeaderPin(pin);
        if (bcm < 0) {
            return s.headerPin(pin);
        }
        return (s.isGpioLine(bcm) ? "GPIO" : "ID") + bcm;
    }
}
