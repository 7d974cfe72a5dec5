package loupe.ui.curate;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Button;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.converter.LongStringConverter;

import loupe.core.curation.Preview;
import loupe.ui.curate.CurateViewModel.ClassRow;
import loupe.ui.curate.CurateViewModel.CountBy;
import loupe.ui.curate.CurateViewModel.RatioRow;
import loupe.ui.curate.CurateViewModel.SplitMethod;
import loupe.ui.curate.CurateViewModel.SplitRow;

/**
 * The Curate view: the recipe editor on the left, the live before/after class distribution per split on the
 * right, and Load / Save / Export in the toolbar. All state lives in {@link CurateViewModel}; this class builds
 * nodes, binds them and opens dialogs.
 *
 * <p>Node ids: {@code #classTable}, {@code #splitFilter}, {@code #dropEmptyImages}, {@code #capSpinner},
 * {@code #capBy}, {@code #oversampleSpinner}, {@code #splitMethod}, {@code #seedField}, {@code #loadRecipe},
 * {@code #saveRecipe}, {@code #exportMenu}, {@code #previewCharts} (holding {@code DistributionChart}s with ids
 * {@code #distribution-all} and {@code #distribution-SPLIT}), {@code #curateStatus}, {@code #curateError}.
 */
public final class CurateView extends BorderPane {

    /** The stylesheet this view adds to itself. */
    public static final String STYLESHEET = "/loupe/ui/curate.css";

    private final CurateViewModel model;
    private final VBox previewCharts = new VBox(10);
    private final Label funnel = new Label();
    private final Label notes = new Label();

    public CurateView(CurateViewModel model) {
        this.model = Objects.requireNonNull(model);
        getStyleClass().add("curate-view");
        getStylesheets().add(Objects.requireNonNull(CurateView.class.getResource(STYLESHEET),
                "missing " + STYLESHEET).toExternalForm());
        setTop(buildToolbar());
        SplitPane split = new SplitPane(buildEditor(), buildPreview());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.42);
        split.getStyleClass().add("curate-split");
        setCenter(split);
        model.previewProperty().addListener((o, a, b) -> showPreview(b));
        showPreview(model.getPreview());
    }

    public CurateViewModel model() {
        return model;
    }

    // ------------------------------------------------------------------------------------------ toolbar

    private Node buildToolbar() {
        Label title = new Label("Curate");
        title.getStyleClass().add("curate-title");
        Label status = new Label();
        status.setId("curateStatus");
        status.getStyleClass().add("curate-status");
        status.textProperty().bind(model.statusProperty());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(16, 16);
        busy.setMaxSize(16, 16);
        busy.visibleProperty().bind(model.busyProperty());

        Button load = new Button("Load recipe…");
        load.setId("loadRecipe");
        load.setOnAction(e -> chooseRecipe(false));
        Button save = new Button("Save recipe…");
        save.setId("saveRecipe");
        save.setOnAction(e -> chooseRecipe(true));
        MenuButton export = new MenuButton("Export");
        export.setId("exportMenu");
        export.getStyleClass().add("primary");
        export.getItems().setAll(
                exportItem("Subset in a format…", model::newSubsetExport),
                exportItem("Chips (tiles)…", model::newChipExport),
                exportItem("Manifest (CSV, JSONL, Parquet)…", model::newManifestExport),
                exportItem("WebDataset shards…", model::newShardExport));
        export.disableProperty().bind(model.readyProperty().not());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(10, title, busy, status, spacer, load, save, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("curate-toolbar");
        return bar;
    }

    private MenuItem exportItem(String text, Supplier<? extends ExportViewModel> factory) {
        MenuItem item = new MenuItem(text);
        item.setOnAction(e -> ExportDialogs.show(getScene() == null ? null : getScene().getWindow(), factory.get()));
        return item;
    }

    private void chooseRecipe(boolean save) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(save ? "Save recipe" : "Load recipe");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Recipe (JSON)", "*.json"));
        chooser.setInitialFileName("recipe.json");
        File file = save ? chooser.showSaveDialog(getScene().getWindow()) : chooser.showOpenDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        Path path = file.toPath();
        if (save) {
            model.saveRecipe(path);
        } else {
            model.loadRecipe(path);
        }
    }

    // ------------------------------------------------------------------------------------------ editor

    private Node buildEditor() {
        VBox editor = new VBox(14,
                section("Classes", "Untick to drop a class's boxes. Give several classes the same new name to merge them.",
                        buildClassTable()),
                section("Images", null, buildImagesSection()),
                section("Balance", "Caps apply before splitting; oversampling repeats rare classes in train.",
                        buildBalanceSection()),
                section("Split", null, buildSplitSection()));
        editor.setPadding(new Insets(12));
        editor.getStyleClass().add("curate-editor");
        ScrollPane scroll = new ScrollPane(editor);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("curate-scroll");
        scroll.setMinWidth(380);
        return scroll;
    }

    private static Node section(String title, String help, Node body) {
        Label t = new Label(title);
        t.getStyleClass().add("curate-section-title");
        VBox box = new VBox(6, t);
        if (help != null) {
            Label h = new Label(help);
            h.setWrapText(true);
            h.getStyleClass().add("curate-help");
            box.getChildren().add(h);
        }
        box.getChildren().add(body);
        box.getStyleClass().add("curate-section");
        return box;
    }

    private Node buildClassTable() {
        TableView<ClassRow> table = new TableView<>(model.classRows());
        table.setId("curateClassTable");
        table.setEditable(true);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);

        TableColumn<ClassRow, Boolean> keep = new TableColumn<>("Keep");
        keep.setCellValueFactory(c -> c.getValue().keepProperty());
        keep.setCellFactory(CheckBoxTableCell.forTableColumn(keep));
        keep.setEditable(true);
        keep.setPrefWidth(50);
        keep.setMaxWidth(60);

        TableColumn<ClassRow, String> name = new TableColumn<>("Class");
        name.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().sourceName()));
        name.setEditable(false);

        TableColumn<ClassRow, Long> instances = new TableColumn<>("Instances");
        instances.setCellValueFactory(c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue().instances()));
        instances.setEditable(false);
        instances.getStyleClass().add("numeric");
        instances.setPrefWidth(80);
        instances.setMaxWidth(100);

        TableColumn<ClassRow, String> rename = new TableColumn<>("New name");
        rename.setCellValueFactory(c -> c.getValue().newNameProperty());
        rename.setCellFactory(TextFieldTableCell.forTableColumn());
        rename.setEditable(true);

        TableColumn<ClassRow, Boolean> dropImages = new TableColumn<>("Drop images");
        dropImages.setCellValueFactory(c -> c.getValue().dropImagesProperty());
        dropImages.setCellFactory(CheckBoxTableCell.forTableColumn(dropImages));
        dropImages.setEditable(true);
        dropImages.setPrefWidth(90);
        dropImages.setMaxWidth(110);

        table.getColumns().setAll(List.of(keep, name, instances, rename, dropImages));
        table.setPlaceholder(new Label("Reading classes…"));
        Runnable size = () -> {
            double h = Math.min(360, Math.max(120, model.classRows().size() * 26 + 34));
            table.setPrefHeight(h);
            table.setMinHeight(h);
        };
        model.classRows().addListener((ListChangeListener<ClassRow>) c -> size.run());
        size.run();
        return table;
    }

    private Node buildImagesSection() {
        FlowPane splits = new FlowPane(12, 6);
        splits.setId("splitFilter");
        Runnable fill = () -> {
            List<Node> boxes = new ArrayList<>();
            for (SplitRow s : model.splitRows()) {
                CheckBox box = new CheckBox(String.format(Locale.ROOT, "%s (%,d)", s.name().isEmpty() ? "no split"
                        : s.name(), s.images()));
                box.setId("keepSplit-" + (s.name().isEmpty() ? "none" : s.name()));
                box.selectedProperty().bindBidirectional(s.keepProperty());
                boxes.add(box);
            }
            splits.getChildren().setAll(boxes);
        };
        model.splitRows().addListener((ListChangeListener<SplitRow>) c -> fill.run());
        fill.run();
        CheckBox dropEmpty = new CheckBox("Drop images left without annotations");
        dropEmpty.setId("dropEmptyImages");
        dropEmpty.selectedProperty().bindBidirectional(model.dropEmptyImagesProperty());
        Label keepLabel = new Label("Keep splits");
        keepLabel.getStyleClass().add("curate-field-label");
        return new VBox(8, new HBox(12, keepLabel, splits), dropEmpty);
    }

    private Node buildBalanceSection() {
        Spinner<Integer> cap = new Spinner<>(0, Integer.MAX_VALUE, model.capProperty().get(), 10);
        cap.setId("capSpinner");
        cap.setEditable(true);
        cap.setPrefWidth(110);
        commitOnFocusLost(cap);
        cap.getValueFactory().valueProperty().addListener((o, a, b) -> model.capProperty().set(b == null ? 0 : b));
        model.capProperty().addListener((o, a, b) -> cap.getValueFactory().setValue(b.intValue()));
        ChoiceBox<CountBy> capBy = new ChoiceBox<>();
        capBy.setId("capBy");
        capBy.getItems().setAll(CountBy.values());
        capBy.valueProperty().bindBidirectional(model.capByProperty());

        Spinner<Double> over = new Spinner<>(0.0, 1.0, model.oversampleTargetProperty().get(), 0.05);
        over.setId("oversampleSpinner");
        over.setEditable(true);
        over.setPrefWidth(110);
        commitOnFocusLost(over);
        over.getValueFactory().valueProperty().addListener((o, a, b) ->
                model.oversampleTargetProperty().set(b == null ? 0 : b));
        model.oversampleTargetProperty().addListener((o, a, b) -> over.getValueFactory().setValue(b.doubleValue()));
        ChoiceBox<CountBy> overBy = new ChoiceBox<>();
        overBy.getItems().setAll(CountBy.values());
        overBy.valueProperty().bindBidirectional(model.oversampleByProperty());

        GridPane grid = form();
        grid.addRow(0, fieldLabel("Cap per class"), new HBox(8, cap, capBy, muted("0 = no cap")));
        grid.addRow(1, fieldLabel("Oversample to"), new HBox(8, over, muted("of the largest class, by"), overBy));
        return grid;
    }

    private Node buildSplitSection() {
        ChoiceBox<SplitMethod> method = new ChoiceBox<>();
        method.setId("splitMethod");
        method.getItems().setAll(SplitMethod.values());
        method.valueProperty().bindBidirectional(model.splitMethodProperty());

        VBox ratios = new VBox(6);
        Runnable fill = () -> {
            List<Node> rows = new ArrayList<>();
            for (RatioRow r : model.ratioRows()) {
                TextField name = new TextField();
                name.setPromptText("split name");
                name.setPrefColumnCount(8);
                name.textProperty().bindBidirectional(r.nameProperty());
                Spinner<Double> share = new Spinner<>(0.0, 1.0, r.shareProperty().get(), 0.05);
                share.setEditable(true);
                share.setPrefWidth(100);
                commitOnFocusLost(share);
                share.getValueFactory().valueProperty().addListener((o, a, b) -> r.shareProperty().set(b == null ? 0 : b));
                r.shareProperty().addListener((o, a, b) -> {
                    if (!b.equals(share.getValue())) {
                        share.getValueFactory().setValue(b.doubleValue());
                    }
                });
                rows.add(new HBox(8, name, share));
            }
            ratios.getChildren().setAll(rows);
        };
        model.ratioRows().addListener((ListChangeListener<RatioRow>) c -> {
            while (c.next()) {
                if (c.wasAdded() || c.wasRemoved()) {
                    fill.run();
                    return;
                }
            }
        });
        fill.run();
        ratios.disableProperty().bind(Bindings.equal(model.splitMethodProperty(), SplitMethod.KEEP));

        TextField seed = new TextField();
        seed.setId("seedField");
        seed.setPrefColumnCount(8);
        javafx.scene.control.TextFormatter<Long> seedFormat = new javafx.scene.control.TextFormatter<>(
                new LongStringConverter(), model.seedProperty().get(),
                change -> change.getControlNewText().matches("-?\\d{0,18}") ? change : null);
        seed.setTextFormatter(seedFormat);
        seedFormat.valueProperty().addListener((o, a, b) -> model.seedProperty().set(b == null ? 0 : b));
        model.seedProperty().addListener((o, a, b) -> seedFormat.setValue(b.longValue()));

        GridPane grid = form();
        grid.addRow(0, fieldLabel("Method"), method);
        grid.addRow(1, fieldLabel("Shares"), ratios);
        grid.addRow(2, fieldLabel("Seed"), new HBox(8, seed, muted("same seed, same result")));
        return grid;
    }

    private static GridPane form() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(100);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().setAll(labels, fields);
        return grid;
    }

    private static Label fieldLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("curate-field-label");
        return l;
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("curate-help");
        l.setMaxHeight(Double.MAX_VALUE);
        return l;
    }

    /** An editable spinner commits typed text only on Enter; commit it when focus leaves too. */
    static <T> void commitOnFocusLost(Spinner<T> spinner) {
        spinner.focusedProperty().addListener((o, was, is) -> {
            if (!is) {
                SpinnerValueFactory<T> f = spinner.getValueFactory();
                try {
                    T v = f.getConverter().fromString(spinner.getEditor().getText());
                    if (v != null) {
                        f.setValue(v);
                    }
                } catch (RuntimeException e) {
                    spinner.getEditor().setText(f.getConverter().toString(f.getValue()));
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------ preview

    private Node buildPreview() {
        Label title = new Label("Class distribution: before and after");
        title.getStyleClass().add("curate-section-title");
        funnel.getStyleClass().add("curate-funnel");
        funnel.setWrapText(true);
        notes.getStyleClass().add("curate-help");
        notes.setWrapText(true);
        Label error = new Label();
        error.setId("curateError");
        error.getStyleClass().add("curate-error");
        error.setWrapText(true);
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        previewCharts.setId("previewCharts");
        HBox legend = new HBox(14, legendItem("before (source)", "legend-before"), legendItem("after the recipe",
                "legend-after"));
        legend.setAlignment(Pos.CENTER_LEFT);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, title, spacer, legend);
        header.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, header, funnel, error, notes, new Separator(), previewCharts);
        box.setPadding(new Insets(12));
        box.getStyleClass().add("curate-preview");
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("curate-scroll");
        return scroll;
    }

    private static Node legendItem(String text, String styleClass) {
        Region swatch = new Region();
        swatch.getStyleClass().addAll("legend-swatch", styleClass);
        swatch.setMinSize(12, 12);
        swatch.setMaxSize(12, 12);
        HBox item = new HBox(6, swatch, new Label(text));
        item.setAlignment(Pos.CENTER_LEFT);
        return item;
    }

    private void showPreview(Preview p) {
        if (p == null) {
            funnel.setText("Computing the preview…");
            notes.setText("");
            previewCharts.getChildren().clear();
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Preview.Step s : p.steps()) {
            if (sb.length() > 0) {
                sb.append("  →  ");
            }
            sb.append(String.format(Locale.ROOT, "%s %,d img / %,d ann", s.name(), s.images(), s.annotations()));
        }
        funnel.setText(sb.toString());
        notes.setText(String.join("\n", p.notes()));
        notes.setVisible(!p.notes().isEmpty());
        notes.setManaged(!p.notes().isEmpty());

        List<Node> charts = new ArrayList<>();
        charts.add(chartCard("All splits", "distribution-all", total(p.before()), total(p.after())));
        Set<String> splits = new LinkedHashSet<>();
        p.before().forEach(s -> splits.add(s.split()));
        p.after().forEach(s -> splits.add(s.split()));
        for (String s : splits) {
            Preview.SplitCounts before = p.before(s);
            Preview.SplitCounts after = p.after(s);
            String label = (s == null ? "no split" : s) + String.format(Locale.ROOT, " · %,d → %,d images",
                    before == null ? 0 : before.images(), after == null ? 0 : after.images());
            charts.add(chartCard(label, "distribution-" + (s == null ? "none" : s), before, after));
        }
        previewCharts.getChildren().setAll(charts);
    }

    private static Node chartCard(String title, String id, Preview.SplitCounts before, Preview.SplitCounts after) {
        Label t = new Label(title);
        t.getStyleClass().add("curate-chart-title");
        DistributionChart chart = new DistributionChart();
        chart.setId(id);
        chart.show(before, after);
        VBox card = new VBox(4, t, chart);
        card.getStyleClass().add("curate-card");
        return card;
    }

    /** The sum of several splits' counts, by class id. */
    static Preview.SplitCounts total(List<Preview.SplitCounts> splits) {
        Map<Integer, long[]> counts = new LinkedHashMap<>();
        Map<Integer, String> names = new LinkedHashMap<>();
        long images = 0;
        long distinct = 0;
        long annotations = 0;
        for (Preview.SplitCounts s : splits) {
            images += s.images();
            distinct += s.distinctImages();
            annotations += s.annotations();
            for (Preview.ClassCount c : s.classes()) {
                names.putIfAbsent(c.id(), c.name());
                long[] n = counts.computeIfAbsent(c.id(), k -> new long[2]);
                n[0] += c.images();
                n[1] += c.instances();
            }
        }
        List<Preview.ClassCount> classes = new ArrayList<>();
        counts.forEach((id, n) -> classes.add(new Preview.ClassCount(id, names.get(id), n[0], n[1])));
        return new Preview.SplitCounts(null, images, distinct, annotations, classes);
    }
}
