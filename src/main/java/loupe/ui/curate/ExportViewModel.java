package loupe.ui.curate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;

import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.core.task.Progress;
import loupe.core.task.ProgressTracker;
import loupe.ui.fx.JobRunner;

/**
 * One export dialog's state: the output, the job's progress, and how it ended (a summary, or an error). Subclasses
 * hold the options and make the core {@link Job}. {@link #start} runs it through the {@link JobRunner} (a background
 * task in the app); {@link #cancel} stops it, and the core's atomic output leaves nothing behind. Progress is read
 * from a {@link ProgressTracker} when the view asks ({@link #refreshProgress}, on a timer), so a fast job never
 * floods the FX thread. FX thread only, like every view model.
 */
public abstract class ExportViewModel {

    /** Where the export is. */
    public enum State {
        IDLE, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        /** True while a job runs. */
        public boolean isRunning() {
            return this == RUNNING;
        }
    }

    /** What a job gives back: a summary for people, and the folder worth opening. */
    protected record Outcome(String summary, Path folder) {
    }

    private final String title;
    private final JobRunner runner;
    protected final Catalog catalog;
    protected final Path sourceRoot;
    private final ObjectProperty<Path> output = new SimpleObjectProperty<>(this, "output");
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(this, "state", State.IDLE);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyObjectWrapper<Path> resultFolder = new ReadOnlyObjectWrapper<>(this, "resultFolder");
    private ProgressTracker tracker;

    /**
     * @param catalog    the indexed catalog of the dataset (the job reads it on the runner's thread)
     * @param sourceRoot the dataset's root folder
     */
    protected ExportViewModel(String title, JobRunner runner, Catalog catalog, Path sourceRoot) {
        this.title = Objects.requireNonNull(title);
        this.runner = Objects.requireNonNull(runner);
        this.catalog = Objects.requireNonNull(catalog);
        this.sourceRoot = Objects.requireNonNull(sourceRoot).toAbsolutePath().normalize();
    }

    /** The dialog's title ("Export subset", ...). */
    public String title() {
        return title;
    }

    /** What the output is: "folder" or "file". */
    public String outputKind() {
        return "folder";
    }

    /** A folder or file next to the dataset, named after it with {@code suffix}. */
    protected Path besideSource(String suffix) {
        Path parent = sourceRoot.getParent() == null ? sourceRoot : sourceRoot.getParent();
        return parent.resolve(sourceRoot.getFileName() + suffix);
    }

    /** Why the options cannot run as they are, or null when they can. Cheap; no I/O. */
    public String validate() {
        Path out = output.get();
        if (out == null) {
            return "Choose an output " + outputKind() + ".";
        }
        Path abs = out.toAbsolutePath().normalize();
        if (abs.startsWith(sourceRoot) || sourceRoot.startsWith(abs)) {
            return "The output must be outside the dataset: Loupe never writes into a dataset it reads.";
        }
        return null;
    }

    /** Makes the job for the current options (called on the FX thread; the job runs elsewhere). */
    protected abstract Job<Outcome> createJob(Path output);

    /** Starts the export, unless one runs or the options are invalid (then {@link #errorProperty()} says why). */
    public void start() {
        if (state.get().isRunning()) {
            return;
        }
        String invalid = validate();
        if (invalid != null) {
            error.set(invalid);
            state.set(State.FAILED);
            return;
        }
        Job<Outcome> job;
        try {
            job = createJob(output.get());
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            state.set(State.FAILED);
            return;
        }
        error.set("");
        summary.set("");
        resultFolder.set(null);
        progress.set(-1);
        message.set("Starting…");
        state.set(State.RUNNING);
        ProgressTracker t = new ProgressTracker();
        tracker = t;
        runner.submit(job, t, new JobRunner.Callbacks<>(
                outcome -> {
                    refreshProgress();
                    progress.set(1);
                    message.set("Done");
                    summary.set(outcome.summary());
                    resultFolder.set(outcome.folder());
                    state.set(State.SUCCEEDED);
                },
                failure -> {
                    progress.set(0);
                    message.set("");
                    error.set(describe(failure));
                    state.set(State.FAILED);
                },
                () -> {
                    progress.set(0);
                    message.set("");
                    summary.set("Cancelled: nothing was written.");
                    state.set(State.CANCELLED);
                }));
    }

    /** Asks the running export to stop; it ends in {@link State#CANCELLED} with nothing left behind. */
    public void cancel() {
        ProgressTracker t = tracker;
        if (t != null && state.get().isRunning()) {
            t.cancel();
            message.set("Cancelling…");
        }
    }

    /** Copies the job's latest progress into the properties; the view calls it on a timer while running. */
    public void refreshProgress() {
        ProgressTracker t = tracker;
        if (t == null || !state.get().isRunning()) {
            return;
        }
        ProgressTracker.Snapshot s = t.snapshot();
        if (t.isCancelled()) {
            return;
        }
        progress.set(s.fraction());
        StringBuilder sb = new StringBuilder(s.phase());
        if (s.total() > 0) {
            sb.append(' ').append(String.format(java.util.Locale.ROOT, "%,d / %,d", s.done(), s.total()));
        } else if (s.done() > 0) {
            sb.append(' ').append(String.format(java.util.Locale.ROOT, "%,d", s.done()));
        }
        if (!Double.isNaN(s.etaSeconds()) && s.etaSeconds() > 1) {
            sb.append(String.format(java.util.Locale.ROOT, " · about %.0f s left", s.etaSeconds()));
        }
        message.set(sb.toString());
    }

    /** A one-line message for a failure. */
    static String describe(Throwable failure) {
        String m = failure.getMessage();
        if (m == null || m.isBlank()) {
            m = failure.getClass().getSimpleName();
        }
        if (failure instanceof java.nio.file.FileAlreadyExistsException) {
            m = "Already exists and is not empty: " + ((java.nio.file.FileAlreadyExistsException) failure).getFile();
        } else if (failure instanceof java.nio.file.AccessDeniedException) {
            m = "Permission denied: " + m;
        }
        return m.lines().findFirst().orElse(m);
    }

    /** A job from a lambda that may throw {@link IOException}. */
    protected final Job<Outcome> job(Work work) {
        return new Job<>() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public Outcome run(Progress progress) throws IOException {
                return work.run(progress);
            }
        };
    }

    /** The body of a job. */
    @FunctionalInterface
    protected interface Work {
        Outcome run(Progress progress) throws IOException;
    }

    /** The output folder or file. */
    public ObjectProperty<Path> outputProperty() {
        return output;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public State getState() {
        return state.get();
    }

    /** 0..1, or -1 while the amount of work is not known. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** What the job is doing ("writing 120 / 400"). */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** What was written, once succeeded (or that nothing was, once cancelled). */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public String getSummary() {
        return summary.get();
    }

    /** Why it failed, or why it cannot start. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public String getError() {
        return error.get();
    }

    /** The folder to open once succeeded (the output folder, or the manifest's folder). */
    public ReadOnlyObjectProperty<Path> resultFolderProperty() {
        return resultFolder.getReadOnlyProperty();
    }

    public Path getResultFolder() {
        return resultFolder.get();
    }
}
