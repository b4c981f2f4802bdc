package dev.spindle.hal;

import dev.spindle.threading.Thread;
import java.util.Vector;

/**
 * The common part of every backend's {@link DigitalInput}: debounce, listener registration and the
 * Spindle listener thread. A backend implements {@link #readLine()} and {@link #releaseLine()},
 * calls {@link #primeLevel(boolean)} once the line exists, and {@link #levelChanged(boolean)} from
 * any thread whenever the line changes (duplicates are ignored).
 *
 * <h2>Listener thread</h2>
 * Started with the first listener as a Spindle {@link Thread} named {@code gpioN-edges} at the
 * configured priority; it takes edges from {@link #queue} in order and calls the matching listeners
 * outside any lock. When a debounce window that swallowed changes closes, it reads the line and
 * reports the change if the level now differs from the last one reported. {@link #close()} stops it.
 *
 * <p>Every field below is guarded by this object's monitor except the final ones.
 */
public abstract class BaseDigitalInput implements DigitalInput {
    private final Board board;
    private final int pin;
    private final InputConfig config;

    /** Entries {@code Object[]{Edge, EdgeListener}}. Guarded by this; copied before delivery. */
    private final Vector listeners = new Vector(2);
    /** Edges not yet delivered, oldest first. Guarded by this. */
    private final Vector queue = new Vector(8);
    /** The level last reported (or primed). Guarded by this. */
    private boolean reported;
    /** End of the debounce window (currentTimeMillis), 0 when none. Guarded by this. */
    private long windowEnd;
    /** A change was swallowed by the window: read the line when it closes. Guarded by this. */
    private boolean recheck;
    /** The listener thread, null until the first listener. Guarded by this. */
    private Thread dispatcher;
    /** The Java thread running {@link #dispatcher}, set when it starts. Guarded by this. */
    private java.lang.Thread dispatcherThread;
    private boolean open = true;

    protected BaseDigitalInput(Board board, int pin, InputConfig config) {
        this.board = board;
        this.pin = pin;
        this.config = config;
    }

    /** @return the level of the line now */
    protected abstract boolean readLine();

    /** Gives the line back to the backend (the listener thread has stopped). */
    protected abstract void releaseLine();

    /** Sets the starting level; backends call it once the line exists. */
    protected final synchronized void primeLevel(boolean level) {
        reported = level;
    }

    /**
     * Reports that the line is now at {@code level}. Any thread; never blocks on listeners.
     * A level equal to the last one reported is ignored; see {@link InputConfig} for debounce.
     */
    protected final void levelChanged(boolean level) {
        synchronized (this) {
            if (!open || level == reported) {
                return;
            }
            long debounce = config.getDebounceMs();
            if (debounce > 0) {
                long now = System.currentTimeMillis();
                if (now < windowEnd) {
                    recheck = true;
                    notifyAll();
                    return;
                }
                windowEnd = now + debounce;
            }
            reported = level;
            if (dispatcher != null) {
                queue.addElement(level ? Edge.RISING : Edge.FALLING);
                notifyAll();
            }
        }
    }

    public final int pin() {
        return pin;
    }

    public final boolean read() {
        synchronized (this) {
            checkOpen();
        }
        return readLine();
    }

    public final InputConfig config() {
        return config;
    }

    public final void addListener(Edge edge, EdgeListener listener) {
        if (edge == null || listener == null) {
            throw new IllegalArgumentException("GPIO " + pin + ": addListener needs an edge (" + Edge.allowed()
                    + ") and a listener");
        }
        boolean start = false;
        synchronized (this) {
            checkOpen();
            listeners.addElement(new Object[] {edge, listener});
            if (dispatcher == null) {
                dispatcher = new Thread(new Dispatch(), "gpio" + pin + "-edges");
                start = true;
            }
        }
        if (start) {
            boolean level = readLine();
            synchronized (this) {
                reported = level;
            }
            dispatcher.start(config.getListenerPriority());
        }
    }

    public final synchronized boolean removeListener(EdgeListener listener) {
        boolean found = false;
        for (int i = listeners.size() - 1; i >= 0; i--) {
            if (((Object[]) listeners.elementAt(i))[1] == listener) {
                listeners.removeElementAt(i);
                found = true;
            }
        }
        return found;
    }

    public final synchronized boolean isOpen() {
        return open;
    }

    public final void close() {
        Thread d;
        boolean self;
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            queue.removeAllElements();
            d = dispatcher;
            self = dispatcherThread == java.lang.Thread.currentThread();
            notifyAll();
        }
        try {
            if (d != null && !self) {
                d.join();
            }
            releaseLine();
        } finally {
            board.release(Board.lineKey(pin));
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new HalException("GPIO " + pin + " input is closed; open it again with board.openInput(" + pin
                    + ", ...)");
        }
    }

    @Override
    public String toString() {
        return "GPIO " + pin + " input (" + config + ")";
    }

    /** The listener thread's loop (see the class comment). */
    private final class Dispatch implements Runnable {
        public void run() {
            synchronized (BaseDigitalInput.this) {
                dispatcherThread = java.lang.Thread.currentThread();
            }
            while (true) {
                Edge edge = null;
                Object[] snapshot = null;
                boolean reread = false;
                synchronized (BaseDigitalInput.this) {
                    while (edge == null && !reread) {
                        if (!open) {
                            return;
                        }
                        if (!queue.isEmpty()) {
                            edge = (Edge) queue.elementAt(0);
                            queue.removeElementAt(0);
                            snapshot = new Object[listeners.size()];
                            listeners.copyInto(snapshot);
                        } else {
                            long waitMs = 0;
                            if (recheck) {
                                waitMs = windowEnd - System.currentTimeMillis();
                                if (waitMs <= 0) {
                                    recheck = false;
                                    reread = true;
                                    continue;
                                }
                            }
                            try {
                                BaseDigitalInput.this.wait(waitMs);
                            } catch (InterruptedException e) {
                                java.lang.Thread.currentThread().interrupt();
                                System.err.println("GPIO " + pin + ": the edge listener thread was interrupted and"
                                        + " stops; close and reopen the input to listen again");
                                return;
                            }
                        }
                    }
                }
                if (reread) {
                    levelChanged(readLine());
                } else {
                    deliver(edge, snapshot);
                }
            }
        }

        private void deliver(Edge edge, Object[] snapshot) {
            for (int i = 0; i < snapshot.length; i++) {
                Object[] entry = (Object[]) snapshot[i];
                if (entry[0] == Edge.BOTH || entry[0] == edge) {
                    EdgeListener l = (EdgeListener) entry[1];
                    try {
                        l.onEdge(BaseDigitalInput.this, edge);
                    } catch (Throwable t) {
                        System.err.println("GPIO " + pin + ": edge listener " + l + " threw on a " + edge
                                + " edge; the other listeners still run");
                        t.printStackTrace();
                    }
                }
            }
        }
    }
}
