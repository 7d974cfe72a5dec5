package loupe.ui.overview;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import loupe.core.stats.DatasetStats;
import loupe.ui.app.DatasetOverview;
import loupe.ui.app.MainViewModel;
import loupe.ui.fx.Styles;

/**
 * The Overview view: the dataset summary, the statistics charts (class distribution, splits, imbalance, box
 * sizes), and beside them the class counts, the most severe problems and the first images in tables.
 */
public final class OverviewView extends StackPane {

    private static final double ROW_HEIGHT = 24;
    private static final int CLASS_ROWS_SHOWN = 14;

    private final MainViewModel model;

    private final Node charts;

    /** @param charts the charts of the dataset's statistics, shown beside the tables */
    public OverviewView(MainViewModel model, Node charts) {
        this.model = model;
        this.charts = charts;
        setId("overviewView");
        getChildren().setAll(buildDatasetPane());
    }

    private Node buildDatasetPane() {
        Label summary = new Label();
        summary.setId("summaryLabel");
        summary.textProperty().bind(model.summaryProperty());
        Label problems = new Label();
        problems.setId("problemCountLabel");
        problems.getStyleClass().add(Styles.PROBLEM_COUNT);
        problems.textProperty().bind(model.problemTextProperty());
        java.util.function.LongConsumer markProblems = n -> {
            problems.getStyleClass().remove(Styles.HAS_PROBLEMS);
            if (n > 0) {
                problems.getStyleClass().add(Styles.HAS_PROBLEMS);
            }
        };
        model.problemCountProperty().addListener((obs, old, n) -> markProblems.accept(n.longValue()));
        markProblems.accept(model.problemCountProperty().get()); // made when first shown, maybe after a load
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, summary, spacer, problems);
        header.getStyleClass().add(Styles.SUMMARY);
        header.setAlignment(Pos.CENTER_LEFT);

        Label imagesTitle = section(null);
        imagesTitle.setId("imagesTitle");
        imagesTitle.textProperty().bind(model.imagesTitleProperty());
        // The charts take the room; the tables beside them answer "which ones exactly".
        VBox sideBox = new VBox(6, section("Classes"), buildClassTable(), section("Problems"),
                grow(buildProblemTable()), imagesTitle, grow(buildImageTable()));
        sideBox.setPadding(new Insets(8));
        SplitPane split = new SplitPane(charts, sideBox);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.62);

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
                fixed(column("Format", OverviewView::formatText), 100);
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

}
