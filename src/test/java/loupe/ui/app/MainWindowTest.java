package loupe.ui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.controlsfx.control.CheckComboBox;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import loupe.core.index.CatalogLocation;
import loupe.core.index.IndexOptions;
import loupe.core.stats.DatasetStats.ClassCount;
import loupe.core.task.Job;
import loupe.core.task.Progress;
import loupe.ui.app.MainViewModel.Status;
import loupe.ui.browse.GalleryViewModel;
import loupe.ui.fx.JobRunner;
import loupe.ui.fx.Notification;
import loupe.ui.problems.ProblemsViewModel;

/** Smoke tests of the main window on a real (headless) stage: the nodes are there, filled and switched. */
@Tag("ui")
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    @TempDir
    static Path cache;

    @TempDir
    Path dataset;

    private static String previousCacheDir;

    private AppServices services;
    private MainViewModel model;
    private Workspace workspace;
    private Stage stage;

    @BeforeAll
    static void catalogsInTempDir() {
        // The window uses the default catalog location; keep it out of ~/.cache.
        previousCacheDir = System.getProperty("loupe.cache.dir");
        System.setProperty("loupe.cache.dir", cache.toString());
    }

    @AfterAll
    static void restoreCacheDir() {
        if (previousCacheDir == null) {
            System.clearProperty("loupe.cache.dir");
        } else {
            System.setProperty("loupe.cache.dir", previousCacheDir);
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        services = new AppServices();
        model = services.newMainModel();
        workspace = services.newWorkspace(model, Platform::runLater);
        stage.setScene(new MainWindow(workspace).scene());
        stage.setWidth(1100);
        stage.setHeight(700);
        stage.show();
    }

    @AfterEach
    void stopServices() throws InterruptedException {
        services.close();
    }

    @Test
    void showsTheEmptyStateBeforeAFolderIsOpened(FxRobot robot) {
        assertTrue(robot.lookup("#emptyState").query().isVisible());
        assertTrue(robot.lookup("#emptyOpenButton").queryAs(Button.class).isVisible());
        assertFalse(robot.lookup("#views").query().isVisible());
        assertFalse(robot.lookup("#cancelButton").query().isVisible());
    }

    @Test
    void indexesAFolderAndShowsItsImagesAndClassCounts(FxRobot robot) throws Exception {
        UiFixtures.yolo(dataset);
        openAndWait(robot, dataset);

        assertEquals(Status.LOADED, model.getStatus(), model.getMessage());
        assertTrue(robot.lookup("#datasetPane").query().isVisible());
        assertFalse(robot.lookup("#indexingPane").query().isVisible());
        TableView<DatasetOverview.ImageRow> images = robot.lookup("#imageTable").queryTableView();
        assertEquals(4, images.getItems().size());
        // The rows are rendered, not only in the model.
        Set<String> cells = cellTexts(robot, "#imageTable");
        assertTrue(cells.containsAll(List.of("images/train/a.jpg", "images/val/d.jpg", "train", "val", "200")),
                cells.toString());

        TableView<ClassCount> classes = robot.lookup("#classTable").queryTableView();
        assertEquals(List.of(new ClassCount(0, "car", 3, 2), new ClassCount(1, "tree", 2, 2),
                new ClassCount(2, "person", 2, 2)), List.copyOf(classes.getItems()));
        assertTrue(cellTexts(robot, "#classTable").containsAll(List.of("car", "tree", "person", "3")));
        assertEquals("0 problems", robot.lookup("#problemCountLabel").queryAs(Label.class).getText());
        assertEquals("YOLO \u00b7 4 images \u00b7 7 annotations \u00b7 3 classes",
                robot.lookup("#summaryLabel").queryAs(Label.class).getText());
        assertTrue(Files.list(cache.resolve("catalogs")).findAny().isPresent(),
                "the catalog went to loupe.cache.dir, at " + CatalogLocation.defaultFor(dataset));
    }

    @Test
    void showsTheSampleDatasetWithItsClassCounts(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));

        assertEquals(Status.LOADED, model.getStatus(), model.getMessage());
        TableView<DatasetOverview.ImageRow> images = robot.lookup("#imageTable").queryTableView();
        assertEquals(36, images.getItems().size());
        assertEquals("images/train/scene_001.jpg", images.getItems().get(0).path());
        assertTrue(cellTexts(robot, "#imageTable").containsAll(List.of("images/train/scene_001.jpg", "480", "360")));
        assertEquals("Images (36)", robot.lookup("#imagesTitle").queryAs(Label.class).getText());
        // assets/README.md: car 48 boxes in 31 images, tree 14 in 13, person 30 in 18.
        assertTrue(cellTexts(robot, "#classTable").containsAll(List.of("car", "48", "31", "tree", "14", "13",
                "person", "30", "18")), cellTexts(robot, "#classTable").toString());
        assertEquals("0 problems", robot.lookup("#problemCountLabel").queryAs(Label.class).getText());
    }

    @Test
    void showsAMessageInTheWindowWhenTheFolderHoldsNoDataset(FxRobot robot) throws Exception {
        Files.writeString(dataset.resolve("readme.md"), "# not a dataset");
        openAndWait(robot, dataset);

        assertEquals(Status.FAILED, model.getStatus());
        assertTrue(robot.lookup("#messagePane").query().isVisible());
        assertEquals("Cannot open this folder", robot.lookup("#messageTitle").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#messageLabel").queryAs(Label.class).getText()
                .startsWith("Loupe does not recognise a dataset"));
        assertFalse(robot.lookup("#views").query().isVisible());
    }

    @Test
    void cancelButtonShowsWhileIndexingAndStopsTheIndex(FxRobot robot) throws Exception {
        UiFixtures.yolo(dataset);
        // A runner that holds the job, so the window stays in "indexing" until the test lets it run.
        List<Runnable> held = new ArrayList<>();
        JobRunner holding = new JobRunner() {
            @Override
            public <V> void submit(Job<V> job, Progress progress, Callbacks<V> callbacks) {
                held.add(() -> JobRunner.direct().submit(job, progress, callbacks));
            }
        };
        MainViewModel heldModel = new MainViewModel(holding, IndexOptions.defaults().withThreads(2),
                root -> cache.resolve("held.duckdb"));
        robot.interact(() -> {
            stage.setScene(new MainWindow(services.newWorkspace(heldModel, Platform::runLater)).scene());
            heldModel.open(dataset);
        });

        assertTrue(robot.lookup("#indexingPane").query().isVisible());
        assertTrue(robot.lookup("#cancelButton").query().isVisible());
        robot.clickOn("#cancelButton");
        robot.interact(() -> held.forEach(Runnable::run));

        assertEquals(Status.CANCELLED, heldModel.getStatus());
        assertEquals("Indexing cancelled", robot.lookup("#messageTitle").queryAs(Label.class).getText());
        assertFalse(robot.lookup("#cancelButton").query().isVisible());
    }

    @Test
    void switchesViewsWithKeyboardShortcuts(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));

        robot.push(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN));
        assertEquals(AppView.GALLERY, model.getView());
        assertTrue(robot.lookup("#galleryView").query().isVisible());
        assertFalse(robot.lookup("#overviewView").query().isVisible());
        robot.push(new KeyCodeCombination(KeyCode.DIGIT4, KeyCombination.SHORTCUT_DOWN));
        assertTrue(robot.lookup("#problemsView").query().isVisible());
        robot.push(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN));
        assertTrue(robot.lookup("#viewerView").query().isVisible());
        robot.push(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN));
        assertTrue(robot.lookup("#overviewView").query().isVisible());
        assertTrue(robot.lookup("#viewOverviewButton").queryAs(ToggleButton.class).isSelected());
    }

    @Test
    void viewerShowsTheGallerySelectionWithItsBoxesAndStepsThroughTheGallery(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));
        robot.push(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN));
        waitForText(robot, "#galleryCount", "36 images");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> {
            workspace.gallery().select(0);
            return workspace.gallery().getSelected() != null;
        }));
        robot.push(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN));
        String first = onFx(() -> workspace.gallery().getSelected().path());
        int boxes = onFx(() -> workspace.gallery().getSelected().boxCount());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.viewer().getItem() != null
                && workspace.viewer().getItem().imagePath().equals(first)
                && workspace.viewer().getLayer() != null
                && workspace.viewer().annotations().size() == boxes));

        robot.push(KeyCode.PAGE_DOWN);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.gallery().getSelectedIndex() == 1
                && workspace.viewer().getItem().imagePath().equals(workspace.gallery().getSelected().path())));
        assertNotEquals(first, onFx(() -> workspace.viewer().getItem().imagePath()));
    }

    @Test
    void hiddenViewsAreMadeAndFilledWhenFirstShown(FxRobot robot) throws Exception {
        robot.interact(() -> model.setView(AppView.GALLERY));
        openAndWait(robot, Path.of("assets", "sample"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.statsProperty().get() != null
                && workspace.curateProperty().get() != null));
        WaitForAsyncUtils.waitForFxEvents();
        // Statistics and the Curate model arrived while the gallery was shown: the Overview (made at start, when
        // it was current) has not drawn them, and no Curate view was made.
        int personId = onFx(() -> workspace.statsProperty().get().classes().stream()
                .filter(c -> c.name().equals("person")).findFirst().orElseThrow().id());
        assertTrue(robot.lookup("#class-bar-" + personId).tryQuery().isEmpty());
        assertTrue(robot.lookup("#curateStatus").tryQuery().isEmpty());

        robot.push(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() ->
                robot.lookup("#class-bar-" + personId).tryQuery().isPresent()));
        robot.push(new KeyCodeCombination(KeyCode.DIGIT5, KeyCombination.SHORTCUT_DOWN));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() ->
                robot.lookup("#curateStatus").tryQuery().isPresent()));
    }

    @Test
    void overviewChartsShowTheStatisticsAndABarClickFiltersTheGallery(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.statsProperty().get() != null));
        WaitForAsyncUtils.waitForFxEvents();
        // car 48, tree 14, person 30 instances (counted from the sample's JSON, see assets/README.md)
        assertEquals(48, onFx(() -> workspace.statsProperty().get().classes().stream()
                .filter(c -> c.name().equals("car")).findFirst().orElseThrow().instances()));
        int personId = onFx(() -> workspace.statsProperty().get().classes().stream()
                .filter(c -> c.name().equals("person")).findFirst().orElseThrow().id());
        Node bar = robot.lookup("#class-bar-" + personId).query();
        assertTrue(bar.isVisible());
        robot.clickOn(bar);
        assertEquals(AppView.GALLERY, model.getView());
        waitForText(robot, "#galleryCount", "18 of 36 images");
    }

    @Test
    void curateViewPreviewsTheOpenDataset(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));
        robot.push(new KeyCodeCombination(KeyCode.DIGIT5, KeyCombination.SHORTCUT_DOWN));
        assertEquals(AppView.CURATE, model.getView());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.curateProperty().get() != null
                && workspace.curateProperty().get().readyProperty().get()
                && workspace.curateProperty().get().previewProperty().get() != null));
        assertTrue(robot.lookup("#curateStatus").query().isVisible());
    }

    @Test
    void galleryShowsThumbnailsAndFiltersByNameAndClass(FxRobot robot) throws Exception {
        Path sample = Path.of("assets", "sample");
        List<Path> before = listAll(sample);
        openAndWait(robot, sample);
        robot.push(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN));
        waitForText(robot, "#galleryCount", "36 images");

        // Thumbnails arrive for the visible cells, from the pool, into the disk cache outside the dataset.
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> robot.lookup(".gallery-tile").queryAll()
                .stream().filter(n -> n.isVisible()).count() > 0 && loaded() >= 6));
        Path thumbs = cache.resolve("thumbnails");
        assertTrue(Files.isDirectory(thumbs), "thumbnails are cached under loupe.cache.dir");
        try (var files = Files.walk(thumbs)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".jpg")));
        }
        assertEquals(before, listAll(sample), "nothing was written into the dataset");

        robot.clickOn("#galleryNameFilter").write("scene_00");
        waitForText(robot, "#galleryCount", "9 of 36 images");

        robot.clickOn("#galleryResetFilters");
        waitForText(robot, "#galleryCount", "36 images");
        CheckComboBox<GalleryViewModel.ClassOption> classes = robot.lookup("#galleryClassFilter").query();
        robot.interact(() -> classes.getCheckModel().check(new GalleryViewModel.ClassOption(3, "person")));
        // assets/README.md: person is in 18 images.
        waitForText(robot, "#galleryCount", "18 of 36 images");
        robot.interact(() -> classes.getCheckModel().check(new GalleryViewModel.ClassOption(2, "tree")));
        assertEquals(Set.of(2, 3), onFx(() -> workspace.gallery().getFilter().classes()));
    }

    @Test
    void galleryReusesTheDiskCacheOfThumbnails(FxRobot robot) throws Exception {
        openAndWait(robot, Path.of("assets", "sample"));
        robot.push(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN));
        waitForText(robot, "#galleryCount", "36 images");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> loaded() >= 6);

        // Forget the memory cache and show the first images again: they come from the disk cache now.
        robot.interact(() -> workspace.thumbnails().clearMemory());
        long fromDisk = workspace.thumbnails().fromDiskCount();
        long generated = workspace.thumbnails().generatedCount();
        robot.interact(() -> workspace.gallery().filterBySplit("val"));
        waitForText(robot, "#galleryCount", "8 of 36 images");
        robot.interact(() -> workspace.gallery().filterBySplit(null));
        waitForText(robot, "#galleryCount", "36 images");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> workspace.thumbnails().fromDiskCount() >= fromDisk + 6);
        assertTrue(workspace.thumbnails().generatedCount() - generated <= 8,
                "only the val images not seen before may be made anew");
    }

    @Test
    void problemsViewListsProblemsAndFiltersByKind(FxRobot robot) throws Exception {
        UiFixtures.yolo(dataset);
        loupe.testing.TestImages.write(dataset.resolve("images/train/e.jpg"), 20, 20);
        Files.writeString(dataset.resolve("labels/train/b.txt"), "2 0.5 0.5 0.25 0.5\n7 0.5 0.5 0.1 0.1\n");
        openAndWait(robot, dataset);
        robot.push(new KeyCodeCombination(KeyCode.DIGIT4, KeyCombination.SHORTCUT_DOWN));
        long problems = model.getProblemCount();
        waitForText(robot, "#problemsCount", problems + " problems");
        TableView<?> table = robot.lookup("#problemsTable").queryTableView();
        assertEquals(problems, table.getItems().size());

        ComboBox<ProblemsViewModel.KindOption> kind = robot.lookup("#problemKindFilter").query();
        robot.interact(() -> kind.getSelectionModel().select(kind.getItems().stream()
                .filter(o -> "UNKNOWN_CLASS".equals(o.kind())).findFirst().orElseThrow()));
        waitForText(robot, "#problemsCount", "1 problem");
        assertEquals(1, table.getItems().size());
    }

    @Test
    void showsErrorsAsABannerWithDetails(FxRobot robot) {
        robot.interact(() -> workspace.notifications().post(
                Notification.error("Cannot read the gallery.", new java.io.IOException("disk on fire"))));
        assertTrue(robot.lookup("#notificationBanner").query().isVisible());
        assertFalse(robot.lookup("#notificationDetails").query().isVisible());
        robot.clickOn("#notificationDetailsLink");
        assertTrue(robot.lookup("#notificationDetails").query().isVisible());
        assertTrue(robot.lookup("#notificationDetails").queryAs(javafx.scene.control.TextArea.class).getText()
                .contains("disk on fire"));
        robot.clickOn("#notificationClose");
        assertFalse(robot.lookup("#notificationBanner").query().isVisible());
    }

    private long loaded() {
        return workspace.thumbnails().generatedCount() + workspace.thumbnails().fromDiskCount();
    }

    private static void waitForText(FxRobot robot, String id, String text) throws TimeoutException {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> onFx(() -> text.equals(robot.lookup(id).queryAs(Label.class).getText())));
    }

    private static List<Path> listAll(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void exifOrientationTurnsTheThumbnailAndReachesTheViewer(FxRobot robot) throws Exception {
        loupe.testing.CocoFixture coco = new loupe.testing.CocoFixture(dataset).categories("car");
        int plain = coco.image("train", "plain.jpg", 80, 40);
        int rotated = coco.image("train", "rotated.jpg", 80, 40);
        coco.box(plain, 1, 1, 1, 5, 5).box(rotated, 1, 1, 1, 5, 5);
        Path root = coco.write();
        Path jpeg = root.resolve("images/train/rotated.jpg");
        Files.write(jpeg, loupe.testing.ExifJpegs.withOrientation(Files.readAllBytes(jpeg), 6));
        openAndWait(robot, root);
        robot.push(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN));
        waitForText(robot, "#galleryCount", "2 images");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> {
            workspace.gallery().select(1);
            return workspace.gallery().getSelected() != null;
        }));
        loupe.core.query.GalleryItem item = onFx(() -> workspace.gallery().getSelected());
        assertEquals("rotated.jpg", item.fileName());
        assertEquals(6, item.orientation());

        // The gallery's thumbnail is turned (80 x 40 stored, shown 40 x 80) ...
        javafx.scene.image.Image thumb = workspace.thumbnails()
                .load(jpeg, item.size(), item.mtime(), item.orientation()).get(30, TimeUnit.SECONDS);
        assertEquals(40, thumb.getWidth());
        assertEquals(80, thumb.getHeight());
        // ... and the viewer gets the orientation, so it can offer to apply it.
        robot.push(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> workspace.viewer().getItem() != null
                && workspace.viewer().getItem().orientation() == 6));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> robot.lookup("#orientationNotice")
                .queryAs(Label.class).getText().contains("orientation 6")));
    }

    private void openAndWait(FxRobot robot, Path folder) throws TimeoutException {
        robot.interact(() -> model.open(folder));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> onFx(() -> model.getStatus() != Status.INDEXING));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> read) throws ExecutionException, InterruptedException {
        return WaitForAsyncUtils.asyncFx(read).get();
    }

    private static Set<String> cellTexts(FxRobot robot, String table) {
        return robot.lookup(table).lookup(".table-cell").queryAll().stream()
                .map(n -> ((TableCell<?, ?>) n).getText())
                .filter(t -> t != null && !t.isEmpty())
                .collect(Collectors.toSet());
    }
}
