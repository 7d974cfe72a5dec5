package loupe.core.task;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Progress} that remembers the latest update and derives rate and ETA from it, for the UI and the
 * CLI to sample at their own pace (a status bar every 100 ms, the CLI twice a second). Thread-safe; updates
 * are a few volatile writes.
 */
public final class ProgressTracker implements Progress {

    /** The state at one instant. {@code total} is -1 and {@code etaSeconds} is NaN while unknown. */
    public record Snapshot(String phase, long done, long total, double perSecond, double etaSeconds,
                           double elapsedSeconds) {

        /** 0..1, or -1 when the total is unknown. */
        public double fraction() {
            return total > 0 ? Math.min(1.0, (double) done / total) : -1;
        }
    }

    private final long startNanos = System.nanoTime();
    private volatile String phase = "starting";
    private volatile long phaseStartNanos = startNanos;
    private final AtomicLong done = new AtomicLong();
    private volatile long total = -1;
    private volatile boolean cancelled;

    @Override
    public void update(String phase, long done, long total) {
        if (!phase.equals(this.phase)) {
            synchronized (this) {
                if (!phase.equals(this.phase)) {
                    this.phase = phase;
                    this.phaseStartNanos = System.nanoTime();
                    this.done.set(0);
                }
            }
        }
        this.done.accumulateAndGet(done, Math::max);
        this.total = total;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** Asks the work to stop; it notices at its next check. */
    public void cancel() {
        cancelled = true;
    }

    public Snapshot snapshot() {
        long now = System.nanoTime();
        double phaseSeconds = Math.max(1e-9, (now - phaseStartNanos) / 1e9);
        long d = done.get();
        long t = total;
        double rate = d / phaseSeconds;
        double eta = t > 0 && rate > 0 ? (t - d) / rate : Double.NaN;
        return new Snapshot(phase, d, t, rate, eta, (now - startNanos) / 1e9);
    }
}
