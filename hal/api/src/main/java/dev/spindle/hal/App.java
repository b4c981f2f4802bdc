package dev.spindle.hal;

/**
 * A firmware app run by the board agent: the agent makes one instance (public no-argument
 * constructor), calls {@link #start(FirmwareContext)} on a Spindle thread named {@code app-main},
 * and {@link #stop()} on {@code app.restart} and when the agent stops.
 *
 * <pre>
 * public final class Blink implements App {
 *     private volatile boolean stopped;
 *     public void start(FirmwareContext ctx) {
 *         final DigitalOutput led = ctx.board().openOutput(17, OutputConfig.DEFAULT);
 *         new Thread(new Runnable() {
 *             public void run() {
 *                 while (!stopped) { led.toggle(); sleep(500); }
 *                 led.close();
 *             }
 *         }, "blink").start(Thread.PRIO_LOW);
 *     }
 *     public void stop() { stopped = true; }
 * }
 * </pre>
 *
 * {@code start} may start threads and return; the app counts as running while any of its Spindle
 * threads lives. {@code stop} must make every thread end (within a few seconds) and should close
 * the pins and ports the app opened, so that a restarted app can open them again. An app with a
 * plain {@code public static void main(String[])} (and optionally {@code public static void
 * stop()}) runs too, without a board.
 */
public interface App {
    /** Starts the app; called once per run on the {@code app-main} thread. */
    void start(FirmwareContext context);

    /** Asks every thread of the app to end; called from an agent thread, maybe while start runs. */
    void stop();
}
