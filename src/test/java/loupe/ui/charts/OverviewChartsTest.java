package loupe.ui.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import loupe.core.index.Catalog;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;

/** The Overview charts on the sample dataset: counts, bar clicks, the log scale and the split selector. */
@Tag("ui")
@ExtendWith(ApplicationExtension.class)
class OverviewChartsTest {

    @TempDir
    static Path dir;

    private static DatasetStats stats;

    private final List<Integer> clicked = new ArrayList<>();
    private OverviewCharts charts;

    @BeforeAll
    static void indexSample() throws Exception {
        try (Catalog catalog = SampleCatalog.open(dir)) {
            stats = Statistics.compute(catalog, null, 10);
        }
    }

    @AfterAll
    static void forget() {
        stats = null;
    }

    @Start
    void start(Stage stage) {
        charts = new OverviewCharts(clicked::add);
        charts.setStats(stats);
        stage.setScene(new Scene(charts, 1200, 800));
        stage.show();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Double> plotted(FxRobot robot) {
        BarChart<Number, String> chart = robot.lookup("#classDistribution").queryAs(BarChart.class);
        Map<String, Double> out = new LinkedHashMap<>();
        for (XYChart.Data<Number, String> d : chart.getData().get(0).getData()) {
            out.put(d.getYValue(), d.getXValue().doubleValue());
        }
        return out;
    }

    @Test
    void showsEveryClassWithItsInstanceCount(FxRobot robot) {
        // assets/sample annotation files: car 48, person 30, tree 14 (see SampleCatalog).
        assertEquals(Map.of("car", 48.0, "person", 30.0, "tree", 14.0), plotted(robot));
        assertEquals(List.of("car", "person", "tree"),
                charts.model().getBars().stream().map(OverviewChartsModel.Bar::name).toList());
    }

    @Test
    void clickingABarCallsBackWithTheClassId(FxRobot robot) {
        robot.clickOn("#class-bar-2");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(2), clicked);
        robot.clickOn("#class-bar-1");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(2, 1), clicked);
    }

    @Test
    void logToggleSwitchesTheAxisToDecades(FxRobot robot) {
        NumberAxis axis = robot.lookup("#distributionAxis").queryAs(NumberAxis.class);
        assertFalse(axis.getLabel().contains("log"));
        assertEquals(48.0, plotted(robot).get("car"));

        robot.clickOn("#logScale");
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(charts.model().isLogScale());
        assertTrue(axis.getLabel().contains("log scale"), axis.getLabel());
        assertEquals(1.0, axis.getTickUnit());
        assertEquals(3.0, axis.getUpperBound()); // 48 needs two decades above 1: 1, 10, 100
        assertEquals("10", axis.getTickLabelFormatter().toString(2));
        assertEquals("100", axis.getTickLabelFormatter().toString(3));
        assertEquals(Math.log10(48) + 1, plotted(robot).get("car"), 1e-9);

        robot.clickOn("#logScale");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(axis.getLabel().contains("log"));
        assertEquals(48.0, plotted(robot).get("car"));
    }

    @Test
    void splitSelectorShowsThatSplitsCountsAndMetrics(FxRobot robot) {
        robot.interact(() -> charts.model().splitProperty().set("val"));
        // instances_val.json: car 11, person 6, tree 4.
        assertEquals(Map.of("car", 11.0, "person", 6.0, "tree", 4.0), plotted(robot));
        assertEquals(21, charts.model().imbalanceProperty().get().instances());
        robot.interact(() -> charts.model().splitProperty().set(null));
        assertEquals(48.0, plotted(robot).get("car"));
    }

    @Test
    void imagesMeasureAndNameOrderChangeTheBars(FxRobot robot) {
        robot.clickOn("#sortByName");
        robot.clickOn("#measureImages");
        WaitForAsyncUtils.waitForFxEvents();
        List<OverviewChartsModel.Bar> bars = charts.model().getBars();
        assertEquals(List.of("car", "person", "tree"), bars.stream().map(OverviewChartsModel.Bar::name).toList());
        for (DatasetStats.ClassCount c : stats.classes()) {
            assertEquals(c.images(), bars.stream().filter(b -> b.classId() == c.id()).findFirst().orElseThrow().value());
        }
    }

    @Test
    void perSplitComparisonHasOneSeriesPerSplit(FxRobot robot) {
        BarChart<?, ?> comparison = robot.lookup("#splitComparison").queryAs(BarChart.class);
        assertNotNull(comparison);
        assertEquals(List.of("train", "val"), comparison.getData().stream().map(XYChart.Series::getName).toList());
        assertTrue(comparison.isVisible());
    }
}
