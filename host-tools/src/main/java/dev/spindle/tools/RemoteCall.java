package dev.spindle.tools;

import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkException;
import dev.spindle.protocol.mqtt.Rpc;
import java.util.Map;

/**
 * One request/reply command to a board over MQTT, for subcommands outside this package (the
 * remote forms of {@code spindle gpio} and {@code spindle serial}): connects with the
 * {@link BrokerOptions}, sends {@code cmd/{command}}, waits for the reply, disconnects.
 */
public final class RemoteCall {
    private RemoteCall() {
    }

    /**
     * @return the board's {@code ok} reply
     * @throws ToolException {@link ExitCodes#BROKER_UNREACHABLE} without a broker,
     *         {@link ExitCodes#BOARD_ERROR} for an error reply or no reply in time
     */
    public static Reply call(BrokerOptions broker, String board, String command, Map<String, ?> args)
            throws ToolException, InterruptedException {
        BrokerOptions.Resolved r = broker.resolve();
        LogsCmd.checkBoard(board);
        try (RpcSession s = RpcSession.open(broker, r, command.replace('.', '-'))) {
            Reply reply = s.rpc().call(board, command, args, broker.timeoutMs);
            return ToolCommand.check(board, reply);
        } catch (ProtocolException e) {
            throw new ToolException(ExitCodes.BOARD_ERROR, "board " + board + " in fleet " + r.fleet() + ": "
                    + e.getMessage());
        }
    }
}
