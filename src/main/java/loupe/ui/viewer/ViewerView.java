package loupe.ui.viewer;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;

import loupe.core.model.Problem;

/**
 * The viewer screen: the {@link ImageViewer} canvas, a side panel (orientation notice, class toggles with counts,
 * the image's annotations and problems) and a status line (zoom, hovered annotation). Keys: {@code +}/{@code -}
 * zoom, {@code 1} 1:1, {@code 0} fit, arrows pan, Page Down/Space next image, Page Up/Backspace previous.
 */
public final class ViewerView extends BorderPane {

    private final ViewerViewModel model;
    private final ImageViewer viewer;

    public ViewerView(ViewerViewModel model) {
        this.model = model;
        this.viewer = new ImageViewer(model);
        setId("viewerView");
        SplitPane split = new SplitPane(viewer, buildSidePanel());
        split.setDividerPositions(0.78);
        SplitPane.setResizableWithParent(split.getItems().get(1), false);
        setCenter(split);
        setBottom(buildStatusLine());
        addEventHandler(KeyEvent.KEY_PRESSED, this::onKey);
    }

    public ImageViewer viewer() {
        return viewer;
    }

    public ViewerViewModel model() {
        return model;
    }

    private void onKey(KeyEvent e) {
        if (e.isShortcutDown() || e.isControlDown() || e.isAltDown() || e.isMetaDown()) {
            return; // Ctrl+1 and friends belong to the window (view switching), not to zoom
        }
        KeyCode code = e.getCode();
        String text = e.getText();
        boolean handled = true;
        if (code == KeyCode.PLUS || code == KeyCode.ADD || code == KeyCode.EQUALS || "+".equals(text)) {
            model.zoomIn();
        } else if (code == KeyCode.MINUS || code == KeyCode.SUBTRACT || "-".equals(text)) {
            model.zoomOut();
        } else if (code == KeyCode.DIGIT1 || code == KeyCode.NUMPAD1) {
            model.actualSize();
        } else if (code == KeyCode.DIGIT0 || code == KeyCode.NUMPAD0) {
            model.fit();
        } else if (code == KeyCode.LEFT) {
            model.panStep(-1, 0);
        } else if (code == KeyCode.RIGHT) {
            model.panStep(1, 0);
        } else if (code == KeyCode.UP) {
            model.panStep(0, -1);
        } else if (code == KeyCode.DOWN) {
            model.panStep(0, 1);
        } else if (code == KeyCode.PAGE_DOWN || code == KeyCode.SPACE) {
            model.next();
        } else if (code == KeyCode.PAGE_UP || code == KeyCode.BACK_SPACE) {
            model.previous();
        } else {
            handled = false;
        }
        if (handled) {
            e.consume();
        }
    }

    private Region buildSidePanel() {
        Label orientationNotice = new Label();
        orientationNotice.setId("orientationNotice");
        orientationNotice.setWrapText(true);
        orientationNotice.setStyle("-fx-text-fill: #b36b00;");
        CheckBox rotate = new CheckBox("View as rotated (image and boxes)");
        rotate.setId("viewRotatedToggle");
        rotate.selectedProperty().bindBidirectional(model.viewRotatedProperty());
        VBox orientationBox = new VBox(4, orientationNotice, rotate);
        orientationNotice.setMinHeight(Region.USE_PREF_SIZE);
        rotate.setWrapText(true);
        Runnable describe = () -> {
            Orientation o = model.itemOrientation();
            orientationBox.setVisible(!o.isNormal());
            orientationBox.setManaged(!o.isNormal());
            orientationNotice.setText("This image has EXIF orientation " + o.code() + " (" + o.describe() + "). "
                    + (model.viewRotatedProperty().get() ? "Shown rotated: image and boxes are both transformed."
                    : "Shown as stored, the frame the boxes are in."));
        };
        model.itemProperty().addListener((obs, was, now) -> describe.run());
        model.viewRotatedProperty().addListener((obs, was, now) -> describe.run());
        describe.run(); // the view may be made after its first item was opened

        ListView<ClassToggle> classes = new ListView<>(model.classes());
        classes.setId("classList");
        classes.setPrefHeight(140);
        classes.setCellFactory(list -> new ClassCell());

        ListView<ViewerAnnotation> annotations = new ListView<>(model.annotations());
        annotations.setId("annotationList");
        annotations.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(ViewerAnnotation item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.describe());
                setGraphic(empty || item == null ? null : swatch(item.classId()));
            }
        });
        // Selecting an annotation brings it into view (at the current zoom).
        annotations.getSelectionModel().selectedItemProperty().addListener((obs, was, now) -> {
            double[] e = now == null ? null : model.displayExtent(now);
            if (e != null) {
                model.centerOn((e[0] + e[2]) / 2, (e[1] + e[3]) / 2);
            }
        });
        ListView<Problem> problems = new ListView<>(model.problems());
        problems.setId("problemList");
        problems.setPrefHeight(110);
        problems.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(Problem item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.severity() + " "
                        + (item.kind() == null ? "" : item.kind() + ": ") + item.message());
                setWrapText(true);
            }
        });
        Label classTitle = title("Classes");
        Label annotationTitle = title("Annotations");
        annotationTitle.textProperty().bind(Bindings.size(model.annotations()).asString("Annotations (%d)"));
        Label problemTitle = title("Problems");
        problemTitle.textProperty().bind(Bindings.size(model.problems()).asString("Problems (%d)"));
        VBox panel = new VBox(6, orientationBox, classTitle, classes, annotationTitle, annotations, problemTitle,
                problems);
        VBox.setVgrow(annotations, Priority.ALWAYS);
        panel.setPadding(new Insets(8));
        panel.setMinWidth(220);
        panel.setPrefWidth(300);
        panel.setId("viewerSidePanel");
        return panel;
    }

    private static Label title(String text) {
        Label label = new Label(text);
        label.setStyle("-fx-font-weight: bold;");
        return label;
    }

    private static Rectangle swatch(int classId) {
        Rectangle r = new Rectangle(10, 10, ClassColors.of(classId));
        r.setStroke(ClassColors.of(classId).darker());
        return r;
    }

    private HBox buildStatusLine() {
        Label zoom = new Label();
        zoom.setId("zoomLabel");
        zoom.setMinWidth(90);
        zoom.textProperty().bind(Bindings.createStringBinding(() -> {
            Viewport v = model.getViewport();
            if (v == null) {
                return "";
            }
            String percent = String.format("%.0f%%", v.scale() * 100);
            return model.isFitMode() ? "Fit (" + percent + ")" : percent;
        }, model.viewportProperty(), model.fitModeProperty()));
        Label size = new Label();
        size.setId("sizeLabel");
        size.textProperty().bind(Bindings.createStringBinding(() -> {
            TileLayer layer = model.getLayer();
            if (layer == null) {
                return model.getMessage();
            }
            return model.getItem().file().getFileName() + "  \u00b7  " + model.imageWidth() + " x "
                    + model.imageHeight() + " px" + (layer.source().levels().size() > 1
                    ? "  \u00b7  " + layer.source().levels().size() + " levels" : "");
        }, model.layerProperty(), model.messageProperty()));
        Label hover = new Label();
        hover.setId("hoverLabel");
        hover.textProperty().bind(Bindings.createStringBinding(() -> {
            ViewerAnnotation a = model.getHovered();
            return a == null ? "" : a.describe();
        }, model.hoveredProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox line = new HBox(16, zoom, size, spacer, hover);
        line.setAlignment(Pos.CENTER_LEFT);
        line.setPadding(new Insets(3, 8, 3, 8));
        line.setId("viewerStatusLine");
        return line;
    }

    /** A class with a colour swatch, its count and a check box that shows or hides its annotations. */
    private static final class ClassCell extends ListCell<ClassToggle> {
        private final CheckBox box = new CheckBox();
        private ClassToggle bound;

        @Override
        protected void updateItem(ClassToggle item, boolean empty) {
            super.updateItem(item, empty);
            if (bound != null) {
                box.selectedProperty().unbindBidirectional(bound.visibleProperty());
                bound = null;
            }
            if (empty || item == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            box.setText(item.name() + " (" + item.count() + ")");
            box.setId("classToggle-" + item.id());
            box.setSelected(item.isVisible());
            box.selectedProperty().bindBidirectional(item.visibleProperty());
            bound = item;
            HBox row = new HBox(6, swatch(item.id()), box);
            row.setAlignment(Pos.CENTER_LEFT);
            setGraphic(row);
            setText(null);
        }
    }
}
