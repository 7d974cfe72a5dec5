package loupe.ui.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;

import org.controlsfx.control.StatusBar;

import loupe.core.stats.DatasetStats;
import loupe.ui.app.MainViewModel.Status;
import loupe.ui.fx.Styles;

/**
 * The main window's view: a toolbar, one of four centre panes (empty state, indexing, message, dataset) chosen by
 * {@link MainViewModel#statusProperty()}, and a status bar. It builds nodes, binds them to the model and forwards
 * events; nothing else.
 */
public final class MainWindow {

    /** How often the status bar copies the running job's progress. */
    static final Duration PROGRESS_SAMPLE_INTERVAL = Duration.millis(150);

    private static final double ROW_HEIGHT = 24;
    private static final int CLASS_ROWS_SHOWN = 14;

    private final MainViewModel model;
    private final Scene scene;
    private final Timeline progressSampler;

    public MainWindow(MainViewModel model) {
        this.model = model;
        progressSampler = new Timeline(new KeyFrame(PROGRESS_SAMPLE_INTERVAL, e -> model.sampleProgress()));
        progressSampler.setCycleCount(Timeline.INDEFINITE);
        model.busyProperty().addListener((obs, was, busy) -> {
            if (busy) {
                progressSampler.play();
            } else {
                progressSampler.stop();
            }
        });
        if (model.isBusy()) {
            progressSampler.play();
        }
        BorderPane root = new BorderPane();
        root.setId("mainWindow");
        root.setTop(buildToolbar());
        root.setCenter(buildCentre());
        root.setBottom(buildStatusBar());
        scene = new Scene(root, 1280, 800);
        Styles.apply(scene);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
                this::chooseFolder);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), model::reindex);
    }

    public Scene scene() {
        return scene;
    }

    /** Asks for a folder and opens it. */
    void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a dataset folder");
        Path current = model.getRoot();
        if (current != null && current.getParent() != null && Files.isDirectory(current.getParent())) {
            chooser.setInitialDirectory(current.getParent().toFile());
        }
        File chosen = chooser.showDialog(scene.getWindow());
        if (chosen != null) {
            model.open(chosen.toPath());
        }
    }

    private Node buildToolbar() {
        Button open = new Button("Open folder\u2026");
        open.setId("openFolderButton");
        open.setTooltip(new Tooltip("Open a dataset folder (Ctrl+O)"));
        open.setOnAction(e -> chooseFolder());
        Button reindex = new Button("Re-index");
        reindex.setId("reindexButton");
        reindex.setTooltip(new Tooltip("Index the folder again; only changed files are read (F5)"));
        reindex.disableProperty().bind(model.rootProperty().isNull().or(model.busyProperty()));
        reindex.setOnAction(e -> model.reindex());
        Label folder = new Label();
        folder.setId("rootLabel");
        folder.getStyleClass().add(Styles.MUTED);
        folder.textProperty().bind(Bindings.createStringBinding(
                () -> model.getRoot() == null ? "" : model.getRoot().toString(), model.rootProperty()));
        return new ToolBar(open, reindex, folder);
    }

    private Node buildCentre() {
        StackPane centre = new StackPane(
                showWhen(buildEmptyState(), Status.EMPTY),
                showWhen(buildIndexingPane(), Status.INDEXING),
                showWhen(buildMessagePane(), Status.FAILED, Status.CANCELLED),
                showWhen(buildDatasetPane(), Status.LOADED));
        centre.setId("centre");
        return centre;
    }

    private Node showWhen(Node node, Status... states) {
        ObservableValue<Boolean> shown = Bindings.createBooleanBinding(() -> {
            for (Status s : states) {
                if (model.getStatus() == s) {
                    return true;
                }
            }
            return false;
        }, model.statusProperty());
        node.visibleProperty().bind(shown);
        node.managedProperty().bind(node.visibleProperty());
        return node;
    }

    private Node buildEmptyState() {
        Label headline = new Label("No dataset open");
        headline.getStyleClass().add(Styles.HEADLINE);
        Label hint = new Label("Open a folder with a COCO, YOLO, Pascal VOC or class-folder dataset to see its"
                + " images, classes and problems.");
        hint.getStyleClass().add(Styles.MUTED);
        hint.setWrapText(true);
        Button open = new Button("Open folder\u2026");
        open.setId("emptyOpenButton");
        open.getStyleClass().add(Styles.PRIMARY);
        open.setOnAction(e -> chooseFolder());
        return placeholder("emptyState", headline, hint, open);
    }

    private Node buildIndexingPane() {
        // Indeterminate on purpose: progress restarts with every phase; the status bar shows the fraction.
        ProgressIndicator spinner = new ProgressIndicator(ProgressIndicator.INDETERMINATE_PROGRESS);
        spinner.setId("indexingProgress");
        Label headline = new Label();
        headline.getStyleClass().add(Styles.HEADLINE);
        headline.textProperty().bind(Bindings.createStringBinding(
                () -> model.getRoot() == null ? "" : "Indexing " + model.getRoot().getFileName(),
                model.rootProperty()));
        Label phase = new Label();
        phase.getStyleClass().add(Styles.MUTED);
        phase.textProperty().bind(model.statusTextProperty());
        return placeholder("indexingPane", spinner, headline, phase);
    }

    private Node buildMessagePane() {
        Label title = new Label();
        title.setId("messageTitle");
        title.getStyleClass().add(Styles.HEADLINE);
        title.textProperty().bind(Bindings.createStringBinding(
                () -> model.getStatus() == Status.CANCELLED ? "Indexing cancelled" : "Cannot open this folder",
                model.statusProperty()));
        Label text = new Label();
        text.setId("messageLabel");
        text.setWrapText(true);
        model.statusProperty().addListener((obs, old, status) -> {
            text.getStyleClass().remove(Styles.ERROR_MESSAGE);
            if (status == Status.FAILED) {
                text.getStyleClass().add(Styles.ERROR_MESSAGE);
            }
        });
        text.textProperty().bind(model.messageProperty());
        TextArea detailText = new TextArea();
        detailText.setEditable(false);
        detailText.setWrapText(true);
        detailText.setPrefRowCount(8);
        detailText.textProperty().bind(model.detailsProperty());
        TitledPane details = new TitledPane("Details", detailText);
        details.setId("messageDetails");
        details.setExpanded(false);
        details.visibleProperty().bind(model.detailsProperty().isNotEmpty());
        details.managedProperty().bind(details.visibleProperty());
        Button open = new Button("Open another folder\u2026");
        open.setOnAction(e -> chooseFolder());
        Button retry = new Button("Try again");
        retry.setId("retryButton");
        retry.getStyleClass().add(Styles.PRIMARY);
        retry.setOnAction(e -> model.reindex());
        HBox buttons = new HBox(8, retry, open);
        buttons.setAlignment(Pos.CENTER);
        return placeholder("messagePane", title, text, details, buttons);
    }

    private static Node placeholder(String id, Node... children) {
        VBox box = new VBox(14, children);
        box.setId(id);
        box.getStyleClass().add(Styles.EMPTY_STATE);
        box.setAlignment(Pos.CENTER);
        box.setMaxWidth(640);
        box.setFillWidth(true);
        StackPane.setAlignment(box, Pos.CENTER);
        return box;
    }

    private Node buildDatasetPane() {
        Label summary = new Label();
        summary.setId("summaryLabel");
        summary.textProperty().bind(model.summaryProperty());
        Label problems = new Label();
        problems.setId("problemCountLabel");
        problems.getStyleClass().add(Styles.PROBLEM_COUNT);
        problems.textProperty().bind(model.problemTextProperty());
        model.problemCountProperty().addListener((obs, old, n) -> {
            problems.getStyleClass().remove(Styles.HAS_PROBLEMS);
            if (n.longValue() > 0) {
                problems.getStyleClass().add(Styles.HAS_PROBLEMS);
            }
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, summary, spacer, problems);
        header.getStyleClass().add(Styles.SUMMARY);
        header.setAlignment(Pos.CENTER_LEFT);

        Label imagesTitle = section(null);
        imagesTitle.setId("imagesTitle");
        imagesTitle.textProperty().bind(model.imagesTitleProperty());
        VBox imagesBox = new VBox(6, imagesTitle, grow(buildImageTable()));
        VBox sideBox = new VBox(6, section("Classes"), buildClassTable(), section("Problems"),
                grow(buildProblemTable()));
        imagesBox.setPadding(new Insets(8));
        sideBox.setPadding(new Insets(8));
        SplitPane split = new SplitPane(imagesBox, sideBox);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.55);

        BorderPane pane = new BorderPane(split);
        pane.setId("datasetPane");
        pane.setTop(header);
        return pane;
    }

    private static Label section(String text) {
        Label label = new Label(text);
        label.getStyleClass().add(Styles.SECTION_TITLE);
        return label;
    }

    private static <T extends Region> T grow(T node) {
        VBox.setVgrow(node, Priority.ALWAYS);
        return node;
    }

    private TableView<DatasetOverview.ImageRow> buildImageTable() {
        TableView<DatasetOverview.ImageRow> table = new TableView<>(model.getImages());
        table.setId("imageTable");
        table.setPlaceholder(new Label("No images"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        TableColumn<DatasetOverview.ImageRow, String> path = column("Path", DatasetOverview.ImageRow::path);
        path.setPrefWidth(400);
        TableColumn<DatasetOverview.ImageRow, String> split =
                fixed(column("Split", r -> r.split() == null ? "" : r.split()), 80);
        TableColumn<DatasetOverview.ImageRow, Integer> width =
                fixed(numeric(column("Width", DatasetOverview.ImageRow::width)), 70);
        TableColumn<DatasetOverview.ImageRow, Integer> height =
                fixed(numeric(column("Height", DatasetOverview.ImageRow::height)), 70);
        TableColumn<DatasetOverview.ImageRow, String> format =
                fixed(column("Format", MainWindow::formatText), 100);
        table.getColumns().setAll(List.of(path, split, width, height, format));
        return table;
    }

    private TableView<DatasetStats.ClassCount> buildClassTable() {
        TableView<DatasetStats.ClassCount> table = new TableView<>(model.getClasses());
        table.setId("classTable");
        table.setPlaceholder(new Label("No classes"));
        // As tall as its rows (a few classes leave no empty grid), up to CLASS_ROWS_SHOWN; then it scrolls.
        table.setFixedCellSize(ROW_HEIGHT);
        table.prefHeightProperty().bind(Bindings.createDoubleBinding(
                () -> (Math.min(Math.max(table.getItems().size(), 3), CLASS_ROWS_SHOWN) + 1.3) * ROW_HEIGHT,
                table.getItems()));
        table.setMinHeight(Region.USE_PREF_SIZE);
        table.setMaxHeight(Region.USE_PREF_SIZE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        TableColumn<DatasetStats.ClassCount, Integer> id =
                fixed(numeric(column("Id", DatasetStats.ClassCount::id)), 50);
        TableColumn<DatasetStats.ClassCount, String> name = column("Class", DatasetStats.ClassCount::name);
        name.setPrefWidth(200);
        TableColumn<DatasetStats.ClassCount, String> instances = fixed(numeric(
                column("Annotations", c -> String.format(Locale.ROOT, "%,d", c.instances()))), 100);
        TableColumn<DatasetStats.ClassCount, String> images = fixed(numeric(
                column("Images", c -> String.format(Locale.ROOT, "%,d", c.images()))), 80);
        table.getColumns().setAll(List.of(id, name, instances, images));
        return table;
    }

    private TableView<DatasetStats.ProblemEntry> buildProblemTable() {
        TableView<DatasetStats.ProblemEntry> table = new TableView<>(model.getProblems());
        table.setId("problemTable");
        table.setPlaceholder(new Label("No problems found"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        TableColumn<DatasetStats.ProblemEntry, String> severity = column("Severity",
                p -> p.severity().toLowerCase(Locale.ROOT));
        fixed(severity, 80);
        TableColumn<DatasetStats.ProblemEntry, String> path = withTooltips(
                column("Path", DatasetStats.ProblemEntry::path));
        path.setPrefWidth(160);
        TableColumn<DatasetStats.ProblemEntry, String> message = withTooltips(column("Message",
                p -> p.location() == null || p.location().isEmpty() ? p.message()
                        : p.message() + " (" + p.location() + ")"));
        message.setPrefWidth(300);
        table.getColumns().setAll(List.of(severity, path, message));
        return table;
    }

    private static <S, T> TableColumn<S, T> column(String title, Function<S, T> value) {
        TableColumn<S, T> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }

    private static String formatText(DatasetOverview.ImageRow row) {
        if (!row.present()) {
            return "missing";
        }
        return row.format() == null ? "unreadable" : row.format();
    }

    /** Cells that show their whole text in a tooltip, for columns too narrow for long messages. */
    private static <S> TableColumn<S, String> withTooltips(TableColumn<S, String> column) {
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setTooltip(empty || item == null || item.isEmpty() ? null : new Tooltip(item));
            }
        });
        return column;
    }

    /** A column that keeps its width: the text columns take the table's spare width. */
    private static <S, T> TableColumn<S, T> fixed(TableColumn<S, T> column, double width) {
        column.setMinWidth(width * 0.6);
        column.setPrefWidth(width);
        column.setMaxWidth(width);
        return column;
    }

    private static <S, T> TableColumn<S, T> numeric(TableColumn<S, T> column) {
        column.getStyleClass().add(Styles.NUMERIC);
        return column;
    }

    private Node buildStatusBar() {
        StatusBar bar = new StatusBar();
        bar.setId("statusBar");
        bar.textProperty().bind(model.statusTextProperty());
        bar.progressProperty().bind(model.progressProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelButton");
        cancel.visibleProperty().bind(model.busyProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> model.cancel());
        bar.getRightItems().add(cancel);
        return bar;
    }
}
