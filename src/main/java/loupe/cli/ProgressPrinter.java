package loupe.cli;

import java.io.PrintWriter;
import java.util.Locale;

import loupe.core.task.ProgressTracker;

/**
 * Prints a {@link ProgressTracker} to stderr at most twice a second, on a daemon thread, until closed.
 * On a terminal the line is rewritten in place; otherwise each report is a line of its own.
 */
final class ProgressPrinter implements AutoCloseable {

    /** Twice a second; a system property lets tests sample faster. */
    private static final long INTERVAL_MILLIS = Long.getLong("loupe.progress.interval.millis", 500);

    private final ProgressTracker tracker;
    private final PrintWriter err;
    private final boolean terminal = System.console() != null;
    private final Thread thread;
    private volatile boolean running = true;
    private String last = "";

    ProgressPrinter(ProgressTracker tracker, PrintWriter err, boolean enabled) {
        this.tracker = tracker;
        this.err = err;
        this.thread = new Thread(this::loop, "loupe-progress");
        thread.setDaemon(true);
        if (enabled) {
            thread.start();
        }
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                print(format(tracker.snapshot()));
            }
        }
    }

    private synchronized void print(String line) {
        if (line.equals(last)) {
            return;
        }
        last = line;
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
    }

    static String format(ProgressTracker.Snapshot s) {
        StringBuilder sb = new StringBuilder(s.phase()).append(": ");
        sb.append(String.format(Locale.ROOT, "%,d", s.done()));
        if (s.total() > 0) {
            sb.append(String.format(Locale.ROOT, " / %,d (%.0f%%)", s.total(), 100 * s.fraction()));
        }
        sb.append(String.format(Locale.ROOT, ", %,.0f/s", s.perSecond()));
        if (!Double.isNaN(s.etaSeconds())) {
            sb.append(String.format(Locale.ROOT, ", ETA %.0f s", Math.ceil(s.etaSeconds())));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        synchronized (this) {
            if (terminal && !last.isEmpty()) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }
}
