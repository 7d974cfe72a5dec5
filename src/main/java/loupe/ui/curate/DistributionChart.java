package loupe.ui.curate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javafx.collections.FXCollections;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;
import javafx.util.StringConverter;

import loupe.core.curation.Preview;

/**
 * A horizontal bar chart of one split's class instances before and after the recipe, a pair of bars per class
 * name. Classes renamed by the recipe appear under both names (the old one before, the new one after).
 */
final class DistributionChart extends BarChart<Number, String> {

    private static final double ROW_PX = 30;

    DistributionChart() {
        super(new NumberAxis(), new CategoryAxis());
        setAnimated(false);
        getXAxis().setAnimated(false);
        getYAxis().setAnimated(false);
        setBarGap(1);
        setCategoryGap(8);
        setLegendVisible(false); // one legend for all the charts, above them
        setVerticalGridLinesVisible(true);
        setHorizontalGridLinesVisible(false);
        setAlternativeRowFillVisible(false);
        setVerticalZeroLineVisible(false);
        NumberAxis x = (NumberAxis) getXAxis();
        x.setMinorTickVisible(false);
        x.setForceZeroInRange(true);
        x.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                double v = n.doubleValue();
                return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : "";
            }

            @Override
            public Number fromString(String s) {
                return Double.parseDouble(s.replace(",", ""));
            }
        });
        getStyleClass().add("distribution-chart");
    }

    /** Shows {@code before} and {@code after} (either may be null: the split does not exist on that side). */
    void show(Preview.SplitCounts before, Preview.SplitCounts after) {
        Map<String, Long> b = instancesByName(before);
        Map<String, Long> a = instancesByName(after);
        Set<String> names = new LinkedHashSet<>();
        List<String> ordered = new ArrayList<>(a.keySet());
        ordered.sort((x, y) -> Long.compare(a.get(y), a.get(x)));
        names.addAll(ordered);
        List<String> beforeOnly = new ArrayList<>(b.keySet());
        beforeOnly.sort((x, y) -> Long.compare(b.get(y), b.get(x)));
        names.addAll(beforeOnly);
        List<String> categories = new ArrayList<>(names);
        java.util.Collections.reverse(categories); // the first category sits at the bottom
        XYChart.Series<Number, String> beforeSeries = series("before", categories, b, "before");
        XYChart.Series<Number, String> afterSeries = series("after", categories, a, "after");
        ((CategoryAxis) getYAxis()).setCategories(FXCollections.observableArrayList(categories));
        getData().setAll(List.of(beforeSeries, afterSeries));
        double h = Math.max(160, categories.size() * ROW_PX + 80);
        setPrefHeight(h);
        setMinHeight(h);
    }

    private static XYChart.Series<Number, String> series(String name, List<String> categories, Map<String, Long> counts,
                                                         String when) {
        XYChart.Series<Number, String> s = new XYChart.Series<>();
        s.setName(name);
        for (String c : categories) {
            long n = counts.getOrDefault(c, 0L);
            XYChart.Data<Number, String> d = new XYChart.Data<>(n, c);
            StackPane node = new StackPane();
            node.setId(when + "-" + c);
            Tooltip.install(node, new Tooltip(String.format(Locale.ROOT, "%s %s: %,d instances", c, when, n)));
            d.setNode(node);
            s.getData().add(d);
        }
        return s;
    }

    /** Instances per class name of one split (empty for null). */
    static Map<String, Long> instancesByName(Preview.SplitCounts counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (counts != null) {
            for (Preview.ClassCount c : counts.classes()) {
                out.merge(c.name() == null ? "#" + c.id() : c.name(), c.instances(), Long::sum);
            }
        }
        return out;
    }
}
