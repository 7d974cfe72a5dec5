package loupe.ui.app;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.formats.UnknownFormatException;
import loupe.core.index.CatalogException;
import loupe.core.index.CatalogLocation;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.stats.DatasetStats;
import loupe.core.task.Job;
import loupe.core.task.Progress;
import loupe.core.task.ProgressTracker;
import loupe.ui.fx.FxJobs;
import loupe.ui.fx.JobRunner;
import loupe.ui.fx.Theme;

/**
 * State of the main window: the open folder, indexing progress, and what was read back from the catalog.
 * Plain JavaFX beans, no nodes: {@link MainWindow} binds to it. Not thread-safe: call every method on one thread
 * (the FX thread in the app); the {@link JobRunner} calls back on that thread.
 */
public final class MainViewModel {

    private static final Logger LOG = LoggerFactory.getLogger(MainViewModel.class);

    /** Images shown in the table; the catalog may hold millions, the table only needs a first page for now. */
    static final int IMAGE_ROW_LIMIT = 2_000;
    static final int PROBLEM_ROW_LIMIT = 100;
    /** The status note while a reopened folder is checked for changes in the background. */
    static final String CHECKING = "Checking for changes\u2026";
    /** Folder opened when the app starts without one, relative to the working directory. */
    static final Path SAMPLE_DATASET = Path.of("assets", "sample");

    /** What the window shows. */
    public enum Status {
        /** No folder open yet. */
        EMPTY,
        /** A folder is being indexed. */
        INDEXING,
        /** The last index succeeded; the tables are filled. */
        LOADED,
        /** The last index failed; {@link #messageProperty()} says why. */
        FAILED,
        /** The user stopped the last index. */
        CANCELLED
    }

    private final JobRunner runner;
    private final JobRunner checkRunner;
    private final Runnable waitTurn;
    private final IndexOptions options;
    private final Function<Path, Path> catalogFor;

    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(this, "status", Status.EMPTY);
    private final ReadOnlyObjectWrapper<Path> root = new ReadOnlyObjectWrapper<>(this, "root");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Loupe");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper(this, "statusText", "Ready");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper imagesTitle = new ReadOnlyStringWrapper(this, "imagesTitle", "Images");
    private final ReadOnlyLongWrapper imageCount = new ReadOnlyLongWrapper(this, "imageCount");
    private final ReadOnlyLongWrapper problemCount = new ReadOnlyLongWrapper(this, "problemCount");
    private final ReadOnlyStringWrapper problemText = new ReadOnlyStringWrapper(this, "problemText", "");
    private final ObservableList<DatasetOverview.ImageRow> images = FXCollections.observableArrayList();
    private final ObservableList<DatasetStats.ClassCount> classes = FXCollections.observableArrayList();
    private final ObservableList<DatasetStats.ProblemEntry> problems = FXCollections.observableArrayList();
    private final ObservableList<DatasetOverview.ImageRow> imagesView =
            FXCollections.unmodifiableObservableList(images);
    private final ObservableList<DatasetStats.ClassCount> classesView =
            FXCollections.unmodifiableObservableList(classes);
    private final ObservableList<DatasetStats.ProblemEntry> problemsView =
            FXCollections.unmodifiableObservableList(problems);

    private final ObjectProperty<AppView> view = new SimpleObjectProperty<>(this, "view", AppView.OVERVIEW);
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);
    private final ReadOnlyObjectWrapper<Path> catalogFile = new ReadOnlyObjectWrapper<>(this, "catalogFile");
    private final ObservableList<String> recent = FXCollections.observableArrayList();

    /** The tracker of the job that is running, or null; callbacks of older jobs are ignored. */
    private ProgressTracker current;
    /** True while the background check of a reopened folder runs (the window already shows the folder). */
    private boolean checking;

    /** Indexes on {@code background} with default options, catalogs in the per-user cache. */
    public MainViewModel(Executor background) {
        this(FxJobs.runner(background), IndexOptions.defaults(), CatalogLocation::defaultFor);
    }

    /**
     * @param runner     starts the index jobs and calls back on this model's thread
     * @param options    how to index
     * @param catalogFor the catalog file for a dataset root
     */
    public MainViewModel(JobRunner runner, IndexOptions options, Function<Path, Path> catalogFor) {
        this(runner, runner, () -> { }, options, catalogFor);
    }

    /**
     * @param runner      runs index jobs (the catalog thread in the app)
     * @param checkRunner opens an indexed folder's catalog and checks it for changes in the background (a thread
     *                    of its own in the app, so that the gallery's queries do not wait behind it)
     * @param waitTurn    blocks the check until the foreground catalog work (the gallery's first page) is done
     * @param options     how to index
     * @param catalogFor  the catalog file for a dataset root
     */
    public MainViewModel(JobRunner runner, JobRunner checkRunner, Runnable waitTurn, IndexOptions options,
                         Function<Path, Path> catalogFor) {
        this.runner = Objects.requireNonNull(runner);
        this.checkRunner = Objects.requireNonNull(checkRunner);
        this.waitTurn = Objects.requireNonNull(waitTurn);
        this.options = Objects.requireNonNull(options);
        this.catalogFor = Objects.requireNonNull(catalogFor);
    }

    /**
     * The folder the app opens at start: the only argument, else the last dataset when it still exists, else the
     * sample dataset under {@code workingDir} when it exists, else null (the empty state). Looks at the file
     * system: call it off the FX thread ({@link LoupeApp} does, in {@code init()}).
     */
    public static Path initialFolder(List<String> args, Path workingDir, String lastDataset) {
        if (args.size() == 1) {
            return Path.of(args.get(0));
        }
        if (lastDataset != null && !lastDataset.isBlank() && Files.isDirectory(Path.of(lastDataset))) {
            return Path.of(lastDataset);
        }
        Path sample = workingDir.resolve(SAMPLE_DATASET);
        return Files.isDirectory(sample) ? sample : null;
    }

    /** Indexes {@code folder} (incrementally, when it was indexed before) and shows it; stops any running index. */
    public void open(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (current != null) {
            current.cancel();
        }
        ProgressTracker tracker = new ProgressTracker();
        current = tracker;
        root.set(absolute);
        catalogFile.set(null);
        recent.remove(absolute.toString());
        recent.add(0, absolute.toString());
        if (recent.size() > AppSettings.MAX_RECENT) {
            recent.remove(AppSettings.MAX_RECENT, recent.size());
        }
        title.set("Loupe \u2014 " + displayName(absolute));
        clearContent();
        status.set(Status.INDEXING);
        busy.set(true);
        progress.set(-1);
        statusText.set("Starting\u2026");
        Path catalog = catalogFor.apply(absolute);
        if (!Files.isRegularFile(catalog)) {
            index(absolute, catalog, tracker);
            return;
        }
        // A folder indexed before is shown at once from its catalog, then checked for changes in the background.
        checkRunner.submit(new IndexJob.Reopen(absolute, catalog, IMAGE_ROW_LIMIT, PROBLEM_ROW_LIMIT), tracker,
                new JobRunner.Callbacks<>(
                        reopened -> {
                            if (tracker != current) {
                                if (reopened != null) {
                                    closeLater(reopened);
                                }
                            } else if (reopened == null) {
                                index(absolute, catalog, tracker);
                            } else {
                                reopened(absolute, reopened, tracker);
                            }
                        },
                        error -> {
                            if (tracker == current) {
                                // An unreadable catalog is rebuilt by a plain index, which reports what fails.
                                LOG.debug("Cannot reopen the catalog of {}: {}", absolute, error.toString());
                                index(absolute, catalog, tracker);
                            }
                        },
                        () -> {
                            if (tracker == current) {
                                finish();
                                cancelled();
                            }
                        }));
    }

    private void index(Path absolute, Path catalog, ProgressTracker tracker) {
        IndexJob job = new IndexJob(absolute, catalog, options, IMAGE_ROW_LIMIT, PROBLEM_ROW_LIMIT);
        runner.submit(job, tracker, new JobRunner.Callbacks<>(
                overview -> {
                    if (tracker == current) {
                        finish();
                        loaded(overview);
                    }
                },
                error -> {
                    if (tracker == current) {
                        finish();
                        failed(absolute, error);
                    }
                },
                () -> {
                    if (tracker == current) {
                        finish();
                        cancelled();
                    }
                }));
    }

    /** Shows a reopened folder, then checks it for changes; the views are refreshed only if there were any. */
    private void reopened(Path absolute, IndexJob.Reopened reopened, ProgressTracker tracker) {
        busy.set(false);
        progress.set(0);
        loaded(reopened.overview());
        checking = true;
        statusText.set(CHECKING);
        // A re-index found necessary runs on fewer threads: the window is in use meanwhile.
        IndexOptions background = options.withThreads(Math.max(1, options.threads() / 2));
        checkRunner.submit(new IndexJob.Check(absolute, reopened.catalog(), background, waitTurn, IMAGE_ROW_LIMIT,
                PROBLEM_ROW_LIMIT), tracker, new JobRunner.Callbacks<>(
                checked -> {
                    if (tracker != current) {
                        return;
                    }
                    finish();
                    classes.setAll(checked.classes());
                    if (checked.changed() != null) {
                        // Something changed: the views read the catalog again (they follow the status).
                        status.set(Status.INDEXING);
                        loaded(checked.changed());
                    } else {
                        statusText.set("Up to date: no file changed since the last index");
                    }
                },
                error -> {
                    if (tracker == current) {
                        finish();
                        failed(absolute, error);
                    }
                },
                () -> {
                    if (tracker == current) {
                        finish();
                        statusText.set("Check for changes stopped; showing the last index");
                    }
                }));
    }

    /** Closes the connection of a reopen nobody wants any more, off this thread. */
    private void closeLater(IndexJob.Reopened reopened) {
        checkRunner.submit(new Job<Void>() {
            @Override
            public String title() {
                return "Closing a catalog";
            }

            @Override
            public Void run(Progress p) throws IOException {
                reopened.catalog().close();
                return null;
            }
        }, new ProgressTracker(), new JobRunner.Callbacks<>(v -> { }, e -> LOG.debug("close failed", e), () -> { }));
    }

    /** Indexes the open folder again (only what changed is read). */
    public void reindex() {
        if (root.get() != null) {
            open(root.get());
        }
    }

    /** Asks the running index to stop; the window shows "cancelled" once it has. */
    public void cancel() {
        if (current != null && !current.isCancelled()) {
            current.cancel();
            statusText.set("Cancelling\u2026");
        }
    }

    /** Copies the running job's progress into the properties; the view calls this on a timer (~every 150 ms). */
    public void sampleProgress() {
        if (current == null) {
            return;
        }
        if (current.isCancelled()) {
            statusText.set("Cancelling\u2026");
            return;
        }
        ProgressTracker.Snapshot s = current.snapshot();
        if (checking) {
            // Listing and comparing the files is the check itself; reading annotations means something changed.
            boolean reading = s.phase().equals("headers") || s.phase().equals("annotations");
            statusText.set(reading ? CHECKING + " " + describe(s) : CHECKING);
            return;
        }
        progress.set(s.fraction());
        statusText.set(describe(s));
    }

    /** "Reading image headers: 1,204 / 5,000 files (24%) · 812 files/s · ETA 5 s". */
    static String describe(ProgressTracker.Snapshot s) {
        String unit = switch (s.phase()) {
            case "listing", "scanning" -> " files";
            case "annotations" -> " annotation files";
            default -> "";
        };
        StringBuilder sb = new StringBuilder(phaseName(s.phase()));
        if (s.phase().equals("starting") || s.phase().equals("catalog") || s.phase().equals("loading")) {
            return sb.append('\u2026').toString();
        }
        sb.append(": ").append(String.format(Locale.ROOT, "%,d", s.done()));
        if (s.total() > 0) {
            sb.append(String.format(Locale.ROOT, " / %,d%s (%.0f%%)", s.total(), unit, 100 * s.fraction()));
        } else {
            sb.append(unit);
        }
        sb.append(String.format(Locale.ROOT, " \u00b7 %,.0f%s/s", s.perSecond(), unit));
        if (!Double.isNaN(s.etaSeconds()) && s.done() > 0) {
            sb.append(" \u00b7 ETA ").append(duration(s.etaSeconds()));
        }
        return sb.toString();
    }

    static String phaseName(String phase) {
        return switch (phase) {
            case "starting" -> "Opening the catalog";
            case "listing" -> "Listing files";
            case "scanning" -> "Reading image headers";
            case "annotations" -> "Reading annotations";
            case "catalog" -> "Saving the catalog";
            case "loading" -> "Loading the results";
            default -> phase.isEmpty() ? phase : Character.toUpperCase(phase.charAt(0)) + phase.substring(1);
        };
    }

    static String duration(double seconds) {
        long s = (long) Math.ceil(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private void finish() {
        current = null;
        checking = false;
        busy.set(false);
        progress.set(0);
    }

    private void clearContent() {
        images.clear();
        classes.clear();
        problems.clear();
        imageCount.set(0);
        problemCount.set(0);
        problemText.set("");
        summary.set("");
        imagesTitle.set("Images");
        message.set("");
        details.set("");
    }

    private void loaded(DatasetOverview overview) {
        IndexResult r = overview.result();
        images.setAll(overview.images());
        classes.setAll(overview.classes());
        problems.setAll(overview.problems());
        imageCount.set(overview.imageCount());
        problemCount.set(overview.problemCount());
        problemText.set(count(overview.problemCount(), "problem", "problems"));
        imagesTitle.set(overview.images().size() < overview.imageCount()
                ? String.format(Locale.ROOT, "Images (first %,d of %,d)", overview.images().size(),
                        overview.imageCount())
                : String.format(Locale.ROOT, "Images (%,d)", overview.imageCount()));
        summary.set(String.format(Locale.ROOT, "%s \u00b7 %s \u00b7 %s \u00b7 %s", r.format().toUpperCase(Locale.ROOT),
                count(overview.imageCount(), "image", "images"), count(r.annotations(), "annotation", "annotations"),
                count(r.classes(), "class", "classes")));
        statusText.set(String.format(Locale.ROOT, "Indexed %,d files in %.1f s (%,.0f files/s)", r.files(),
                r.elapsedMillis() / 1000.0, r.filesPerSecond()));
        catalogFile.set(catalogFor.apply(root.get()));
        status.set(Status.LOADED);
    }

    private void failed(Path folder, Throwable error) {
        String text;
        String more = String.valueOf(error.getMessage());
        if (error instanceof NoSuchFileException) {
            text = "The folder " + folder + " does not exist.";
        } else if (error instanceof UnknownFormatException) {
            text = "Loupe does not recognise a dataset in \u201c" + folder.getFileName()
                    + "\u201d. It reads COCO, YOLO, Pascal VOC and class-folder datasets.";
        } else if (error instanceof AccessDeniedException) {
            text = "Loupe cannot read " + folder + ": permission denied.";
        } else if (error instanceof CatalogException) {
            text = "The index of this folder cannot be opened or saved: " + error.getMessage() + ".";
            more = causeChain(error);
        } else if (error instanceof java.io.IOException) {
            text = "Loupe cannot read " + folder + ": " + error.getMessage();
            more = causeChain(error);
        } else {
            text = "Indexing \u201c" + folder.getFileName() + "\u201d failed unexpectedly.";
            more = causeChain(error);
        }
        // Logged here, where it is handled: the window shows the plain message, the log the technical one, with
        // a stack trace only for failures nobody expected.
        if (expected(error)) {
            LOG.info("Cannot index {}: {}", folder, error.toString());
        } else {
            LOG.warn("Indexing {} failed", folder, error);
        }
        message.set(text);
        details.set(more);
        statusText.set("Indexing failed");
        status.set(Status.FAILED);
    }

    /** Failures that are about the folder, not bugs: no dataset in it, gone, or not readable. */
    private static boolean expected(Throwable error) {
        return error instanceof UnknownFormatException || error instanceof NoSuchFileException
                || error instanceof AccessDeniedException;
    }

    private void cancelled() {
        message.set("Indexing was cancelled. The folder's previous index, if any, is unchanged.");
        details.set("");
        statusText.set("Cancelled");
        status.set(Status.CANCELLED);
    }

    private static String causeChain(Throwable error) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) {
                sb.append("\ncaused by: ");
            }
            sb.append(t);
        }
        return sb.toString();
    }

    static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    private static String displayName(Path folder) {
        return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
    }

    // ------------------------------------------------------------------ properties

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public Status getStatus() {
        return status.get();
    }

    /** The open folder, absolute, or null. */
    public ReadOnlyObjectProperty<Path> rootProperty() {
        return root.getReadOnlyProperty();
    }

    public Path getRoot() {
        return root.get();
    }

    /** The window title: "Loupe — folder". */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** True while an index job runs. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public boolean isBusy() {
        return busy.get();
    }

    /** 0..1 within the current phase, -1 while unknown, 0 when idle. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** One line for the status bar: the phase and rate while indexing, the outcome afterwards. */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    public String getStatusText() {
        return statusText.get();
    }

    /** Why the last index failed or stopped, in plain words; empty otherwise. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public String getMessage() {
        return message.get();
    }

    /** Technical details behind {@link #messageProperty()}: the exception chain or the detector's reasons. */
    public ReadOnlyStringProperty detailsProperty() {
        return details.getReadOnlyProperty();
    }

    public String getDetails() {
        return details.get();
    }

    /** "COCO · 36 images · 92 annotations · 3 classes". */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public String getSummary() {
        return summary.get();
    }

    /** "Images (36)", or "Images (first 2,000 of 1,200,000)" when the table shows a part. */
    public ReadOnlyStringProperty imagesTitleProperty() {
        return imagesTitle.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty imageCountProperty() {
        return imageCount.getReadOnlyProperty();
    }

    public long getImageCount() {
        return imageCount.get();
    }

    public ReadOnlyLongProperty problemCountProperty() {
        return problemCount.getReadOnlyProperty();
    }

    public long getProblemCount() {
        return problemCount.get();
    }

    /** "3 problems", "0 problems"; empty before anything is loaded. */
    public ReadOnlyStringProperty problemTextProperty() {
        return problemText.getReadOnlyProperty();
    }

    /** The first {@value #IMAGE_ROW_LIMIT} images by path. Read-only for callers. */
    public ObservableList<DatasetOverview.ImageRow> getImages() {
        return imagesView;
    }

    /** Every class with its counts, by id. Read-only for callers. */
    public ObservableList<DatasetStats.ClassCount> getClasses() {
        return classesView;
    }

    /** The first {@value #PROBLEM_ROW_LIMIT} problems, most severe first. Read-only for callers. */
    public ObservableList<DatasetStats.ProblemEntry> getProblems() {
        return problemsView;
    }

    /** The view the window shows while a dataset is loaded. */
    public ObjectProperty<AppView> viewProperty() {
        return view;
    }

    public AppView getView() {
        return view.get();
    }

    public void setView(AppView value) {
        view.set(value);
    }

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    /** The catalog of the loaded dataset, set once an index succeeded; null otherwise. */
    public ReadOnlyObjectProperty<Path> catalogFileProperty() {
        return catalogFile.getReadOnlyProperty();
    }

    public Path getCatalogFile() {
        return catalogFile.get();
    }

    /** Dataset folders opened recently, most recent first; the app fills it from its settings at start. */
    public ObservableList<String> getRecent() {
        return recent;
    }
}
