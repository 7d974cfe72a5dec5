package loupe.ui.fx;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import loupe.core.task.Job;
import loupe.core.task.Progress;

/**
 * Starts {@link Job}s for view models. A view model never creates threads or tasks itself: it is given a runner,
 * which in the app is {@link FxJobs#runner} (background executor, callbacks on the FX thread) and in tests
 * {@link #direct()} (everything on the calling thread), in the manner of JabRef's {@code TaskExecutor} and
 * {@code CurrentThreadTaskExecutor}.
 */
public interface JobRunner {

    /**
     * Starts {@code job}, reporting to {@code progress} and stopping when {@code progress.isCancelled()}. Exactly
     * one of the callbacks is called once, on the runner's reporting thread (the FX thread for
     * {@link FxJobs#runner}).
     */
    <V> void submit(Job<V> job, Progress progress, Callbacks<V> callbacks);

    /**
     * What happens when a job ends. {@code succeeded} runs only if the job was not cancelled; a job that throws
     * {@link CancellationException} ends in {@code cancelled}, any other exception in {@code failed}.
     */
    record Callbacks<V>(Consumer<? super V> succeeded, Consumer<? super Throwable> failed, Runnable cancelled) {

        public Callbacks {
            Objects.requireNonNull(succeeded);
            Objects.requireNonNull(failed);
            Objects.requireNonNull(cancelled);
        }

        /** Calls the callback that matches how the job ended: {@code error} null means it succeeded. */
        void complete(V value, Throwable error) {
            if (error == null) {
                succeeded.accept(value);
            } else if (error instanceof CancellationException) {
                cancelled.run();
            } else {
                failed.accept(error);
            }
        }
    }

    /** Runs each job at once on the calling thread, and its callback right after. For tests and the CLI. */
    static JobRunner direct() {
        return new JobRunner() {
            @Override
            public <V> void submit(Job<V> job, Progress progress, Callbacks<V> callbacks) {
                V value;
                try {
                    value = job.run(progress);
                } catch (Exception e) {
                    callbacks.complete(null, e);
                    return;
                }
                callbacks.complete(value, progress.isCancelled() ? new CancellationException("cancelled") : null);
            }
        };
    }
}
