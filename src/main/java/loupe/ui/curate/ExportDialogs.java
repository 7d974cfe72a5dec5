package loupe.ui.curate;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;

import loupe.core.export.ManifestFormat;
import loupe.core.formats.ImageMode;
import loupe.ui.curate.ExportViewModel.State;

/**
 * The export dialogs: one window per {@link ExportViewModel}, with the export's options, the output, a progress
 * bar while it runs, Cancel, and at the end a summary with "Open folder". The dialog only binds controls; the
 * work runs in the view model's job, off the FX thread.
 *
 * <p>Node ids: {@code #exportOutput}, {@code #exportStart}, {@code #exportCancel}, {@code #exportOpenFolder},
 * {@code #exportProgress}, {@code #exportSummary}, {@code #exportError}.
 */
public final class ExportDialogs {

    private ExportDialogs() {
    }

    /** Opens the dialog for {@code model} (owner may be null) and returns its window. FX thread. */
    public static Stage show(Window owner, ExportViewModel model) {
        Stage stage = new Stage();
        if (owner != null) {
            stage.initOwner(owner);
            stage.initModality(Modality.WINDOW_MODAL);
        }
        stage.setTitle(model.title());
        VBox content = content(model, stage::close);
        Scene scene = new Scene(content);
        stage.setScene(scene);
        stage.setMinWidth(520);
        stage.setOnCloseRequest(e -> model.cancel());
        stage.show();
        return stage;
    }

    /** The dialog's content, for {@link #show} and for tests. {@code close} closes the window. */
    public static VBox content(ExportViewModel model, Runnable close) {
        Objects.requireNonNull(model);
        Label title = new Label(model.title());
        title.getStyleClass().add("export-title");

        GridPane form = new GridPane();
        form.getStyleClass().add("export-form");
        form.setHgap(10);
        form.setVgap(8);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(130);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().setAll(labels, fields);
        int row = options(model, form);
        form.addRow(row, label("Output " + model.outputKind()), outputRow(model));

        ProgressBar progress = new ProgressBar(0);
        progress.setId("exportProgress");
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.progressProperty().bind(model.progressProperty());
        Label message = new Label();
        message.getStyleClass().add("export-message");
        message.textProperty().bind(model.messageProperty());
        VBox running = new VBox(4, progress, message);
        running.visibleProperty().bind(Bindings.createBooleanBinding(() -> model.getState() != State.IDLE,
                model.stateProperty()));
        running.managedProperty().bind(running.visibleProperty());

        Label summary = new Label();
        summary.setId("exportSummary");
        summary.setWrapText(true);
        summary.getStyleClass().add("export-summary");
        summary.textProperty().bind(model.summaryProperty());
        summary.visibleProperty().bind(model.summaryProperty().isNotEmpty());
        summary.managedProperty().bind(summary.visibleProperty());
        Label error = new Label();
        error.setId("exportError");
        error.setWrapText(true);
        error.getStyleClass().add("export-error");
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        Label opened = new Label();
        opened.setWrapText(true);
        opened.getStyleClass().add("export-message");

        Button open = new Button("Open folder");
        open.setId("exportOpenFolder");
        open.visibleProperty().bind(model.resultFolderProperty().isNotNull());
        open.managedProperty().bind(open.visibleProperty());
        open.setOnAction(e -> {
            Path folder = model.getResultFolder();
            FolderOpener.open(folder, failure -> opened.setText("Could not open a file manager (" + failure
                    + "). The output is in " + folder));
        });
        Button cancel = new Button("Cancel");
        cancel.setId("exportCancel");
        cancel.setOnAction(e -> model.cancel());
        cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> !model.getState().isRunning(),
                model.stateProperty()));
        Button start = new Button(model.getState() == State.SUCCEEDED ? "Export again" : "Export");
        start.setId("exportStart");
        start.getStyleClass().add("primary");
        start.setDefaultButton(true);
        start.setOnAction(e -> model.start());
        start.disableProperty().bind(Bindings.createBooleanBinding(() -> model.getState().isRunning(),
                model.stateProperty()));
        Button closeButton = new Button("Close");
        closeButton.setOnAction(e -> {
            model.cancel();
            close.run();
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox buttons = new HBox(8, open, spacer, cancel, closeButton, start);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        form.disableProperty().bind(Bindings.createBooleanBinding(() -> model.getState().isRunning(),
                model.stateProperty()));

        Timeline poll = new Timeline(new KeyFrame(Duration.millis(100), e -> model.refreshProgress()));
        poll.setCycleCount(Timeline.INDEFINITE);
        model.stateProperty().addListener((o, a, b) -> {
            if (b.isRunning()) {
                poll.play();
            } else {
                poll.stop();
            }
            start.setText(b == State.SUCCEEDED ? "Export again" : "Export");
        });

        VBox root = new VBox(12, title, form, running, summary, error, opened, buttons);
        root.setPadding(new Insets(16));
        root.setPrefWidth(600);
        root.getStyleClass().add("export-dialog");
        root.getStylesheets().add(Objects.requireNonNull(ExportDialogs.class.getResource(CurateView.STYLESHEET))
                .toExternalForm());
        return root;
    }

    private static int options(ExportViewModel model, GridPane form) {
        int row = 0;
        if (model instanceof SubsetExportViewModel m) {
            ChoiceBox<String> format = new ChoiceBox<>();
            format.setId("exportFormat");
            format.getItems().setAll(SubsetExportViewModel.formats());
            format.valueProperty().bindBidirectional(m.formatProperty());
            ChoiceBox<ImageMode> images = new ChoiceBox<>();
            images.setId("exportImages");
            images.getItems().setAll(ImageMode.values());
            images.valueProperty().bindBidirectional(m.imagesProperty());
            images.setConverter(new javafx.util.StringConverter<>() {
                @Override
                public String toString(ImageMode mode) {
                    return mode == null ? "" : switch (mode) {
                        case COPY -> "Copy";
                        case LINK -> "Hard link (same disk)";
                        case SYMLINK -> "Symbolic link";
                        case NONE -> "Leave out (annotations only)";
                    };
                }

                @Override
                public ImageMode fromString(String s) {
                    return null;
                }
            });
            form.addRow(row++, label("Format"), format);
            form.addRow(row++, label("Images"), images);
            form.addRow(row++, label(""), help("Exports what the recipe selects, relabelled and re-split, with the "
                    + "recipe and a conversion report."));
        } else if (model instanceof ChipExportViewModel m) {
            Spinner<Integer> size = intSpinner(m.sizeProperty(), 16, 65536, 128);
            size.setId("chipSize");
            Spinner<Integer> overlap = intSpinner(m.overlapProperty(), 0, 65535, 32);
            overlap.setId("chipOverlap");
            Spinner<Double> visibility = doubleSpinner(m.minVisibilityProperty(), 0, 1, 0.05);
            CheckBox capEmpty = new CheckBox("at most");
            capEmpty.selectedProperty().bindBidirectional(m.capEmptyProperty());
            Spinner<Double> ratio = doubleSpinner(m.emptyRatioProperty(), 0, 100, 0.25);
            ratio.disableProperty().bind(m.capEmptyProperty().not());
            ChoiceBox<String> format = new ChoiceBox<>();
            format.getItems().setAll(SubsetExportViewModel.formats());
            format.valueProperty().bindBidirectional(m.formatProperty());
            ChoiceBox<String> imageFormat = new ChoiceBox<>();
            imageFormat.getItems().setAll(ChipExportViewModel.imageFormats());
            imageFormat.valueProperty().bindBidirectional(m.imageFormatProperty());
            Spinner<Integer> quality = intSpinner(m.qualityProperty(), 1, 100, 5);
            quality.disableProperty().bind(m.imageFormatProperty().isNotEqualTo("jpg"));
            form.addRow(row++, label("Chip size (px)"), size);
            form.addRow(row++, label("Overlap (px)"), overlap);
            form.addRow(row++, label("Min. visibility"), new HBox(8, visibility,
                    help("keep a cut box when this fraction of it is inside")));
            form.addRow(row++, label("Empty chips"), new HBox(8, capEmpty, ratio, help("per chip with boxes")));
            form.addRow(row++, label("Format"), format);
            form.addRow(row++, label("Chip images"), new HBox(8, imageFormat, help("quality"), quality));
        } else if (model instanceof ManifestExportViewModel m) {
            ChoiceBox<ManifestFormat> format = new ChoiceBox<>();
            format.setId("manifestFormat");
            format.getItems().setAll(ManifestFormat.values());
            format.valueProperty().bindBidirectional(m.formatProperty());
            form.addRow(row++, label("Format"), format);
            form.addRow(row++, label("Order"), shuffleRow(m.shuffleProperty(), m.seedProperty()));
            form.addRow(row++, label(""), help(m.usesRecipe()
                    ? "One row per item the recipe selects (repeated items once per repeat): path, size, its new"
                            + " split and labels."
                    : "One row per image of the dataset: path, size, split, labels."));
        } else if (model instanceof ShardExportViewModel m) {
            TextField size = new TextField();
            size.setId("shardSize");
            size.textProperty().bindBidirectional(m.shardSizeProperty());
            size.setPrefColumnCount(10);
            form.addRow(row++, label("Shard size"), new HBox(8, size, help("bytes (256MB, 1GiB) or items (1000)")));
            form.addRow(row++, label("Order"), shuffleRow(m.shuffleProperty(), m.seedProperty()));
            form.addRow(row++, label(""), help(m.usesRecipe()
                    ? "One sample per item the recipe selects, with its new split and labels."
                    : "One sample per image of the dataset."));
        }
        return row;
    }

    private static Node shuffleRow(javafx.beans.property.BooleanProperty shuffle,
                                   javafx.beans.property.LongProperty seed) {
        CheckBox box = new CheckBox("Shuffle with seed");
        box.selectedProperty().bindBidirectional(shuffle);
        TextField seedField = new TextField(String.valueOf(seed.get()));
        seedField.setPrefColumnCount(8);
        seedField.textProperty().addListener((o, a, b) -> {
            try {
                seed.set(Long.parseLong(b.trim()));
            } catch (NumberFormatException e) {
                // keep the last valid seed until the text is a number again
            }
        });
        seedField.disableProperty().bind(shuffle.not());
        return new HBox(8, box, seedField);
    }

    private static Node outputRow(ExportViewModel model) {
        TextField field = new TextField(model.outputProperty().get() == null ? "" : model.outputProperty().get().toString());
        field.setId("exportOutput");
        HBox.setHgrow(field, Priority.ALWAYS);
        field.textProperty().addListener((o, a, b) -> {
            try {
                model.outputProperty().set(b == null || b.isBlank() ? null : Path.of(b.trim()));
            } catch (InvalidPathException e) {
                model.outputProperty().set(null);
            }
        });
        model.outputProperty().addListener((o, a, b) -> {
            String text = b == null ? "" : b.toString();
            if (!text.equals(field.getText())) {
                field.setText(text);
            }
        });
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            Window w = browse.getScene() == null ? null : browse.getScene().getWindow();
            Path current = model.outputProperty().get();
            File chosen;
            if (model.outputKind().equals("file")) {
                FileChooser chooser = new FileChooser();
                if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
                    chooser.setInitialDirectory(current.getParent().toFile());
                    chooser.setInitialFileName(current.getFileName().toString());
                }
                chosen = chooser.showSaveDialog(w);
            } else {
                DirectoryChooser chooser = new DirectoryChooser();
                if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
                    chooser.setInitialDirectory(current.getParent().toFile());
                }
                chosen = chooser.showDialog(w);
            }
            if (chosen != null) {
                model.outputProperty().set(chosen.toPath());
            }
        });
        return new HBox(8, field, browse);
    }

    private static Spinner<Integer> intSpinner(javafx.beans.property.IntegerProperty p, int min, int max, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, p.get(), step);
        s.setEditable(true);
        s.setPrefWidth(110);
        CurateView.commitOnFocusLost(s);
        s.getValueFactory().valueProperty().addListener((o, a, b) -> p.set(b == null ? min : b));
        return s;
    }

    private static Spinner<Double> doubleSpinner(javafx.beans.property.DoubleProperty p, double min, double max,
                                                 double step) {
        Spinner<Double> s = new Spinner<>(min, max, p.get(), step);
        s.setEditable(true);
        s.setPrefWidth(110);
        CurateView.commitOnFocusLost(s);
        s.getValueFactory().valueProperty().addListener((o, a, b) -> p.set(b == null ? min : b));
        return s;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("export-field-label");
        return l;
    }

    private static Label help(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("curate-help");
        l.setWrapText(true);
        l.setMaxHeight(Double.MAX_VALUE);
        return l;
    }
}
