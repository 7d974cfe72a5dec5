package loupe.ui.browse;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import javafx.application.Platform;

/**
 * Runs actions posted from any thread on the FX thread, in the order posted, several per hop: the actions that
 * arrive while the FX thread is busy (thumbnails finished during a long layout pass) run together in one event
 * instead of one {@code runLater} each. Thread-safe.
 */
final class FxBatch {

    /** The gallery's: runs on the FX thread through {@link Platform#runLater}. */
    static final FxBatch FX = new FxBatch(Platform::runLater);

    private final Executor fx;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param fx runs one drain of the queue on the FX thread */
    FxBatch(Executor fx) {
        this.fx = fx;
    }

    /** Runs {@code action} on the FX thread soon, with the others posted before the queue is next drained. */
    void post(Runnable action) {
        queue.add(action);
        if (scheduled.compareAndSet(false, true)) {
            fx.execute(this::drain);
        }
    }

    private void drain() {
        // Cleared before polling: an action posted from now on either is polled below or schedules a new drain.
        scheduled.set(false);
        for (Runnable action = queue.poll(); action != null; action = queue.poll()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e); // as runLater would; the rest still run
            }
        }
    }
}
