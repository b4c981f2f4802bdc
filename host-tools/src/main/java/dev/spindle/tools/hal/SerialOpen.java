package dev.spindle.tools.hal;

import dev.spindle.hal.Board;
import dev.spindle.hal.FlowControl;
import dev.spindle.hal.HalException;
import dev.spindle.hal.Parity;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.StopBits;
import dev.spindle.tools.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle serial open PORT}: relays stdin to the port and the port to stdout (decoded as
 * UTF-8) until stdin ends; then it keeps printing what arrives for {@code --drain-ms} and closes.
 *
 * <p>Two threads: a plain daemon-free Java thread copies stdin to the port; the command thread reads
 * the port and prints. {@link #stdin} is fixed before {@code call()} (tests replace it).
 */
@Command(name = "open", mixinStandardHelpOptions = true,
        description = "Open a serial port and relay stdin to it and it to stdout.")
final class SerialOpen extends HalCommand {
    /** What is relayed to the port (tests replace it before running the command). */
    static InputStream stdin = System.in;

    @Parameters(paramLabel = "PORT", description = "a port name from the board (serial0) or a device (/dev/ttyUSB0)")
    String port;

    @Option(names = "--baud", defaultValue = "115200", description = "baud rate (default: ${DEFAULT-VALUE})")
    int baud;

    @Option(names = "--data-bits", defaultValue = "8", description = "5-8 (default: ${DEFAULT-VALUE})")
    int dataBits;

    @Option(names = "--parity", defaultValue = "none", description = "none, even, odd, mark, space")
    String parity;

    @Option(names = "--stop-bits", defaultValue = "1", description = "1, 1.5 or 2")
    String stopBits;

    @Option(names = "--flow", defaultValue = "none", description = "none, rts-cts or xon-xoff")
    String flow;

    @Option(names = "--drain-ms", defaultValue = "500",
            description = "after stdin ends, keep printing what arrives this long (default: ${DEFAULT-VALUE})")
    long drainMs;

    @Override
    int run() {
        SerialConfig config = SerialConfig.baud(baud).dataBits(dataBits).parity(Parity.parse(parity))
                .stopBits(StopBits.parse(stopBits)).flowControl(FlowControl.parse(flow));
        try (Board board = boardOptions.open(); SerialPort p = board.openSerial(port, config)) {
            err().println("relaying " + p + " on " + board.name() + "; end stdin (Ctrl-D) to stop");
            err().flush();
            Relay relay = new Relay(p);
            Thread pump = new Thread(relay, "serial-stdin");
            pump.start();
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
            ByteBuffer pending = ByteBuffer.allocate(8192);
            CharBuffer chars = CharBuffer.allocate(8192);
            byte[] buf = new byte[4096];
            long drainUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < drainUntil) {
                int n = p.read(buf, 0, Math.min(buf.length, pending.remaining()), 100);
                if (n > 0) {
                    pending.put(buf, 0, n).flip();
                    utf8.decode(pending, chars, false);
                    pending.compact();
                    out().append(chars.flip());
                    out().flush();
                    chars.clear();
                }
                if (drainUntil == Long.MAX_VALUE && relay.done()) {
                    drainUntil = System.currentTimeMillis() + drainMs;
                }
            }
            pump.join(1000);
            if (relay.failure != null) {
                throw new HalException("reading stdin failed: " + relay.failure.getMessage());
            }
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    /** Copies stdin to the port. {@link #finished} and {@link #failure} are guarded by this. */
    private static final class Relay implements Runnable {
        private final SerialPort port;
        private boolean finished;
        private IOException failure;

        Relay(SerialPort port) {
            this.port = port;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = stdin.read(buf)) > 0) {
                    port.write(buf, 0, n);
                }
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                }
            } catch (HalException e) {
                synchronized (this) {
                    failure = new IOException(e.getMessage(), e);
                }
            } finally {
                synchronized (this) {
                    finished = true;
                }
            }
        }

        synchronized boolean done() {
            return finished;
        }
    }
}
