package dev.spindle.protocol.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.LongConsumer;

/**
 * The plain TCP socket the {@link Link} gives Paho: its streams are {@link PahoStreams} (a
 * buffered input, PUBLISH payloads out of Paho's decoding, a read error held back until Paho's
 * CONNECT was written, one report of a broken connection); the class comment there says why.
 */
final class PahoSocket extends Socket {
    private final PahoStreams streams;

    /**
     * @param firstWrite told the wall-clock time (ms) of the first write (Paho's CONNECT); may be null
     * @param payloads where received payloads wait ({@link PayloadBypass}); null: Paho decodes them itself
     */
    PahoSocket(LongConsumer firstWrite, InboundPayloads payloads) {
        this.streams = new PahoStreams(firstWrite, payloads);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return streams.input(super::getInputStream);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return streams.output(super::getOutputStream);
    }

    @Override
    public void close() throws IOException {
        streams.closing();
        super.close();
    }
}
