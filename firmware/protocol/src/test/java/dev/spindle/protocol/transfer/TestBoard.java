package dev.spindle.protocol.transfer;

import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** A board for transfer tests: its own link and a receiver whose callback copies the bundle away. */
final class TestBoard implements AutoCloseable {
    static final String FLEET = "lab";

    record Handed(Path copy, String sha256, Map<String, Object> meta) {
    }

    final String board;
    final Path staging;
    final Path taken;
    final Link link;
    final List<Handed> handed = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<int[]> opens = new CopyOnWriteArrayList<>(); // {held, chunks}
    volatile TransferReceiver receiver;
    /** Told each step the receiver reaches (TransferReceiver.STEP_…), on the receiver's thread. */
    volatile java.util.function.Consumer<String> onStep = step -> {
    };
    private final ReceiverOptions options;

    TestBoard(String url, String board, Path dir, ReceiverOptions options) throws Exception {
        this.board = board;
        this.staging = dir.resolve("staging");
        this.taken = dir.resolve("taken");
        this.options = options;
        Files.createDirectories(taken);
        link = link(url, board);
        link.start();
        if (!link.awaitConnected(30_000)) {
            throw new IllegalStateException("board link did not connect to " + url);
        }
        restartReceiver();
    }

    static Link link(String url, String id) {
        // a short reconnect spread: two links need no fleet-wide pacing after a broker restart, and with
        // the default 20 s a stuck connect's 40 s replacement would not fit a test's 60 s offline timeout
        return new Link(LinkConfig.builder(url, id).backoff(50, 500).reconnectSpread(2_000).build());
    }

    /** Closes the receiver (if any) and makes a new one on the same staging directory, as an agent restart would. */
    void restartReceiver() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        TransferReceiver r = new TransferReceiver(link, FLEET, board, staging, options, (file, sha, meta) -> {
            Path copy = taken.resolve(sha + ".zip");
            Files.move(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            handed.add(new Handed(copy, sha, meta));
        });
        r.events(new TransferReceiver.Events() {
            @Override
            public void opened(String id, String name, long size, int held, int chunks) {
                opens.add(new int[] {held, chunks});
            }

            @Override
            public void failed(String id, TransferError code, String message) {
                failures.add(code + ": " + message);
            }

            @Override
            public void reached(String step) {
                onStep.accept(step);
            }
        });
        r.start();
        receiver = r;
    }

    static Path randomFile(Path dir, String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        link.close();
    }
}
