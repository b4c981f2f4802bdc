package dev.spindle.tools;

import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle ping BOARD}: command round trips through the broker, with their times. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Send ping commands to a board and print each round-trip time (tool -> broker -> board -> broker -> tool).")
final class PingCmd extends ToolCommand {
    @Parameters(paramLabel = "BOARD", description = "Board id.")
    String board;

    @Option(names = {"-c", "--count"}, defaultValue = "4", description = "How many pings (default ${DEFAULT-VALUE}).")
    int count;

    @Override
    int run() throws ToolException, ProtocolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        LogsCmd.checkBoard(board);
        if (count < 1) {
            throw new ToolException(ExitCodes.USAGE, "--count must be at least 1");
        }
        double[] ms = new double[count];
        try (RpcSession s = RpcSession.open(broker, r, "ping")) {
            Rpc rpc = s.rpc();
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                check(board, rpc.call(board, "ping", null, broker.timeoutMs));
                ms[i] = (System.nanoTime() - t0) / 1e6;
                out().println(String.format(Locale.ROOT, "reply from %s: seq=%d time=%.3f ms", board, i + 1, ms[i]));
                out().flush();
            }
        }
        double[] s = ms.clone();
        Arrays.sort(s);
        out().println(String.format(Locale.ROOT, "%d pings: min %.3f ms, median %.3f ms, max %.3f ms", count, s[0],
                s[count / 2], s[count - 1]));
        out().flush();
        return ExitCodes.OK;
    }
}
