package dev.spindle.examples;

import dev.spindle.hal.App;
import dev.spindle.hal.Board;
import dev.spindle.hal.DigitalInput;
import dev.spindle.hal.DigitalOutput;
import dev.spindle.hal.Edge;
import dev.spindle.hal.EdgeListener;
import dev.spindle.hal.FirmwareContext;
import dev.spindle.hal.HalException;
import dev.spindle.hal.InputConfig;
import dev.spindle.hal.OutputConfig;
import dev.spindle.hal.Pull;
import dev.spindle.hal.SerialConfig;
import dev.spindle.hal.SerialPort;
import dev.spindle.threading.Condition;
import dev.spindle.threading.Lock;
import dev.spindle.threading.Thread;

/**
 * The firmware of {@code spindle demo}'s boards (an {@link App}: the agent hands it the board).
 *
 * <ul>
 * <li>{@code producer} (HIGH) queues a job every 300 ms; {@code worker-highest} (HIGHEST) and
 *     {@code worker-low} (LOW) take them. All three share one {@link Lock} through the
 *     {@link Condition} {@code work}; the highest-priority waiter is served first.</li>
 * <li>{@code blink} (NORMAL) toggles the LED on GPIO {@value #LED} every 500 ms.</li>
 * <li>{@code echo} (NORMAL) answers every line that arrives on {@value #ECHO_PORT} with
 *     {@code echo: <line>} on the same port.</li>
 * <li>The button on GPIO {@value #BUTTON} (pull-up, pressed = low): each press wakes
 *     {@code fragile} (HIGHER), which waits on the Condition {@code pressed} (the same Lock) and
 *     crashes with an {@link IllegalStateException}; the next press starts a new one.</li>
 * <li>{@code stats} (LOWEST) prints the jobs served per worker every 5 s.</li>
 * </ul>
 * {@link #stop()} ends every thread within about half a second; each closes what it opened.
 */
public final class DemoFirmware implements App {
    /** The LED: an output, blinking. */
    public static final int LED = 17;
    /** The button: an input with a pull-up, low while pressed. */
    public static final int BUTTON = 27;
    /** The port answered by the echo thread. */
    public static final String ECHO_PORT = "serial1";

    private final Lock shared = new Lock();
    private final Condition work = new Condition(shared);
    private final Condition pressed = new Condition(shared);
    // guarded by shared
    private boolean stopped;
    private int queued;
    private int servedHighest;
    private int servedLow;
    private int presses;
    private int handled;
    private Thread fragile;
    // written once by start (app-main) before any thread of the app starts; read by stop()
    private volatile DigitalInput button;

    public DemoFirmware() {
    }

    /** @return whether stop() was called; takes the shared lock */
    private boolean stopped() {
        shared.acquire();
        try {
            return stopped;
        } finally {
            shared.release();
        }
    }

    public void start(FirmwareContext ctx) {
        final Board board = ctx.board();
        System.out.println("demo firmware on " + ctx.boardId() + " (" + board.name() + "): LED GPIO " + LED
                + ", button GPIO " + BUTTON + ", echo on " + ECHO_PORT);
        final DigitalOutput led = board.openOutput(LED, OutputConfig.DEFAULT);
        DigitalInput in;
        SerialPort port;
        try {
            in = board.openInput(BUTTON, InputConfig.DEFAULT.pull(Pull.UP).debounceMs(5));
            try {
                port = board.openSerial(ECHO_PORT, SerialConfig.baud(115200));
            } catch (HalException e) {
                in.close();
                throw e;
            }
        } catch (HalException e) {
            led.close();
            throw e;
        }
        button = in;
        final SerialPort echoPort = port;
        in.addListener(Edge.FALLING, new EdgeListener() {
            public void onEdge(DigitalInput input, Edge edge) {
                buttonPressed();
            }
        });
        new Thread(new Runnable() {
            public void run() {
                produce();
            }
        }, "producer").start(Thread.PRIO_HIGH);
        new Thread(new Runnable() {
            public void run() {
                consume(Thread.PRIO_HIGHEST);
            }
        }, "worker-highest").start(Thread.PRIO_HIGHEST);
        new Thread(new Runnable() {
            public void run() {
                consume(Thread.PRIO_LOW);
            }
        }, "worker-low").start(Thread.PRIO_LOW);
        new Thread(new Runnable() {
            public void run() {
                blink(led);
            }
        }, "blink").start(Thread.PRIO_NORMAL);
        new Thread(new Runnable() {
            public void run() {
                echo(echoPort);
            }
        }, "echo").start(Thread.PRIO_NORMAL);
        new Thread(new Runnable() {
            public void run() {
                stats();
            }
        }, "stats").start(Thread.PRIO_LOWEST);
    }

    public void stop() {
        shared.acquire();
        try {
            stopped = true;
            work.signalAll();
            pressed.signalAll();
        } finally {
            shared.release();
        }
        DigitalInput in = button;
        if (in != null) {
            in.close();
        }
    }

    private void produce() {
        while (!stopped()) {
            shared.acquire();
            try {
                queued++;
                work.signal();
            } finally {
                shared.release();
            }
            pause(300);
        }
    }

    private void consume(int prio) {
        shared.acquire();
        try {
            while (!stopped) {
                if (queued == 0) {
                    work.await(500);
                    continue;
                }
                queued--;
                if (prio == Thread.PRIO_HIGHEST) {
                    servedHighest++;
                } else {
                    servedLow++;
                }
            }
        } finally {
            shared.release();
        }
    }

    private void blink(DigitalOutput led) {
        try {
            while (!stopped()) {
                led.toggle();
                pause(500);
            }
        } finally {
            led.close();
        }
    }

    private void echo(SerialPort port) {
        byte[] buf = new byte[256];
        StringBuffer line = new StringBuffer();
        try {
            while (!stopped()) {
                int n = port.read(buf, 200);
                for (int i = 0; i < n; i++) {
                    char c = (char) (buf[i] & 0xff);
                    if (c == '\n') {
                        String text = line.toString();
                        line.setLength(0);
                        port.write(("echo: " + text + "\n").getBytes());
                        System.out.println("echoed '" + text + "' on " + port.name());
                    } else if (c != '\r') {
                        line.append(c);
                    }
                }
            }
        } finally {
            port.close();
        }
    }

    private void stats() {
        while (!stopped()) {
            for (int i = 0; i < 10 && !stopped(); i++) {
                pause(500);
            }
            shared.acquire();
            String text;
            try {
                text = "jobs served: HIGHEST " + servedHighest + ", LOW " + servedLow + ", waiting " + queued
                        + "; button presses " + presses;
            } finally {
                shared.release();
            }
            System.out.println(text);
        }
    }

    /** On the button's listener thread: counts the press and wakes (or restarts) the fragile thread. */
    private void buttonPressed() {
        shared.acquire();
        try {
            if (stopped) {
                return;
            }
            presses++;
            if (fragile == null || !fragile.isAlive()) {
                fragile = new Thread(new Runnable() {
                    public void run() {
                        crashOnPress();
                    }
                }, "fragile");
                fragile.start(Thread.PRIO_HIGHER);
            }
            pressed.signal();
        } finally {
            shared.release();
        }
    }

    /** Waits for a press it has not handled, then crashes (on purpose: the agent reports thread_crashed). */
    private void crashOnPress() {
        int press;
        shared.acquire();
        try {
            while (!stopped && presses == handled) {
                pressed.await(500);
            }
            if (stopped) {
                return;
            }
            press = ++handled;
        } finally {
            shared.release();
        }
        throw new IllegalStateException("button on GPIO " + BUTTON + " pressed (press " + press
                + "): the fragile thread crashes on purpose");
    }

    private static void pause(long ms) {
        try {
            java.lang.Thread.sleep(ms);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
        }
    }
}
