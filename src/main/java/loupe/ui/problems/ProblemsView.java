package loupe.ui.problems;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

import loupe.core.stats.DatasetStats.ProblemEntry;
import loupe.ui.fx.Styles;

/** The Problems view: a kind filter, the count, and the table of problems. */
public final class ProblemsView extends BorderPane {

    public ProblemsView(ProblemsViewModel model) {
        setId("problemsView");
        ComboBox<ProblemsViewModel.KindOption> kind = new ComboBox<>(model.getKinds());
        kind.setId("problemKindFilter");
        kind.setPrefWidth(260);
        Runnable selectCurrent = () -> {
            String current = model.kindProperty().get();
            model.getKinds().stream().filter(o -> java.util.Objects.equals(o.kind(), current)).findFirst()
                    .ifPresent(o -> kind.getSelectionModel().select(o));
        };
        model.getKinds().addListener((javafx.collections.ListChangeListener<ProblemsViewModel.KindOption>) c ->
                selectCurrent.run());
        selectCurrent.run(); // made when first shown, maybe after the kinds were read
        kind.setOnAction(e -> {
            ProblemsViewModel.KindOption o = kind.getSelectionModel().getSelectedItem();
            if (o != null && !java.util.Objects.equals(o.kind(), model.kindProperty().get())) {
                model.setKind(o.kind());
            }
        });
        Label count = new Label();
        count.setId("problemsCount");
        count.getStyleClass().add(Styles.COUNT);
        count.textProperty().bind(model.countTextProperty());
        HBox bar = new HBox(10, new Label("Kind"), kind, count);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add(Styles.FILTER_BAR);
        setTop(bar);

        TableView<ProblemEntry> table = new TableView<>(model.getRows());
        table.setId("problemsTable");
        table.setPlaceholder(new Label("No problems"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        TableColumn<ProblemEntry, String> severity = column("Severity", p -> p.severity().toLowerCase(Locale.ROOT));
        severity.setMaxWidth(90);
        severity.setMinWidth(70);
        severity.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                getStyleClass().removeAll("severity-error", "severity-warning", "severity-info");
                if (!empty && item != null) {
                    getStyleClass().add("severity-" + item);
                }
            }
        });
        TableColumn<ProblemEntry, String> kindColumn = column("Kind",
                p -> p.kind().toLowerCase(Locale.ROOT).replace('_', ' '));
        kindColumn.setMaxWidth(200);
        kindColumn.setMinWidth(120);
        TableColumn<ProblemEntry, String> path = tooltips(column("Path", ProblemEntry::path));
        TableColumn<ProblemEntry, String> location = column("Where", ProblemEntry::location);
        location.setMaxWidth(180);
        TableColumn<ProblemEntry, String> message = tooltips(column("Message", ProblemEntry::message));
        table.getColumns().setAll(List.of(severity, kindColumn, path, location, message));
        BorderPane.setMargin(table, new Insets(0, 8, 8, 8));
        setCenter(table);
    }

    private static TableColumn<ProblemEntry, String> column(String title, Function<ProblemEntry, String> value) {
        TableColumn<ProblemEntry, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }

    private static TableColumn<ProblemEntry, String> tooltips(TableColumn<ProblemEntry, String> column) {
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
}
