package dev.spindle.bench.hal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.spindle.hal.BoardFiles;
import dev.spindle.hal.Edge;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.hal.pi4j.Pi4jBoard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench-hal}: the HAL's cost over raw Pi4J on Pi4J's mock platform, and serial loopback
 * throughput against the line rate.
 *
 * <ul>
 * <li><b>toggle</b>: ns per output toggle, {@code DigitalOutput.toggle()} through Spindle vs
 * {@code io.toggle()} on the same Pi4J mock output.</li>
 * <li><b>edge latency</b>: from {@code MockDigitalInput.mockState(..)} (Pi4J's own event path) until
 * the listener runs: a raw Pi4J listener (called on the caller's thread), a raw Pi4J listener that
 * hands the edge to a plain Java thread (the least a thread-delivered edge costs), and a Spindle
 * listener (delivered on the input's Spindle thread). Medians and 99th percentiles of ping-pongs.</li>
 * <li><b>serial</b>: bytes per second through the HAL's jSerialComm port, written on one end and read
 * on the other, against the line rate (baud / bits per byte). Without {@code --serial-device} the
 * line is a socat pseudo-terminal pair, which ignores the baud rate: the figure is the software
 * path's ceiling, not a UART's. With {@code --serial-device /dev/serial0} (TX jumpered to RX on a Pi)
 * it is a real loopback.</li>
 * </ul>
 *
 * Options: {@code --quick} (a smoke run), {@code --serial-device PATH}, {@code --out FILE}
 * (also write the report there).
 */
public final class HalBench {
    /** A monitor that escapes (a local one would be elided by the JIT). */
    static final Object LOCK = new Object();

    private final boolean quick;
    private final String serialDevice;
    private final List<String> report = new ArrayList<>();

    HalBench(boolean quick, String serialDevice) {
        this.quick = quick;
        this.serialDevice = serialDevice;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String device = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--serial-device" -> device = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: HalBench [--quick] [--serial-device /dev/serial0] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        List<String> lines = new HalBench(quick, device).run();
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, lines);
        }
        System.exit(0);
    }

    List<String> run() throws Exception {
        Pi4jBoard.quietPi4jLogging();
        line("# Spindle HAL benchmark (" + (quick ? "quick smoke run" : "full run") + ")");
        line("Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, Pi4J 2.8.0 mock platform");
        toggle();
        edgeLatency();
        serial();
        return report;
    }

    private void line(String s) {
        System.out.println(s);
        report.add(s);
    }

    private static Context mockContext() {
        return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
    }

    // ------------------------------------------------------------------ toggle

    private void toggle() {
        int n = quick ? 20_000 : 2_000_000;
        int rounds = quick ? 1 : 5;
        Context ctx = mockContext();
        try (Pi4jBoard board = Pi4jBoard.withContext(BoardFiles.builtin("rpi4b"), ctx, "mock-digital-input",
                "mock-digital-output")) {
            DigitalOutput raw = ctx.create(DigitalOutput.newConfigBuilder(ctx).id("raw-out").address(5)
                    .initial(DigitalState.LOW).provider("mock-digital-output"));
            dev.spindle.hal.DigitalOutput spindle = board.openOutput(6, OutputConfig.DEFAULT);
            double[] rawNs = new double[rounds];
            double[] halNs = new double[rounds];
            double[] rawToggleNs = new double[rounds];
            double[] rawLockedNs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // alternate the order so that neither always runs on a warmer JIT
                if (r % 2 == 0) {
                    rawNs[r] = timeRaw(raw, n);
                    halNs[r] = timeHal(spindle, n);
                } else {
                    halNs[r] = timeHal(spindle, n);
                    rawNs[r] = timeRaw(raw, n);
                }
                rawToggleNs[r] = timeRawToggle(raw, n);
                rawLockedNs[r] = timeRawLocked(raw, n);
            }
            double rawLockedBest = Arrays.stream(rawLockedNs).min().orElseThrow();
            double rawToggleBest = Arrays.stream(rawToggleNs).min().orElseThrow();
            double rawBest = Arrays.stream(rawNs).min().orElseThrow();
            double halBest = Arrays.stream(halNs).min().orElseThrow();
            line("");
            line("## GPIO toggle (" + n + " toggles, best of " + rounds + ")");
            line(String.format(Locale.ROOT, "raw Pi4J io.state(other)     %7.1f ns/toggle  %,12.0f toggles/s",
                    rawBest, 1e9 / rawBest));
            line(String.format(Locale.ROOT, "raw Pi4J io.toggle()         %7.1f ns/toggle  %,12.0f toggles/s",
                    rawToggleBest, 1e9 / rawToggleBest));
            line(String.format(Locale.ROOT, "raw Pi4J io.state in a lock  %7.1f ns/toggle  %,12.0f toggles/s",
                    rawLockedBest, 1e9 / rawLockedBest));
            line(String.format(Locale.ROOT, "Spindle DigitalOutput.toggle %7.1f ns/toggle  %,12.0f toggles/s",
                    halBest, 1e9 / halBest));
            line(String.format(Locale.ROOT, "Spindle / Pi4J io.state cost: %.2fx (target <= 1.10x): %s", halBest / rawBest,
                    halBest / rawBest <= 1.10 ? "met" : "NOT met"));
            line(String.format(Locale.ROOT, "Spindle / Pi4J in a lock: %.2fx (the HAL's cost beyond one monitor)",
                    halBest / rawLockedBest));
        } finally {
            ctx.shutdown();
        }
    }

    /** Raw Pi4J doing what a toggle needs: drive the other level (Pi4J's own toggle() is slower). */
    private static double timeRaw(DigitalOutput io, int n) {
        boolean high = false;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            high = !high;
            io.state(high ? DigitalState.HIGH : DigitalState.LOW);
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Raw Pi4J under one uncontended monitor per write: the price of thread safety alone. */
    private static double timeRawLocked(DigitalOutput io, int n) {
        Object lock = LOCK;
        boolean high = false;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            synchronized (lock) {
                high = !high;
                io.state(high ? DigitalState.HIGH : DigitalState.LOW);
            }
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    private static double timeRawToggle(DigitalOutput io, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            io.toggle();
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    private static double timeHal(dev.spindle.hal.DigitalOutput out, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            out.toggle();
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    // ------------------------------------------------------------------ edge latency

    /** Counts listener calls; the measuring thread spins on it. */
    private static final class Counter {
        volatile long seen;
    }

    private void edgeLatency() throws Exception {
        int n = quick ? 2_000 : 50_000;
        int warm = quick ? 200 : 10_000;
        Context ctx = mockContext();
        try (Pi4jBoard board = Pi4jBoard.withContext(BoardFiles.builtin("rpi4b"), ctx, "mock-digital-input",
                "mock-digital-output")) {
            // 1. raw Pi4J: the listener runs on the thread that calls mockState
            MockDigitalInput rawIo = (MockDigitalInput) ctx.create(DigitalInput.newConfigBuilder(ctx).id("raw-in")
                    .address(20).provider("mock-digital-input"));
            Counter rawSeen = new Counter();
            rawIo.addListener(e -> rawSeen.seen++);
            long[] raw = pingPong(rawIo, rawSeen, n, warm);

            // 2. raw Pi4J + hand-off to a plain Java thread (wait/notify), the least a threaded delivery costs
            MockDigitalInput handIo = (MockDigitalInput) ctx.create(DigitalInput.newConfigBuilder(ctx).id("hand-in")
                    .address(21).provider("mock-digital-input"));
            Counter handSeen = new Counter();
            HandOff hand = new HandOff(handSeen);
            handIo.addListener(e -> hand.post());
            Thread handThread = new Thread(hand, "handoff");
            handThread.start();
            long[] handed = pingPong(handIo, handSeen, n, warm);
            hand.stop();
            handThread.join();

            // 3. Spindle: Pi4J event -> debounce/queue -> the input's Spindle thread -> listener
            dev.spindle.hal.DigitalInput in = board.openInput(22, InputConfig.DEFAULT);
            MockDigitalInput halIo = ctx.registry().get(Pi4jBoard.ioId(22), MockDigitalInput.class);
            Counter halSeen = new Counter();
            in.addListener(Edge.BOTH, (i, e) -> halSeen.seen++);
            long[] hal = pingPong(halIo, halSeen, n, warm);

            line("");
            line("## Edge latency, mockState() -> listener (" + n + " edges; median / p99)");
            line(String.format(Locale.ROOT, "raw Pi4J listener (caller's thread)        %8.2f / %8.2f us",
                    us(raw, 50), us(raw, 99)));
            line(String.format(Locale.ROOT, "raw Pi4J + hand-off to a Java thread       %8.2f / %8.2f us",
                    us(handed, 50), us(handed, 99)));
            line(String.format(Locale.ROOT, "Spindle listener (on its Spindle thread)   %8.2f / %8.2f us",
                    us(hal, 50), us(hal, 99)));
            line(String.format(Locale.ROOT, "Spindle / raw Pi4J: %.2fx (target <= 1.10x): %s; Spindle / hand-off"
                    + " baseline: %.2fx", us(hal, 50) / us(raw, 50), us(hal, 50) / us(raw, 50) <= 1.10 ? "met"
                    : "NOT met (a thread hand-off is part of Spindle's contract)", us(hal, 50) / us(handed, 50)));
        } finally {
            ctx.shutdown();
        }
    }

    /** Alternates the mock level and measures until the listener count moves; spins (no sleep). */
    private static long[] pingPong(MockDigitalInput io, Counter seen, int n, int warm) {
        long[] samples = new long[n];
        boolean high = io.state() == DigitalState.HIGH;
        for (int i = -warm; i < n; i++) {
            long before = seen.seen;
            high = !high;
            long t0 = System.nanoTime();
            io.mockState(high ? DigitalState.HIGH : DigitalState.LOW);
            long guard = t0 + TimeUnit.SECONDS.toNanos(10);
            while (seen.seen == before) {
                if (System.nanoTime() > guard) {
                    throw new IllegalStateException("no edge within 10 s: the listener path is broken");
                }
                Thread.onSpinWait();
            }
            if (i >= 0) {
                samples[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(samples);
        return samples;
    }

    private static double us(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000.0;
    }

    /** A plain Java thread woken per edge: {@link #pending} and {@link #running} guarded by this. */
    private static final class HandOff implements Runnable {
        private final Counter seen;
        private int pending;
        private boolean running = true;

        HandOff(Counter seen) {
            this.seen = seen;
        }

        synchronized void post() {
            pending++;
            notifyAll();
        }

        synchronized void stop() {
            running = false;
            notifyAll();
        }

        @Override
        public void run() {
            while (true) {
                synchronized (this) {
                    while (pending == 0 && running) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (!running) {
                        return;
                    }
                    pending--;
                }
                seen.seen++;
            }
        }
    }

    // ------------------------------------------------------------------ serial

    private void serial() throws Exception {
        line("");
        int[] bauds = {115200, 921600};
        Context ctx = mockContext();
        Path dir = Files.createTempDirectory("bench-hal");
        Process socat = null;
        try (Pi4jBoard board = Pi4jBoard.withContext(BoardFiles.builtin("rpi4b"), ctx, "mock-digital-input",
                "mock-digital-output")) {
            String a;
            String b;
            if (serialDevice != null) {
                a = serialDevice;
                b = null;
                line("## Serial loopback on " + serialDevice + " (TX jumpered to RX)");
            } else {
                socat = startSocat(dir);
                a = dir.resolve("ttyA").toRealPath().toString();
                b = dir.resolve("ttyB").toRealPath().toString();
                line("## Serial through a socat pty pair (" + a + " -> " + b + "; ptys ignore the baud rate)");
            }
            for (int baud : bauds) {
                SerialConfig cfg = SerialConfig.baud(baud);
                double lineRate = baud / cfg.bitsPerByte();
                int bytes = serialDevice != null ? (int) Math.min(lineRate * (quick ? 0.5 : 3), 1 << 20)
                        : quick ? 64 * 1024 : 8 * 1024 * 1024;
                try (SerialPort tx = board.openSerial(a, cfg);
                        SerialPort rx = b == null ? tx : board.openSerial(b, cfg)) {
                    double bps = pump(tx, rx, bytes);
                    line(String.format(Locale.ROOT, "%7d baud 8N1: %,12.0f B/s measured, line rate %,9.0f B/s"
                            + " (%.2fx) over %,d bytes", baud, bps, lineRate, bps / lineRate, bytes));
                }
            }
        } finally {
            if (socat != null) {
                ProcessHandle.of(socat.pid()).ifPresent(ProcessHandle::destroy);
                socat.waitFor(10, TimeUnit.SECONDS);
            }
            ctx.shutdown();
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Writes {@code bytes} from a writer thread and reads them all; @return bytes per second. */
    private static double pump(SerialPort tx, SerialPort rx, int bytes) throws Exception {
        byte[] chunk = new byte[4096];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        Thread writer = new Thread(() -> {
            for (int left = bytes; left > 0; left -= chunk.length) {
                tx.write(chunk, 0, Math.min(chunk.length, left));
            }
        }, "bench-serial-writer");
        byte[] buf = new byte[8192];
        long t0 = System.nanoTime();
        writer.start();
        int got = 0;
        while (got < bytes) {
            int n = rx.read(buf, 0, Math.min(buf.length, bytes - got), 10_000);
            if (n == 0) {
                throw new IllegalStateException("serial loopback stalled after " + got + " of " + bytes + " bytes");
            }
            got += n;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        writer.join();
        return bytes / s;
    }

    private static Process startSocat(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + dir.resolve("ttyA"),
                    "pty,raw,echo=0,link=" + dir.resolve("ttyB")).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("socat.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("socat is needed for the serial benchmark without --serial-device: install it"
                    + " (sudo apt-get install socat)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(dir.resolve("socat.log")).contains("starting data transfer loop")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("socat did not start: " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
        return p;
    }
}
