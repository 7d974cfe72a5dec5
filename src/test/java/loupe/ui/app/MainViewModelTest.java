package loupe.ui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.IndexOptions;
import loupe.core.stats.DatasetStats.ClassCount;
import loupe.core.task.Job;
import loupe.core.task.Progress;
import loupe.core.task.ProgressTracker;
import loupe.ui.app.MainViewModel.Status;
import loupe.ui.fx.JobRunner;

/** The main window's model, without a toolkit: jobs run on the test thread. */
class MainViewModelTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private MainViewModel model(JobRunner runner) {
        return new MainViewModel(runner, IndexOptions.defaults().withThreads(2),
                root -> cache.resolve(root.getFileName() + ".duckdb"));
    }

    @Test
    void indexesAFolderAndFillsImagesClassesAndProblems() throws IOException {
        MainViewModel model = model(JobRunner.direct());
        model.open(UiFixtures.yolo(dataset));

        assertEquals(Status.LOADED, model.getStatus(), model.getMessage() + "\n" + model.getDetails());
        assertFalse(model.isBusy());
        assertEquals(dataset.toAbsolutePath().normalize(), model.getRoot());
        assertEquals(4, model.getImageCount());
        assertEquals(List.of("images/train/a.jpg", "images/train/b.jpg", "images/train/c.png", "images/val/d.jpg"),
                model.getImages().stream().map(DatasetOverview.ImageRow::path).toList());
        DatasetOverview.ImageRow a = model.getImages().get(0);
        assertEquals(new DatasetOverview.ImageRow("images/train/a.jpg", "train", 200, 100, "jpeg", true), a);
        assertEquals("val", model.getImages().get(3).split());
        // Counted by hand from UiFixtures.yolo's label lines.
        assertEquals(List.of(new ClassCount(0, "car", 3, 2), new ClassCount(1, "tree", 2, 2),
                new ClassCount(2, "person", 2, 2)), model.getClasses());
        assertEquals(0, model.getProblemCount());
        assertEquals("YOLO \u00b7 4 images \u00b7 7 annotations \u00b7 3 classes", model.getSummary());
        assertEquals("Images (4)", model.imagesTitleProperty().get());
        assertTrue(model.getStatusText().startsWith("Indexed "), model.getStatusText());
        assertEquals("Loupe \u2014 " + dataset.getFileName(), model.titleProperty().get());
    }

    @Test
    void indexesTheSampleDatasetWithItsDocumentedCounts() {
        Path sample = Path.of("assets", "sample");
        assertTrue(Files.isDirectory(sample), "run from the project root; the sample is committed");
        MainViewModel model = model(JobRunner.direct());
        model.open(sample);

        // The counts documented in assets/README.md, counted there with python from the two JSON files.
        assertEquals(Status.LOADED, model.getStatus(), model.getMessage() + "\n" + model.getDetails());
        assertEquals("COCO \u00b7 36 images \u00b7 92 annotations \u00b7 3 classes", model.getSummary());
        assertEquals(List.of(new ClassCount(1, "car", 48, 31), new ClassCount(2, "tree", 14, 13),
                new ClassCount(3, "person", 30, 18)), model.getClasses());
        assertEquals(36, model.getImages().size());
        assertEquals(28, model.getImages().stream().filter(r -> "train".equals(r.split())).count());
        assertEquals(8, model.getImages().stream().filter(r -> "val".equals(r.split())).count());
        assertTrue(model.getImages().stream().allMatch(r -> r.width() == 480 && r.height() == 360
                && "jpeg".equals(r.format())), model.getImages().toString());
        assertEquals(0, model.getProblemCount(), model.getProblems().toString());
    }

    @Test
    void countsProblemsOfTheDataset() throws IOException {
        UiFixtures.yolo(dataset);
        // One more image without a label file, and a label whose class is not in data.yaml.
        loupe.testing.TestImages.write(dataset.resolve("images/train/e.jpg"), 20, 20);
        Files.writeString(dataset.resolve("labels/train/b.txt"), "2 0.5 0.5 0.25 0.5\n7 0.5 0.5 0.1 0.1\n");
        MainViewModel model = model(JobRunner.direct());
        model.open(dataset);

        assertEquals(Status.LOADED, model.getStatus(), model.getDetails());
        assertEquals(5, model.getImageCount());
        assertEquals(model.getProblems().size(), model.getProblemCount());
        List<String> kinds = model.getProblems().stream().map(p -> p.kind() + " " + p.path()).toList();
        assertTrue(kinds.contains("UNKNOWN_CLASS images/train/b.jpg"), kinds.toString());
        assertTrue(kinds.contains("IMAGE_WITHOUT_ANNOTATIONS images/train/e.jpg"), kinds.toString());
        assertEquals(model.getProblemCount() + " problems", model.problemTextProperty().get());
    }

    @Test
    void showsAPlainMessageWhenTheFolderHoldsNoDataset() throws IOException {
        Files.writeString(dataset.resolve("notes.txt"), "nothing to see");
        MainViewModel model = model(JobRunner.direct());
        model.open(dataset);

        assertEquals(Status.FAILED, model.getStatus());
        assertTrue(model.getMessage().startsWith("Loupe does not recognise a dataset in"), model.getMessage());
        assertTrue(model.getDetails().contains("coco"), "the detector's reasons are in the details");
        assertTrue(model.getImages().isEmpty());
        assertFalse(model.isBusy());
    }

    @Test
    void showsAPlainMessageWhenTheFolderDoesNotExist() {
        MainViewModel model = model(JobRunner.direct());
        Path missing = dataset.resolve("gone");
        model.open(missing);

        assertEquals(Status.FAILED, model.getStatus());
        assertEquals("The folder " + missing.toAbsolutePath() + " does not exist.", model.getMessage());
    }

    @Test
    void cancellingStopsTheIndexAndSaysSo() throws IOException {
        DeferredRunner runner = new DeferredRunner();
        MainViewModel model = model(runner);
        model.open(UiFixtures.yolo(dataset));
        assertEquals(Status.INDEXING, model.getStatus());
        assertTrue(model.isBusy());

        model.cancel();
        runner.runAll();

        assertEquals(Status.CANCELLED, model.getStatus());
        assertFalse(model.isBusy());
        assertEquals("Cancelled", model.getStatusText());
        assertTrue(model.getImages().isEmpty());
    }

    @Test
    void opensTheNewFolderWhenAnotherIsOpenedWhileIndexing(@TempDir Path other) throws IOException {
        DeferredRunner runner = new DeferredRunner();
        MainViewModel model = model(runner);
        Files.writeString(dataset.resolve("notes.txt"), "not a dataset");
        model.open(dataset);
        model.open(UiFixtures.yolo(other));
        runner.runAll();

        // The first job's failure arrives after the second was started and must not overwrite it.
        assertEquals(Status.LOADED, model.getStatus(), model.getMessage());
        assertEquals(other.toAbsolutePath().normalize(), model.getRoot());
        assertEquals(4, model.getImageCount());
    }

    @Test
    void samplesPhaseRateAndEtaWhileIndexing() throws IOException {
        DeferredRunner runner = new DeferredRunner();
        MainViewModel model = model(runner);
        model.open(UiFixtures.yolo(dataset));
        runner.progress.get(0).update("scanning", 10, 40);

        model.sampleProgress();

        assertEquals(0.25, model.progressProperty().get(), 1e-9);
        assertTrue(model.getStatusText().startsWith("Reading image headers: 10 / 40 files (25%) \u00b7 "),
                model.getStatusText());
        assertTrue(model.getStatusText().contains(" files/s \u00b7 ETA "), model.getStatusText());
    }

    @Test
    void describesProgressInWords() {
        assertEquals("Reading image headers: 1,204 / 5,000 files (24%) \u00b7 812 files/s \u00b7 ETA 5 s",
                MainViewModel.describe(new ProgressTracker.Snapshot("scanning", 1204, 5000, 812, 4.7, 2)));
        assertEquals("Listing files: 90,000 files \u00b7 45,000 files/s",
                MainViewModel.describe(new ProgressTracker.Snapshot("listing", 90_000, -1, 45_000, Double.NaN, 2)));
        assertEquals("Saving the catalog\u2026",
                MainViewModel.describe(new ProgressTracker.Snapshot("catalog", 0, 1, 0, Double.NaN, 3)));
        assertEquals("2 min 05 s", MainViewModel.duration(124.2));
    }

    @Test
    void startsWithTheFolderArgumentOrTheLastDatasetOrTheSampleOrNothing(@TempDir Path workingDir)
            throws IOException {
        assertNull(MainViewModel.initialFolder(List.of(), workingDir, null));

        Files.createDirectories(workingDir.resolve("assets/sample"));
        assertEquals(workingDir.resolve("assets/sample"), MainViewModel.initialFolder(List.of(), workingDir, null));
        assertEquals(workingDir.resolve("assets/sample"),
                MainViewModel.initialFolder(List.of(), workingDir, workingDir.resolve("gone").toString()),
                "a last dataset that is gone is skipped");
        assertEquals(dataset, MainViewModel.initialFolder(List.of(), workingDir, dataset.toString()));
        assertEquals(dataset, MainViewModel.initialFolder(List.of(dataset.toString()), workingDir, "elsewhere"));
    }

    @Test
    void remembersOpenedFoldersMostRecentFirstAndTheCatalogOnceLoaded(@TempDir Path other) throws IOException {
        MainViewModel model = model(JobRunner.direct());
        Files.writeString(other.resolve("notes.txt"), "not a dataset");
        model.open(UiFixtures.yolo(dataset));
        assertEquals(cache.resolve(dataset.getFileName() + ".duckdb"), model.getCatalogFile());
        model.open(other);
        model.open(dataset);
        assertEquals(List.of(dataset.toAbsolutePath().normalize().toString(),
                other.toAbsolutePath().normalize().toString()), model.getRecent());
        model.open(other);
        assertNull(model.getCatalogFile(), "a failed index has no catalog to browse");
    }

    @Test
    void reopensAnIndexedFolderAtOnceThenChecksItForChangesInTheBackground() throws IOException {
        UiFixtures.yolo(dataset);
        model(JobRunner.direct()).open(dataset);
        DeferredRunner index = new DeferredRunner();
        DeferredRunner check = new DeferredRunner();
        MainViewModel model = new MainViewModel(index, check, () -> { }, IndexOptions.defaults().withThreads(2),
                root -> cache.resolve(root.getFileName() + ".duckdb"));

        model.open(dataset);
        check.runOne();

        // Shown from the catalog as it is, before any file was looked at, and nothing went to the index thread.
        assertEquals(Status.LOADED, model.getStatus(), model.getMessage());
        assertFalse(model.isBusy());
        assertEquals(MainViewModel.CHECKING, model.getStatusText());
        assertEquals("YOLO \u00b7 4 images \u00b7 7 annotations \u00b7 3 classes", model.getSummary());
        assertEquals(4, model.getImages().size());
        assertTrue(index.pending.isEmpty());

        check.runAll();
        assertEquals(Status.LOADED, model.getStatus());
        assertTrue(model.getStatusText().startsWith("Up to date"), model.getStatusText());
        assertEquals(List.of(new ClassCount(0, "car", 3, 2), new ClassCount(1, "tree", 2, 2),
                new ClassCount(2, "person", 2, 2)), model.getClasses());
    }

    @Test
    void refreshesAReopenedFolderWhenTheCheckFindsAChange() throws IOException {
        UiFixtures.yolo(dataset);
        model(JobRunner.direct()).open(dataset);
        Files.writeString(dataset.resolve("labels/train/a.txt"), "2 0.5 0.5 0.2 0.2\n",
                java.nio.file.StandardOpenOption.APPEND);
        DeferredRunner check = new DeferredRunner();
        MainViewModel model = new MainViewModel(JobRunner.direct(), check, () -> { },
                IndexOptions.defaults().withThreads(2), root -> cache.resolve(root.getFileName() + ".duckdb"));
        List<Status> seen = new ArrayList<>();
        model.statusProperty().addListener((obs, old, s) -> seen.add(s));

        model.open(dataset);
        check.runOne();
        assertEquals("YOLO \u00b7 4 images \u00b7 7 annotations \u00b7 3 classes", model.getSummary(),
                "the last index, until the check is done");
        check.runAll();

        assertEquals(Status.LOADED, model.getStatus(), model.getMessage());
        assertEquals("YOLO \u00b7 4 images \u00b7 8 annotations \u00b7 3 classes", model.getSummary());
        assertEquals(new ClassCount(2, "person", 3, 3), model.getClasses().get(2));
        // INDEXING then LOADED once more: the views follow the status and read the catalog again.
        assertEquals(List.of(Status.INDEXING, Status.LOADED, Status.INDEXING, Status.LOADED), seen);
    }

    /** Holds jobs until {@link #runAll}, so a test can act while a job is "running". */
    private static final class DeferredRunner implements JobRunner {
        final List<Runnable> pending = new ArrayList<>();
        final List<Progress> progress = new ArrayList<>();

        @Override
        public <V> void submit(Job<V> job, Progress p, Callbacks<V> callbacks) {
            progress.add(p);
            pending.add(() -> JobRunner.direct().submit(job, p, callbacks));
        }

        void runAll() {
            while (!pending.isEmpty()) {
                List<Runnable> jobs = new ArrayList<>(pending);
                pending.clear();
                jobs.forEach(Runnable::run);
            }
        }

        void runOne() {
            pending.remove(0).run();
        }
    }
}
