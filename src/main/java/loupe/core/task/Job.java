package loupe.core.task;

import java.io.IOException;

/**
 * Long-running work, written once in core. It knows nothing about threads or JavaFX: the UI wraps it in a
 * task, the CLI and the tests call {@link #run} directly.
 *
 * @param <V> the result
 */
public interface Job<V> {

    String title();

    /** Runs to completion, or throws {@link java.util.concurrent.CancellationException} once cancelled. */
    V run(Progress progress) throws IOException;
}
