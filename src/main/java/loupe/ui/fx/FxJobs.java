package loupe.ui.fx;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;

import javafx.concurrent.Task;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.task.Job;
import loupe.core.task.Progress;

/** The only place where a core {@link Job} becomes a JavaFX {@link Task}. */
public final class FxJobs {

    private static final Logger LOG = LoggerFactory.getLogger(FxJobs.class);

    private FxJobs() {
    }

    /**
     * A task that runs {@code job}. Progress goes both to {@code progress} (which the UI samples at its own pace)
     * and to the task's own progress and message properties; the job stops when either the task or
     * {@code progress} is cancelled.
     */
    public static <V> Task<V> toTask(Job<V> job, Progress progress) {
        return new Task<>() {
            {
                updateTitle(job.title());
            }

            @Override
            protected V call() throws Exception {
                Task<V> task = this; // named: Progress.isCancelled() would shadow Task.isCancelled()
                return job.run(new Progress() {
                    @Override
                    public void update(String phase, long done, long total) {
                        progress.update(phase, done, total);
                        updateProgress(done, total); // the enclosing task's; protected, so unqualified
                        updateMessage(phase);
                    }

                    @Override
                    public boolean isCancelled() {
                        return task.isCancelled() || progress.isCancelled();
                    }
                });
            }
        };
    }

    /**
     * A runner that runs each job as a task on {@code executor} and calls its callbacks on the FX thread. An
     * exception thrown by a callback is logged: it would otherwise disappear into the event dispatch.
     */
    public static JobRunner runner(Executor executor) {
        return new JobRunner() {
            @Override
            public <V> void submit(Job<V> job, Progress progress, Callbacks<V> callbacks) {
                Task<V> task = toTask(job, progress);
                task.setOnSucceeded(e -> guarded(job, () -> callbacks.complete(task.getValue(),
                        progress.isCancelled() ? new CancellationException("cancelled") : null)));
                task.setOnFailed(e -> guarded(job, () -> callbacks.complete(null, task.getException())));
                task.setOnCancelled(e -> guarded(job, () -> callbacks.complete(null,
                        new CancellationException("cancelled"))));
                executor.execute(task);
            }
        };
    }

    private static void guarded(Job<?> job, Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.error("Unhandled exception after job '{}' ended", job.title(), e);
        }
    }
}
