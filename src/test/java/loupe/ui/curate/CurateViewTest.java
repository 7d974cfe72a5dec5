package loupe.ui.curate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import loupe.core.index.Catalog;
import loupe.ui.charts.SampleCatalog;
import loupe.ui.fx.FxJobs;

/** The Curate view and an export dialog on a real (headless) stage, with background threads as in the app. */
@Tag("ui")
@ExtendWith(ApplicationExtension.class)
class CurateViewTest {

    @TempDir
    Path dir;

    @TempDir
    Path out;

    private Catalog catalog;
    private ScheduledExecutorService worker;
    private CurateViewModel model;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        catalog = SampleCatalog.open(dir);
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loupe-curate-test");
            t.setDaemon(true);
            return t;
        });
        model = new CurateViewModel(catalog, worker, Platform::runLater, FxJobs.runner(worker));
        stage.setScene(new Scene(new CurateView(model), 1200, 800));
        stage.show();
        model.start();
    }

    @AfterEach
    void stop() throws Exception {
        Platform.runLater(model::close);
        WaitForAsyncUtils.waitForFxEvents();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        catalog.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Number> afterBars(FxRobot robot, String chartId) {
        BarChart<Number, String> chart = robot.lookup("#" + chartId).queryAs(BarChart.class);
        Map<String, Number> bars = new LinkedHashMap<>();
        for (XYChart.Data<Number, String> d : chart.getData().get(1).getData()) {
            bars.put(d.getYValue(), d.getXValue());
        }
        return bars;
    }

    private void awaitPreviewWith(FxRobot robot, java.util.function.Predicate<Map<String, Number>> condition)
            throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !model.isBusy()
                && robot.lookup("#distribution-all").tryQuery().isPresent()
                && condition.test(afterBars(robot, "distribution-all")));
    }

    @Test
    void untickingAClassEmptiesItsAfterBars(FxRobot robot) throws Exception {
        awaitPreviewWith(robot, bars -> bars.getOrDefault("tree", 0).longValue() == 14);
        assertEquals(14, afterBars(robot, "distribution-all").get("tree").longValue());
        assertEquals(4, afterBars(robot, "distribution-val").get("tree").longValue());

        robot.interact(() -> model.classRows().stream().filter(r -> r.sourceName().equals("tree")).findFirst()
                .orElseThrow().keepProperty().set(false));
        awaitPreviewWith(robot, bars -> bars.getOrDefault("tree", 0).longValue() == 0);

        assertEquals(48, afterBars(robot, "distribution-all").get("car").longValue());
        assertEquals(0, afterBars(robot, "distribution-val").get("tree").longValue());
        Label status = robot.lookup("#curateStatus").queryAs(Label.class);
        // The status line is set in its own step after the charts: wait for it rather than read it at once.
        try {
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> status.getText().contains("78 annotations"));
        } catch (java.util.concurrent.TimeoutException e) {
            // reported by the assertion below with the text it shows
        }
        assertTrue(status.getText().contains("78 annotations"), status.getText());
    }

    @Test
    void manifestDialogRunsInTheBackgroundAndOffersTheFolder(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, model::isReady);
        Path file = out.resolve("items.csv");
        ManifestExportViewModel[] holder = new ManifestExportViewModel[1];
        robot.interact(() -> {
            holder[0] = model.newManifestExport();
            Stage dialog = new Stage();
            dialog.setScene(new Scene(ExportDialogs.content(holder[0], dialog::close)));
            dialog.show();
        });
        ManifestExportViewModel m = holder[0];
        TextField output = robot.lookup("#exportOutput").queryAs(TextField.class);
        robot.interact(() -> output.setText(file.toString()));
        assertEquals(file, m.outputProperty().get());
        robot.clickOn("#exportStart");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> m.getState() == ExportViewModel.State.SUCCEEDED);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(37, Files.readAllLines(file).size()); // a header and 36 images
        Node open = robot.lookup("#exportOpenFolder").query();
        assertTrue(open.isVisible());
        assertTrue(robot.lookup("#exportSummary").queryAs(Label.class).getText().contains("36 rows"));
    }
}
