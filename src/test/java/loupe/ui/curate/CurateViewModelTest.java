package loupe.ui.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.curation.Preview;
import loupe.core.curation.Recipe;
import loupe.core.export.ManifestFormat;
import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.core.task.Job;
import loupe.core.task.Progress;
import loupe.core.task.ProgressTracker;
import loupe.ui.charts.SampleCatalog;
import loupe.ui.curate.CurateViewModel.ClassRow;
import loupe.ui.fx.JobRunner;

/**
 * The Curate view model on the sample dataset (car 48, person 30, tree 14 instances; train 28 + val 8 images):
 * the live preview, recipe files, and the export view models it makes. The test thread plays the FX thread: it
 * runs the callbacks the worker posts ({@link #awaitFx}).
 */
class CurateViewModelTest {

    @TempDir
    Path dir;

    @TempDir
    Path out;

    private Catalog catalog;
    private ScheduledExecutorService worker;
    private final BlockingQueue<Runnable> fx = new LinkedBlockingQueue<>();
    private CurateViewModel model;

    @BeforeEach
    void open() throws Exception {
        catalog = SampleCatalog.open(dir);
        worker = Executors.newSingleThreadScheduledExecutor();
        model = new CurateViewModel(catalog, worker, fx::add, JobRunner.direct());
        model.start();
        awaitFx(() -> model.isReady() && model.getPreview() != null && !model.isBusy());
    }

    @AfterEach
    void close() throws Exception {
        model.close();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        catalog.close();
    }

    /** Runs posted FX callbacks on this thread until {@code done} holds (10 s at most). */
    private void awaitFx(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            Runnable r = fx.poll(50, TimeUnit.MILLISECONDS);
            if (r != null) {
                r.run();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out; error: " + model.getError());
            }
        }
    }

    private static Map<String, Long> instances(Preview.SplitCounts counts) {
        return DistributionChart.instancesByName(counts);
    }

    private ClassRow row(String name) {
        return model.classRows().stream().filter(r -> r.sourceName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsTheSourceClassesAndSplits() {
        assertEquals(List.of("car", "tree", "person"), model.classRows().stream().map(ClassRow::sourceName).toList());
        assertEquals(List.of(48L, 14L, 30L), model.classRows().stream().map(ClassRow::instances).toList());
        assertEquals(List.of("train", "val"), model.splitRows().stream().map(CurateViewModel.SplitRow::name).toList());
        assertEquals(Map.of("car", 11L, "person", 6L, "tree", 4L), instances(model.getPreview().after("val")));
    }

    @Test
    void droppingAClassUpdatesTheAfterDistribution() throws Exception {
        Preview first = model.getPreview();
        row("tree").keepProperty().set(false);
        awaitFx(() -> model.getPreview() != first && !model.isBusy());

        Preview p = model.getPreview();
        assertEquals(Map.of("car", 37L, "person", 24L), instances(p.after("train")));
        assertEquals(Map.of("car", 11L, "person", 6L), instances(p.after("val")));
        assertEquals(Map.of("car", 37L, "person", 24L, "tree", 10L), instances(p.before("train")));
        assertEquals(78, p.annotationsAfter());
        assertEquals(List.of("tree"), model.recipe().labels().dropBoxes());
    }

    @Test
    void renamingTwoClassesToOneNameMergesThem() throws Exception {
        Preview first = model.getPreview();
        row("car").newNameProperty().set("thing");
        row("tree").newNameProperty().set("thing");
        awaitFx(() -> model.getPreview() != first && !model.isBusy());
        assertEquals(Map.of("thing", 48L + 14L, "person", 30L), instances(CurateView.total(model.getPreview().after())));
    }

    @Test
    void quickEditsAreDebouncedAndOnlyTheLastOneIsShown() throws Exception {
        long before = model.evaluations();
        Preview first = model.getPreview();
        for (int cap = 10; cap >= 2; cap--) {
            model.capProperty().set(cap);
        }
        awaitFx(() -> model.getPreview() != first && !model.isBusy());
        assertEquals(2, model.recipe().balance().maxImagesPerClass());
        assertTrue(model.getPreview().distinctImagesAfter() <= 6, "at most 2 images per class of 3");
        assertTrue(model.evaluations() - before < 9, "edits within the debounce time share one evaluation");
    }

    @Test
    void stratifiedSplitMakesTheNamedSplits() throws Exception {
        Preview first = model.getPreview();
        model.splitMethodProperty().set(CurateViewModel.SplitMethod.STRATIFIED);
        awaitFx(() -> model.getPreview() != first && !model.isBusy());
        Preview p = model.getPreview();
        assertEquals(36, p.distinctImagesAfter());
        assertNotNull(p.after("train"));
        assertNotNull(p.after("val"));
        assertNull(p.after("test")); // share 0
    }

    @Test
    void aRecipeSurvivesSaveAndLoad() throws Exception {
        row("car").newNameProperty().set("vehicle");
        row("tree").dropImagesProperty().set(true);
        model.seedProperty().set(7);
        Path file = out.resolve("r.json");
        model.saveRecipe(file);
        awaitFx(() -> model.statusProperty().get().startsWith("Saved"));
        Recipe saved = Recipe.read(file);
        assertEquals(Map.of("car", "vehicle"), saved.labels().rename());
        assertEquals(7L, saved.seed());

        row("car").newNameProperty().set("");
        row("tree").dropImagesProperty().set(false);
        model.loadRecipe(file);
        awaitFx(() -> model.statusProperty().get().startsWith("Loaded"));
        assertEquals("vehicle", row("car").newNameProperty().get());
        assertTrue(row("tree").dropImagesProperty().get());
        assertEquals(7, model.seedProperty().get());
    }

    @Test
    void aBadRecipeFileShowsAnErrorAndChangesNothing() throws Exception {
        Path file = out.resolve("bad.json");
        Files.writeString(file, "{\"labels\": {\"dropBoxs\": [\"tree\"]}}");
        model.loadRecipe(file);
        awaitFx(() -> !model.getError().isEmpty());
        assertTrue(model.getError().contains("dropBoxs"), model.getError());
        assertTrue(row("tree").keepProperty().get());
    }

    @Test
    void subsetExportWritesADatasetOfTheRecipe() throws Exception {
        row("tree").keepProperty().set(false);
        SubsetExportViewModel export = model.newSubsetExport();
        assertEquals("coco", export.formatProperty().get());
        Path target = out.resolve("subset");
        export.outputProperty().set(target);
        export.formatProperty().set("yolo");
        export.imagesProperty().set(ImageMode.COPY);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        assertEquals(target.toAbsolutePath(), export.getResultFolder());
        assertTrue(export.getSummary().contains("78 annotations"), export.getSummary());
        assertTrue(Files.isRegularFile(target.resolve("loupe-recipe.json")));
        // The output is a dataset Loupe reads back with the recipe's result.
        try (Catalog written = Catalog.open(dir.resolve("written.duckdb"))) {
            new Indexer(IndexOptions.defaults()).index(written, target, Progress.NONE);
            DatasetStats stats = Statistics.compute(written, null, 10);
            assertEquals(36, stats.images());
            assertEquals(78, stats.annotations());
            assertEquals(List.of("car", "person"), stats.classes().stream().filter(c -> c.instances() > 0)
                    .map(DatasetStats.ClassCount::name).sorted().toList());
            // Images whose only class was dropped are kept without annotations (an INFO note), nothing worse.
            assertEquals(List.of(), stats.problems().stream().filter(pr -> !pr.severity().equals("INFO")).toList());
        }
    }

    @Test
    void cancelledSubsetExportLeavesNothing() throws Exception {
        JobRunner cancelWhileWriting = new JobRunner() {
            @Override
            public <V> void submit(Job<V> job, Progress progress, Callbacks<V> callbacks) {
                Progress cancelling = new Progress() {
                    @Override
                    public void update(String phase, long done, long total) {
                        progress.update(phase, done, total);
                        if (phase.equals("writing")) {
                            ((ProgressTracker) progress).cancel();
                        }
                    }

                    @Override
                    public boolean isCancelled() {
                        return progress.isCancelled();
                    }
                };
                JobRunner.direct().submit(job, cancelling, callbacks);
            }
        };
        SubsetExportViewModel export = new SubsetExportViewModel(cancelWhileWriting, catalog, SampleCatalog.ROOT,
                "coco", model::recipe);
        Path target = out.resolve("subset");
        export.outputProperty().set(target);
        export.start();

        assertEquals(ExportViewModel.State.CANCELLED, export.getState(), export.getError());
        assertFalse(Files.exists(target));
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList());
        }
        assertNull(export.getResultFolder());
    }

    @Test
    void exportIntoTheDatasetIsRefusedBeforeStarting() {
        SubsetExportViewModel export = model.newSubsetExport();
        export.outputProperty().set(SampleCatalog.ROOT.resolve("out"));
        export.start();
        assertEquals(ExportViewModel.State.FAILED, export.getState());
        assertTrue(export.getError().contains("outside the dataset"), export.getError());
    }

    @Test
    void manifestExportWritesOneRowPerImage() throws Exception {
        ManifestExportViewModel export = model.newManifestExport();
        export.formatProperty().set(ManifestFormat.JSONL);
        assertTrue(export.outputProperty().get().toString().endsWith(".jsonl"));
        Path file = out.resolve("manifest.jsonl");
        export.outputProperty().set(file);
        export.shuffleProperty().set(true);
        export.seedProperty().set(3);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        List<String> lines = Files.readAllLines(file);
        assertEquals(36, lines.size());
        assertTrue(lines.get(0).startsWith("{\"path\":"), lines.get(0));
        assertEquals(out.toAbsolutePath(), export.getResultFolder());
        assertTrue(export.getSummary().contains("36 rows"), export.getSummary());
    }

    @Test
    void shardExportWritesShardsAndTheirIndex() throws Exception {
        ShardExportViewModel export = model.newShardExport();
        export.shardSizeProperty().set("10");
        Path target = out.resolve("shards");
        export.outputProperty().set(target);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        assertTrue(Files.isRegularFile(target.resolve("shards.json")));
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(4, files.filter(f -> f.toString().endsWith(".tar")).count()); // 36 items, 10 per shard
        }
    }

    @Test
    void chipOptionsRejectAnOverlapAsLargeAsTheChip() {
        ChipExportViewModel export = model.newChipExport();
        export.sizeProperty().set(256);
        export.overlapProperty().set(256);
        assertTrue(export.validate().contains("Overlap"), export.validate());
        export.overlapProperty().set(32);
        export.outputProperty().set(out.resolve("chips"));
        assertNull(export.validate());
        assertEquals(224, export.options().stride());
    }

    @Test
    void chipExportCutsTheImagesIntoChips() throws Exception {
        ChipExportViewModel export = model.newChipExport();
        export.sizeProperty().set(256);
        export.overlapProperty().set(0);
        export.imageFormatProperty().set("png");
        Path target = out.resolve("chips");
        export.outputProperty().set(target);
        export.start();

        assertEquals(ExportViewModel.State.SUCCEEDED, export.getState(), export.getError());
        assertTrue(Files.isRegularFile(target.resolve("chips.csv")));
        assertTrue(export.getSummary().startsWith("Wrote "), export.getSummary());
        try (Stream<Path> files = Files.walk(target)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")));
        }
    }
}
