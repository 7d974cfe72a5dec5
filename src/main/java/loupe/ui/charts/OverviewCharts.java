package loupe.ui.charts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import loupe.core.stats.BoxStats;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.DatasetStats.ClassRef;
import loupe.core.stats.Histogram;
import loupe.core.stats.Imbalance;
import loupe.core.stats.SplitShift;
import loupe.ui.charts.OverviewChartsModel.Bar;
import loupe.ui.charts.OverviewChartsModel.Measure;
import loupe.ui.charts.OverviewChartsModel.SortOrder;
import loupe.ui.charts.OverviewChartsModel.SplitShare;

/**
 * The Overview's charts: the class distribution (sorted by count or name, linear or log scale, instances or
 * images, whole dataset or one split), the per-split comparison of class shares, imbalance metrics, box size and
 * aspect histograms, and images per class. Clicking a class bar calls {@code onClassClicked} with the class id
 * (the main window filters the gallery with it). Feed it with {@link #setStats} on the FX thread; compute the
 * statistics elsewhere.
 *
 * <p>Node ids for tests and styling: {@code #classDistribution} (its bars are {@code #class-bar-ID}),
 * {@code #distributionAxis}, {@code #splitSelector}, {@code #logScale}, {@code #sortByName}, {@code #measureImages},
 * {@code #splitComparison}, {@code #imbalancePanel}, {@code #boxSizeHistogram}, {@code #aspectHistogram},
 * {@code #imagesPerClass}.
 */
public final class OverviewCharts extends BorderPane {

    /** The stylesheet this node adds to itself. */
    public static final String STYLESHEET = "/loupe/ui/charts.css";
    /** At most this many classes in the images-per-class chart. */
    static final int TOP_IMAGES_PER_CLASS = 20;
    private static final double ROW_PX = 26;

    private final OverviewChartsModel model;
    private final Consumer<Integer> onClassClicked;

    private final NumberAxis distributionAxis = new NumberAxis();
    private final CategoryAxis distributionCategories = new CategoryAxis();
    private final BarChart<Number, String> distribution = new BarChart<>(distributionAxis, distributionCategories);
    private final Label distributionTitle = new Label();
    private final BarChart<String, Number> comparison = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final VBox comparisonCard;
    private final GridPane imbalancePanel = new GridPane();
    private final Label imbalanceTitle = new Label();
    private final BarChart<String, Number> boxSize = histogramChart("boxSizeHistogram", "boxes");
    private final BarChart<String, Number> aspect = histogramChart("aspectHistogram", "boxes");
    private final NumberAxis imagesAxis = new NumberAxis();
    private final BarChart<Number, String> imagesPerClass = new BarChart<>(imagesAxis, new CategoryAxis());
    private final Label imagesTitle = new Label("Images per class");
    private final Label boxScopeNote = new Label();
    private final VBox content = new VBox(12);
    private final Label empty = new Label("No statistics yet. They appear when the dataset is indexed.");

    /** A view with its own model. */
    public OverviewCharts(Consumer<Integer> onClassClicked) {
        this(new OverviewChartsModel(), onClassClicked);
    }

    public OverviewCharts(OverviewChartsModel model, Consumer<Integer> onClassClicked) {
        this.model = Objects.requireNonNull(model);
        this.onClassClicked = onClassClicked == null ? id -> { } : onClassClicked;
        getStyleClass().add("overview-charts");
        getStylesheets().add(Objects.requireNonNull(OverviewCharts.class.getResource(STYLESHEET),
                "missing " + STYLESHEET).toExternalForm());

        setTop(buildToolbar());
        distribution.setId("classDistribution");
        distributionAxis.setId("distributionAxis");
        configure(distribution);
        distribution.setBarGap(0);
        distribution.setCategoryGap(6);
        distributionAxis.setMinorTickVisible(false);
        distributionAxis.setForceZeroInRange(true);
        imagesAxis.setMinorTickVisible(false);
        imagesAxis.setTickLabelFormatter(compactFormatter());
        imagesPerClass.setId("imagesPerClass");
        configure(imagesPerClass);
        imagesPerClass.setBarGap(0);
        imagesPerClass.setCategoryGap(4);
        imagesPerClass.getStyleClass().add("images-chart");
        comparison.setId("splitComparison");
        configure(comparison);
        comparison.setLegendVisible(true);
        comparison.setBarGap(1);
        comparison.setCategoryGap(12);
        comparison.getYAxis().setLabel("% of split");
        ((NumberAxis) comparison.getYAxis()).setMinorTickVisible(false);
        comparison.setPrefHeight(240);
        comparison.setMinHeight(200);
        imbalancePanel.setId("imbalancePanel");
        imbalancePanel.getStyleClass().add("metrics-grid");

        VBox distributionCard = card(distributionTitle, distribution);
        HBox.setHgrow(distributionCard, Priority.ALWAYS);
        VBox imbalanceCard = card(imbalanceTitle, imbalancePanel);
        imbalanceCard.setMinWidth(300);
        imbalanceCard.setPrefWidth(340);
        imbalanceCard.setMaxWidth(380);
        imbalanceCard.setMaxHeight(Region.USE_PREF_SIZE); // stays compact beside a tall chart of many classes
        HBox top = new HBox(12, distributionCard, imbalanceCard);
        comparisonCard = card(new Label("Class shares per split"), comparison);

        GridPane histograms = new GridPane();
        histograms.setHgap(12);
        histograms.setVgap(12);
        for (int i = 0; i < 3; i++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / 3);
            cc.setHgrow(Priority.ALWAYS);
            histograms.getColumnConstraints().add(cc);
        }
        histograms.add(card(new Label("Box size (√area, px)"), boxSize), 0, 0);
        histograms.add(card(new Label("Box aspect (width / height)"), aspect), 1, 0);
        histograms.add(card(imagesTitle, imagesPerClass), 2, 0);
        boxScopeNote.getStyleClass().add("charts-note");
        boxScopeNote.setManaged(false);
        boxScopeNote.setVisible(false);

        content.getChildren().setAll(top, comparisonCard, boxScopeNote, histograms);
        content.setPadding(new Insets(12));
        content.getStyleClass().add("charts-content");
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("charts-scroll");
        empty.getStyleClass().add("charts-empty");
        StackPane center = new StackPane(scroll, empty);
        StackPane.setAlignment(empty, Pos.CENTER);
        setCenter(center);

        model.barsProperty().addListener((o, a, b) -> refreshDistribution());
        model.logScaleProperty().addListener((o, a, b) -> refreshDistribution());
        model.imagesPerClassProperty().addListener((o, a, b) -> refreshImagesPerClass());
        model.imbalanceProperty().addListener((o, a, b) -> refreshImbalance());
        model.absentClassesProperty().addListener((o, a, b) -> refreshImbalance());
        model.splitSharesProperty().addListener((o, a, b) -> refreshComparison());
        model.boxesProperty().addListener((o, a, b) -> refreshHistograms());
        model.boxesOfAllSplitsProperty().addListener((o, a, b) -> refreshHistograms());
        model.statsProperty().addListener((o, a, b) -> refreshAll());
        refreshAll();
    }

    /** The view model. */
    public OverviewChartsModel model() {
        return model;
    }

    /** Shows new statistics (null clears). FX thread. */
    public void setStats(DatasetStats stats) {
        model.setStats(stats);
    }

    // ------------------------------------------------------------------------------------------ building

    private Node buildToolbar() {
        ComboBox<String> splits = new ComboBox<>();
        splits.setId("splitSelector");
        splits.setPromptText("All splits");
        Runnable fill = () -> {
            List<String> items = new ArrayList<>();
            items.add(null);
            items.addAll(model.splitNames());
            splits.getItems().setAll(items);
            splits.setValue(model.splitProperty().get());
        };
        model.splitNames().addListener((javafx.collections.ListChangeListener<String>) c -> fill.run());
        fill.run();
        splits.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean emptyCell) {
                super.updateItem(item, emptyCell);
                setText(emptyCell ? null : item == null ? "All splits" : item);
            }
        });
        splits.setButtonCell(splits.getCellFactory().call(null));
        splits.valueProperty().addListener((o, a, b) -> model.splitProperty().set(b));
        model.splitProperty().addListener((o, a, b) -> splits.setValue(b));

        ToggleGroup measureGroup = new ToggleGroup();
        ToggleButton instances = segment("Instances", measureGroup, "measureInstances");
        ToggleButton images = segment("Images", measureGroup, "measureImages");
        (model.measureProperty().get() == Measure.IMAGES ? images : instances).setSelected(true);
        measureGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one of the two is always on
            } else {
                model.measureProperty().set(b == images ? Measure.IMAGES : Measure.INSTANCES);
            }
        });

        ToggleGroup sortGroup = new ToggleGroup();
        ToggleButton byCount = segment("By count", sortGroup, "sortByCount");
        ToggleButton byName = segment("By name", sortGroup, "sortByName");
        (model.sortOrderProperty().get() == SortOrder.NAME ? byName : byCount).setSelected(true);
        sortGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true);
            } else {
                model.sortOrderProperty().set(b == byName ? SortOrder.NAME : SortOrder.COUNT);
            }
        });

        ToggleButton log = new ToggleButton("Log scale");
        log.setId("logScale");
        log.selectedProperty().bindBidirectional(model.logScaleProperty());

        Label splitLabel = new Label("Split");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, splitLabel, splits, gap(), new HBox(instances, images), gap(),
                new HBox(byCount, byName), gap(), log, spacer);
        bar.getStyleClass().add("charts-toolbar");
        bar.setAlignment(Pos.CENTER_LEFT);
        ((HBox) bar.getChildren().get(3)).getStyleClass().add("segmented");
        ((HBox) bar.getChildren().get(5)).getStyleClass().add("segmented");
        return bar;
    }

    private static Region gap() {
        Region r = new Region();
        r.setMinWidth(8);
        return r;
    }

    private static ToggleButton segment(String text, ToggleGroup group, String id) {
        ToggleButton b = new ToggleButton(text);
        b.setToggleGroup(group);
        b.setId(id);
        return b;
    }

    private static VBox card(Label title, Node body) {
        title.getStyleClass().add("chart-card-title");
        VBox card = new VBox(6, title, body);
        card.getStyleClass().add("chart-card");
        VBox.setVgrow(body, Priority.ALWAYS);
        return card;
    }

    private static void configure(XYChart<?, ?> chart) {
        chart.setAnimated(false);
        chart.getXAxis().setAnimated(false);
        chart.getYAxis().setAnimated(false);
        chart.setLegendVisible(false);
        chart.setHorizontalGridLinesVisible(true);
        chart.setVerticalGridLinesVisible(false);
        chart.setAlternativeRowFillVisible(false);
        chart.setAlternativeColumnFillVisible(false);
        chart.setHorizontalZeroLineVisible(false);
        chart.setVerticalZeroLineVisible(false);
    }

    private static BarChart<String, Number> histogramChart(String id, String valueLabel) {
        NumberAxis y = new NumberAxis();
        y.setMinorTickVisible(false);
        y.setTickLabelFormatter(compactFormatter());
        y.setLabel(valueLabel);
        CategoryAxis x = new CategoryAxis();
        x.setTickLabelRotation(0);
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId(id);
        configure(chart);
        chart.setBarGap(0);
        chart.setCategoryGap(2);
        chart.setPrefHeight(240);
        chart.setMinHeight(200);
        chart.getStyleClass().add("histogram-chart");
        return chart;
    }

    private static StringConverter<Number> compactFormatter() {
        return new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return OverviewChartsModel.compact(n.doubleValue());
            }

            @Override
            public Number fromString(String s) {
                return Double.parseDouble(s);
            }
        };
    }

    // ------------------------------------------------------------------------------------------ refreshing

    private void refreshAll() {
        boolean has = model.getStats() != null;
        empty.setVisible(has ? false : true);
        content.setVisible(has);
        refreshDistribution();
        refreshImagesPerClass();
        refreshImbalance();
        refreshComparison();
        refreshHistograms();
    }

    private void refreshDistribution() {
        List<Bar> bars = model.getBars();
        boolean log = model.isLogScale();
        String measure = model.measureProperty().get() == Measure.IMAGES ? "Images" : "Instances";
        String split = model.splitProperty().get();
        distributionTitle.setText("Class distribution · " + measure.toLowerCase(Locale.ROOT) + " · "
                + (split == null ? "all splits" : split));
        distributionAxis.setLabel(measure + (log ? " (log scale)" : ""));
        long max = bars.stream().mapToLong(Bar::value).max().orElse(0);
        if (log) {
            distributionAxis.setAutoRanging(false);
            distributionAxis.setLowerBound(0);
            distributionAxis.setUpperBound(Math.max(1, Math.ceil(OverviewChartsModel.plotted(Math.max(1, max), true))));
            distributionAxis.setTickUnit(1);
            distributionAxis.setTickLabelFormatter(new StringConverter<>() {
                @Override
                public String toString(Number n) {
                    double v = n.doubleValue();
                    if (v != Math.rint(v)) {
                        return "";
                    }
                    return OverviewChartsModel.compact(Math.round(OverviewChartsModel.countAt(v, true)));
                }

                @Override
                public Number fromString(String s) {
                    return OverviewChartsModel.plotted(Long.parseLong(s), true);
                }
            });
        } else {
            countAxis(distributionAxis, max);
        }
        long total = bars.stream().mapToLong(Bar::value).sum();
        // The first category of a vertical category axis sits at the bottom: reverse, so the first bar is on top.
        List<Bar> shown = new ArrayList<>(bars);
        java.util.Collections.reverse(shown);
        Map<Bar, String> labels = uniqueLabels(shown, Bar::name, Bar::classId);
        XYChart.Series<Number, String> series = new XYChart.Series<>();
        for (Bar b : shown) {
            XYChart.Data<Number, String> d = new XYChart.Data<>(OverviewChartsModel.plotted(b.value(), log),
                    labels.get(b));
            d.setNode(barNode(b, total, measure.toLowerCase(Locale.ROOT)));
            series.getData().add(d);
        }
        distributionCategories.setCategories(FXCollections.observableArrayList(
                shown.stream().map(labels::get).toList()));
        distribution.getData().setAll(List.of(series));
        double height = Math.max(170, shown.size() * ROW_PX + 70);
        distribution.setPrefHeight(height);
        distribution.setMinHeight(height);
    }

    /** A linear axis for whole counts up to {@code max}: a 1-2-5 tick unit, so ticks never fall on 2.5. */
    private static void countAxis(NumberAxis axis, long max) {
        double unit = niceUnit(max / 6.0);
        axis.setAutoRanging(false);
        axis.setLowerBound(0);
        axis.setUpperBound(Math.max(unit, Math.ceil(max * 1.05 / unit) * unit));
        axis.setTickUnit(unit);
        axis.setTickLabelFormatter(compactFormatter());
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least {@code rough} (and at least 1). */
    static double niceUnit(double rough) {
        if (!(rough > 1)) {
            return 1;
        }
        double decade = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * decade >= rough) {
                return step * decade;
            }
        }
        return 10 * decade;
    }

    private Node barNode(Bar bar, long total, String unit) {
        StackPane node = new StackPane();
        node.setId("class-bar-" + bar.classId());
        node.setCursor(Cursor.HAND);
        double share = total == 0 ? 0 : 100.0 * bar.value() / total;
        Tooltip tip = new Tooltip(String.format(Locale.ROOT, "%s (id %d): %,d %s (%.1f%%)%nClick to show them in the gallery",
                bar.name(), bar.classId(), bar.value(), unit, share));
        Tooltip.install(node, tip);
        node.setOnMouseClicked(e -> onClassClicked.accept(bar.classId()));
        return node;
    }

    private void refreshImagesPerClass() {
        List<Bar> bars = model.imagesPerClassProperty().get();
        List<Bar> top = new ArrayList<>(bars.subList(0, Math.min(TOP_IMAGES_PER_CLASS, bars.size())));
        imagesTitle.setText(bars.size() > top.size() ? "Images per class (top " + top.size() + " of " + bars.size() + ")"
                : "Images per class");
        java.util.Collections.reverse(top);
        Map<Bar, String> labels = uniqueLabels(top, Bar::name, Bar::classId);
        XYChart.Series<Number, String> series = new XYChart.Series<>();
        long images = model.getStats() == null ? 0 : model.getStats().images();
        for (Bar b : top) {
            XYChart.Data<Number, String> d = new XYChart.Data<>(b.value(), labels.get(b));
            StackPane node = new StackPane();
            Tooltip.install(node, new Tooltip(String.format(Locale.ROOT, "%s: in %,d images%s", b.name(), b.value(),
                    images > 0 ? String.format(Locale.ROOT, " (%.1f%% of all)", 100.0 * b.value() / images) : "")));
            node.setOnMouseClicked(e -> onClassClicked.accept(b.classId()));
            node.setCursor(Cursor.HAND);
            d.setNode(node);
            series.getData().add(d);
        }
        ((CategoryAxis) imagesPerClass.getYAxis()).setCategories(FXCollections.observableArrayList(
                top.stream().map(labels::get).toList()));
        countAxis(imagesAxis, top.stream().mapToLong(Bar::value).max().orElse(0));
        imagesPerClass.getData().setAll(List.of(series));
        imagesPerClass.setPrefHeight(Math.max(240, top.size() * 18 + 60));
    }

    private void refreshComparison() {
        List<SplitShare> shares = model.splitSharesProperty().get();
        Set<String> splits = shares.stream().map(SplitShare::split).collect(Collectors.toCollection(
                java.util.LinkedHashSet::new));
        boolean show = splits.size() >= 2;
        comparisonCard.setVisible(show);
        comparisonCard.setManaged(show);
        if (!show) {
            comparison.getData().clear();
            return;
        }
        // Classes in the order of the whole dataset's instances, so the comparison reads like the main chart.
        DatasetStats s = model.getStats();
        List<DatasetStats.ClassCount> order = new ArrayList<>(s.classes());
        order.sort((a, b) -> Long.compare(b.instances(), a.instances()));
        Map<DatasetStats.ClassCount, String> labels = uniqueLabels(order, DatasetStats.ClassCount::name,
                DatasetStats.ClassCount::id);
        Map<Integer, String> labelById = new LinkedHashMap<>();
        order.forEach(c -> labelById.put(c.id(), labels.get(c)));
        List<XYChart.Series<String, Number>> series = new ArrayList<>();
        for (String split : splits) {
            XYChart.Series<String, Number> one = new XYChart.Series<>();
            one.setName(split);
            for (SplitShare sh : shares) {
                if (sh.split().equals(split) && labelById.containsKey(sh.classId())) {
                    XYChart.Data<String, Number> d = new XYChart.Data<>(labelById.get(sh.classId()), 100 * sh.share());
                    StackPane node = new StackPane();
                    Tooltip.install(node, new Tooltip(String.format(Locale.ROOT, "%s in %s: %,d instances (%.1f%%)",
                            sh.name(), split, sh.instances(), 100 * sh.share())));
                    d.setNode(node);
                    one.getData().add(d);
                }
            }
            series.add(one);
        }
        ((CategoryAxis) comparison.getXAxis()).setCategories(FXCollections.observableArrayList(labelById.values()));
        comparison.getData().setAll(series);
        comparison.setMinWidth(Math.min(1200, labelById.size() * (splits.size() * 10 + 14) + 80));
    }

    private void refreshImbalance() {
        imbalancePanel.getChildren().clear();
        DatasetStats s = model.getStats();
        String split = model.splitProperty().get();
        imbalanceTitle.setText("Imbalance · " + (split == null ? "all splits" : split));
        if (s == null) {
            return;
        }
        Imbalance m = model.imbalanceProperty().get();
        int row = 0;
        if (m != null) {
            row = metric(row, "Classes used", m.classes() + (m.unusedClasses() > 0 ? " (+" + m.unusedClasses()
                    + " unused)" : ""), "Classes with at least one instance; unused ones are left out of the metrics");
            row = metric(row, "Max / min ratio", fmt(m.maxMinRatio(), "%.2f"),
                    "Instances of the largest class over those of the smallest (1 = equal)");
            row = metric(row, "Entropy", m.entropy() == null ? "—" : fmt(m.entropy(), "%.3f") + " nats"
                            + (m.normalizedEntropy() == null ? "" : " (" + fmt(m.normalizedEntropy(), "%.2f") + " of max)"),
                    "Shannon entropy of the class shares; 1.00 of max = perfectly balanced");
            row = metric(row, "Gini", fmt(m.gini(), "%.3f"), "0 = perfectly balanced, towards 1 = concentrated");
            row = metric(row, "Effective classes", fmt(m.effectiveClasses(), "%.2f"),
                    "exp(entropy): how many equally frequent classes would give the same entropy");
        }
        DatasetStats.FewSamples few = s.fewSamples();
        if (few != null) {
            row = metric(row, "Fewer than " + few.threshold(), few.classes().isEmpty() ? "none"
                    : names(few.classes().stream().map(c -> c.name() + " (" + c.instances() + ")").toList()),
                    "Classes with fewer instances than " + few.threshold() + " in the whole dataset");
        }
        if (split != null) {
            List<ClassRef> absent = model.absentClassesProperty().get();
            row = metric(row, "Absent in " + split, absent.isEmpty() ? "none"
                    : names(absent.stream().map(ClassRef::name).toList()),
                    "Classes with instances in the dataset but none in this split");
        }
        List<SplitShift> shifts = s.splitShift() == null ? List.of() : s.splitShift();
        for (SplitShift shift : shifts) {
            if (split != null && !split.equals(shift.split()) && !split.equals(shift.reference())) {
                continue;
            }
            String value = shift.totalVariation() == null ? "—"
                    : String.format(Locale.ROOT, "%.3f", shift.totalVariation())
                    + (shift.largestClass() == null || shift.largestDifference() == null ? ""
                    : String.format(Locale.ROOT, " (%s %+.1f%%)", shift.largestClass(), 100 * shift.largestDifference()));
            row = metric(row, "Shift " + shift.split() + " vs " + shift.reference(), value,
                    "Total variation distance of the class shares (0 = same mix, 1 = no class in common); "
                            + "in brackets the class whose share differs most");
        }
    }

    private int metric(int row, String name, String value, String help) {
        Label n = new Label(name);
        n.getStyleClass().add("metric-name");
        Label v = new Label(value);
        v.getStyleClass().add("metric-value");
        v.setWrapText(true);
        Tooltip.install(n, new Tooltip(help));
        Tooltip.install(v, new Tooltip(help));
        imbalancePanel.add(n, 0, row);
        imbalancePanel.add(v, 1, row);
        GridPane.setHgrow(v, Priority.ALWAYS);
        return row + 1;
    }

    private static String names(List<String> names) {
        int max = 8;
        String shown = names.stream().limit(max).collect(Collectors.joining(", "));
        return names.size() > max ? shown + " … (" + names.size() + ")" : shown;
    }

    private static String fmt(Double value, String format) {
        return value == null ? "—" : String.format(Locale.ROOT, format, value);
    }

    private void refreshHistograms() {
        BoxStats b = model.boxesProperty().get();
        boolean ofAll = Boolean.TRUE.equals(model.boxesOfAllSplitsProperty().get());
        boxScopeNote.setText("Box histograms below are of all splits.");
        boxScopeNote.setVisible(ofAll);
        boxScopeNote.setManaged(ofAll);
        fillHistogram(boxSize, b == null ? null : b.areaHistogram(), edge -> OverviewChartsModel.compact(
                Math.round(Math.sqrt(edge))));
        fillHistogram(aspect, b == null ? null : b.aspectHistogram(), OverviewCharts::ratio);
    }

    private static String ratio(double v) {
        if (v >= 10) {
            return String.valueOf(Math.round(v));
        }
        return v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void fillHistogram(BarChart<String, Number> chart, Histogram h, Function<Double, String> edgeLabel) {
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        List<String> categories = new ArrayList<>();
        if (h != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < h.counts().size(); i++) {
                String label = edgeLabel.apply(h.edges().get(i));
                while (!seen.add(label)) {
                    label = label + "\u200b"; // two bins that round alike still need distinct categories
                }
                categories.add(label);
                XYChart.Data<String, Number> d = new XYChart.Data<>(label, h.counts().get(i));
                StackPane node = new StackPane();
                Tooltip.install(node, new Tooltip(String.format(Locale.ROOT, "%s – %s: %,d",
                        edgeLabel.apply(h.edges().get(i)), edgeLabel.apply(h.edges().get(i + 1)), h.counts().get(i))));
                d.setNode(node);
                series.getData().add(d);
            }
        }
        ((CategoryAxis) chart.getXAxis()).setCategories(FXCollections.observableArrayList(categories));
        chart.getData().setAll(List.of(series));
    }

    /** Names as category labels, made unique (a category axis merges equal names) by appending the id. */
    private static <T> Map<T, String> uniqueLabels(List<T> items, Function<T, String> name,
                                                   java.util.function.ToIntFunction<T> id) {
        Map<String, Long> counts = items.stream().collect(Collectors.groupingBy(name, Collectors.counting()));
        Map<T, String> out = new LinkedHashMap<>();
        for (T item : items) {
            String n = name.apply(item) == null ? "(unnamed)" : name.apply(item);
            out.put(item, counts.getOrDefault(name.apply(item), 1L) > 1 ? n + " #" + id.applyAsInt(item) : n);
        }
        return out;
    }
}
