package loupe.ui.browse;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import org.controlsfx.control.CheckComboBox;

import loupe.core.query.GalleryItem;
import loupe.core.query.ImageFilter;
import loupe.ui.fx.Styles;

/**
 * The gallery: filters on top, the count, and a grid of thumbnails. The grid is a {@link ListView} of rows
 * (a {@code VirtualFlow}): only the visible rows exist as nodes, and the list of rows is a virtual list of row
 * numbers, so a million images cost no million objects. (ControlsFX's {@code GridView} is a VirtualFlow of rows
 * as well; rows of our own make column count, page-aware refresh and stale-request cancelling explicit. See
 * docs/PERFORMANCE.md for the measurement of both.)
 */
public final class GalleryView extends BorderPane {

    private static final Duration TYPING_PAUSE = Duration.millis(250);

    private final GalleryViewModel model;
    private final ThumbnailLoader loader;
    private final ListView<Integer> grid = new ListView<>();
    private final Set<GalleryRowCell> cells = Collections.newSetFromMap(new WeakHashMap<>());
    private int columns = 1;
    private Runnable onOpen = () -> { };

    public GalleryView(GalleryViewModel model, ThumbnailLoader loader) {
        this.model = model;
        this.loader = loader;
        setId("galleryView");
        getStyleClass().add(Styles.GALLERY);
        setTop(new VBox(buildFilterBar(), buildOptionsBar()));
        setCenter(buildGrid());
        sceneProperty().addListener((obs, old, scene) -> warmUpTile());
    }

    private boolean tileWarmedUp;

    /**
     * Once, when the view enters its scene (it is made after the window's first frame, before a dataset's
     * gallery fills): one tile is made, styled and laid out and thrown away, so that the first rows of a gallery
     * do not pay for loading the classes of a tile and its label's skin and for matching their style rules.
     */
    private void warmUpTile() {
        if (tileWarmedUp || getScene() == null) {
            return;
        }
        tileWarmedUp = true;
        ThumbnailTile tile = new ThumbnailTile(model, loader);
        tile.setManaged(false);
        tile.setVisible(false);
        getChildren().add(tile);
        tile.show(-1, null, model.cellSizeProperty().get());
        tile.applyCss();
        tile.layout();
        tile.paint();
        getChildren().remove(tile);
    }

    /** What a double click or Enter on a thumbnail does (the window switches to the viewer). */
    public void setOnOpen(Runnable action) {
        onOpen = action == null ? () -> { } : action;
    }

    GalleryViewModel model() {
        return model;
    }

    ThumbnailLoader loader() {
        return loader;
    }

    int columns() {
        return columns;
    }

    void openSelected() {
        onOpen.run();
    }

    private Node buildFilterBar() {
        TextField name = new TextField();
        name.setId("galleryNameFilter");
        name.setPromptText("Search file names");
        name.setPrefColumnCount(12);
        PauseTransition typing = new PauseTransition(TYPING_PAUSE);
        typing.setOnFinished(e -> model.filterByName(name.getText()));
        name.textProperty().addListener((obs, old, text) -> typing.playFromStart());
        name.setOnAction(e -> {
            typing.stop();
            model.filterByName(name.getText());
        });

        CheckComboBox<GalleryViewModel.ClassOption> classes = new CheckComboBox<>(model.getClasses());
        classes.setId("galleryClassFilter");
        classes.setTitle("Any class");
        classes.setPrefWidth(150);
        ComboBox<String> classMode = new ComboBox<>(FXCollections.observableArrayList("any of", "all of"));
        classMode.setId("galleryClassMode");
        classMode.getSelectionModel().select(0);
        Runnable applyClasses = () -> model.filterByClasses(classes.getCheckModel().getCheckedItems().stream()
                        .map(GalleryViewModel.ClassOption::id).collect(Collectors.toSet()),
                classMode.getSelectionModel().getSelectedIndex() == 1);
        classes.getCheckModel().getCheckedItems().addListener((ListChangeListener<GalleryViewModel.ClassOption>)
                c -> {
                    List<GalleryViewModel.ClassOption> checked = classes.getCheckModel().getCheckedItems();
                    classes.setTitle(checked.isEmpty() ? "Any class" : checked.stream()
                            .map(GalleryViewModel.ClassOption::name).collect(Collectors.joining(", ")));
                    applyClasses.run();
                });
        classMode.setOnAction(e -> applyClasses.run());

        ComboBox<String> split = new ComboBox<>();
        split.setId("gallerySplitFilter");
        Runnable fillSplits = () -> {
            split.getItems().setAll("All splits");
            split.getItems().addAll(model.getSplits());
            split.getSelectionModel().select(0);
        };
        model.getSplits().addListener((ListChangeListener<String>) c -> fillSplits.run());
        fillSplits.run();
        split.setOnAction(e -> {
            int i = split.getSelectionModel().getSelectedIndex();
            model.filterBySplit(i <= 0 ? null : split.getItems().get(i));
        });

        ComboBox<String> problem = new ComboBox<>();
        problem.setId("galleryProblemFilter");
        problem.setPrefWidth(150);
        Runnable fillKinds = () -> {
            problem.getItems().setAll("Any image", "With problems");
            problem.getItems().addAll(model.getProblemKinds());
            problem.getSelectionModel().select(0);
        };
        model.getProblemKinds().addListener((ListChangeListener<String>) c -> fillKinds.run());
        fillKinds.run();
        problem.setOnAction(e -> {
            int i = problem.getSelectionModel().getSelectedIndex();
            model.filterByProblem(i <= 0 ? null : i == 1 ? ImageFilter.ANY_PROBLEM : problem.getItems().get(i));
        });

        TextField minBoxes = number("galleryMinBoxes", "min");
        TextField maxBoxes = number("galleryMaxBoxes", "max");
        Runnable applyBoxes = () -> {
            int min = (int) parse(minBoxes.getText(), 0);
            int max = (int) parse(maxBoxes.getText(), -1);
            model.filterByBoxCount(min, max >= 0 ? Math.max(min, max) : -1);
        };
        minBoxes.setOnAction(e -> applyBoxes.run());
        maxBoxes.setOnAction(e -> applyBoxes.run());
        onFocusLost(minBoxes, applyBoxes);
        onFocusLost(maxBoxes, applyBoxes);

        TextField minSide = number("galleryMinBoxSide", "min px");
        TextField maxSide = number("galleryMaxBoxSide", "max px");
        Runnable applySide = () -> {
            double min = parse(minSide.getText(), 0);
            double max = parse(maxSide.getText(), -1);
            model.filterByBoxSide(min, max >= 0 ? Math.max(min, max) : Double.POSITIVE_INFINITY);
        };
        minSide.setOnAction(e -> applySide.run());
        maxSide.setOnAction(e -> applySide.run());
        onFocusLost(minSide, applySide);
        onFocusLost(maxSide, applySide);

        Button reset = new Button("Clear filters");
        reset.setId("galleryResetFilters");
        reset.setOnAction(e -> {
            name.clear();
            classes.getCheckModel().clearChecks();
            classMode.getSelectionModel().select(0);
            split.getSelectionModel().select(0);
            problem.getSelectionModel().select(0);
            for (TextField f : new TextField[] {minBoxes, maxBoxes, minSide, maxSide}) {
                f.clear();
            }
            model.resetFilter();
        });

        FlowPane bar = new FlowPane(12, 6,
                group(name),
                group(new Label("Classes"), classMode, classes),
                group(split),
                group(problem),
                group(new Label("Boxes"), minBoxes, new Label("\u2013"), maxBoxes),
                group(new Label("Box size"), minSide, new Label("\u2013"), maxSide),
                reset);
        bar.setId("galleryFilterBar");
        bar.getStyleClass().add(Styles.FILTER_BAR);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private static HBox group(Node... nodes) {
        HBox box = new HBox(5, nodes);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static TextField number(String id, String prompt) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.setPrefColumnCount(4);
        field.setTextFormatter(new javafx.scene.control.TextFormatter<String>(
                change -> change.getControlNewText().matches("\\d{0,7}(\\.\\d{0,2})?") ? change : null));
        return field;
    }

    private static void onFocusLost(TextField field, Runnable action) {
        field.focusedProperty().addListener((obs, was, focused) -> {
            if (!focused) {
                action.run();
            }
        });
    }

    private static double parse(String text, double fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private Node buildOptionsBar() {
        Label count = new Label();
        count.setId("galleryCount");
        count.getStyleClass().add(Styles.COUNT);
        count.textProperty().bind(model.countTextProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        CheckBox boxes = new CheckBox("Boxes");
        boxes.setId("galleryShowBoxes");
        boxes.selectedProperty().bindBidirectional(model.showBoxesProperty());
        boxes.setTooltip(new Tooltip("Draw the annotation boxes over the thumbnails"));
        Slider size = new Slider(96, 320, model.cellSizeProperty().get());
        size.setId("galleryCellSize");
        size.setPrefWidth(160);
        size.valueProperty().bindBidirectional(model.cellSizeProperty());
        size.setTooltip(new Tooltip("Thumbnail size"));
        Label sizeLabel = new Label("Size");
        sizeLabel.getStyleClass().add(Styles.MUTED);
        HBox bar = new HBox(10, count, spacer, boxes, sizeLabel, size);
        bar.getStyleClass().addAll(Styles.FILTER_BAR, "gallery-options");
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private Node buildGrid() {
        grid.setId("galleryGrid");
        grid.getStyleClass().add("gallery-grid");
        grid.setCellFactory(v -> {
            GalleryRowCell cell = new GalleryRowCell(this);
            cells.add(cell);
            return cell;
        });
        grid.setFocusTraversable(true);
        Label empty = new Label();
        empty.textProperty().bind(Bindings.createStringBinding(
                () -> model.getRoot() == null ? "No dataset open" : "No image matches the filters",
                model.rootProperty()));
        empty.getStyleClass().add(Styles.MUTED);
        grid.setPlaceholder(empty);
        model.selectionVersionProperty().addListener((obs, old, v) -> rebuildRows());
        model.openingProperty().addListener((obs, was, opening) -> rebuildRows());
        model.setOnFirstPageRead(this::prefetchFirstScreen);
        model.cellSizeProperty().addListener((obs, old, v) -> layoutChanged());
        grid.widthProperty().addListener((obs, old, v) -> layoutChanged());
        grid.heightProperty().addListener((obs, old, v) -> countTilesOnScreen());
        model.showBoxesProperty().addListener((obs, old, v) -> repaintTiles());
        model.addPageListener(page -> pageArrived(page));
        model.selectedProperty().addListener((obs, old, v) -> markSelection());
        grid.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);
        layoutChanged();
        return grid;
    }

    private void onKey(KeyEvent e) {
        long delta = switch (e.getCode()) {
            case LEFT -> -1;
            case RIGHT -> 1;
            case UP -> -columns;
            case DOWN -> columns;
            case PAGE_UP -> -columns * 4L;
            case PAGE_DOWN -> columns * 4L;
            default -> 0;
        };
        if (e.getCode() == KeyCode.ENTER && model.getSelected() != null) {
            e.consume();
            onOpen.run();
            return;
        }
        if (delta == 0) {
            return;
        }
        e.consume();
        model.selectRelative(delta);
        long index = model.getSelectedIndex();
        if (index >= 0) {
            scrollIntoView((int) (index / columns));
        }
    }

    private void scrollIntoView(int row) {
        VirtualFlow<?> flow = flow();
        if (flow == null) {
            grid.scrollTo(row);
            return;
        }
        IndexedCell<?> first = flow.getFirstVisibleCell();
        IndexedCell<?> last = flow.getLastVisibleCell();
        if (first == null || last == null || row <= first.getIndex() || row >= last.getIndex()) {
            flow.scrollTo(row);
        }
    }

    private VirtualFlow<?> flow() {
        return grid.lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
    }

    /** The grid's width or the cell size changed: recompute the columns and the row height. */
    private void layoutChanged() {
        double size = model.cellSizeProperty().get();
        grid.setFixedCellSize(size + ThumbnailTile.NAME_HEIGHT + GalleryRowCell.GAP + 6);
        double width = grid.getWidth() > 0 ? grid.getWidth() : 800;
        // The vertical scroll bar and the cell padding take ~ 30 px.
        int fit = (int) Math.max(1, Math.floor((width - 30 + GalleryRowCell.GAP) / (size + GalleryRowCell.GAP)));
        if (fit != columns) {
            columns = fit;
            countTilesOnScreen();
            rebuildRows();
        } else {
            refreshCells();
        }
    }

    /**
     * The selection or the columns changed: a new virtual list of row numbers. While a dataset opens (its count
     * not known yet), a screenful of empty rows: the grid makes its row cells and tiles then, while the catalog
     * works, instead of in the frame that shows the first page, where making them (cells, tiles, their CSS and
     * layout, most of it not yet compiled on a cold start) delayed the first thumbnails by 100-300 ms. Their
     * tiles stay hidden; the placeholder text does not show meanwhile.
     */
    private void rebuildRows() {
        long count = model.getCount();
        int rows = (int) Math.min(Integer.MAX_VALUE - 1, (count + columns - 1) / columns);
        if (rows == 0 && model.isOpening()) {
            rows = rowsOnScreen();
        }
        grid.setItems(FXCollections.observableList(new RowNumbers(rows)));
        refreshCells();
    }

    /** Tiles on one screen of the grid, for the catalog thread (see {@link #prefetchFirstScreen}). */
    private volatile int tilesOnScreen = 6 * 4;

    /**
     * On the catalog thread, as soon as a dataset's first page is read: its first screen of thumbnails is read
     * from the disk cache into memory, in grid order, while the page travels to the FX thread and the rows fill,
     * so that the tiles find most of them there and the first frame of the page shows them.
     */
    private void prefetchFirstScreen(Path root, List<GalleryItem> first) {
        int n = Math.min(first.size(), tilesOnScreen);
        for (int i = 0; i < n; i++) {
            GalleryItem item = first.get(i);
            if (item.present()) {
                loader.prefetchCached(root.resolve(item.path()), item.size(), item.mtime(), item.orientation());
            }
        }
    }

    private void countTilesOnScreen() {
        tilesOnScreen = columns * rowsOnScreen();
    }

    /** How many rows fill the grid's height (a guess of 6 before it is laid out). */
    private int rowsOnScreen() {
        double height = grid.getHeight();
        return height > 0 ? (int) Math.ceil(height / grid.getFixedCellSize()) : 6;
    }

    private void refreshCells() {
        for (GalleryRowCell cell : cells) {
            cell.refill();
        }
    }

    private void pageArrived(long page) {
        long from = page * GalleryViewModel.PAGE_SIZE;
        long to = from + GalleryViewModel.PAGE_SIZE;
        for (GalleryRowCell cell : cells) {
            int row = cell.row();
            if (row >= 0 && (long) (row + 1) * columns > from && (long) row * columns < to) {
                cell.refill();
            }
        }
    }

    private void repaintTiles() {
        for (GalleryRowCell cell : cells) {
            for (ThumbnailTile t : cell.tiles()) {
                t.paint();
            }
        }
    }

    private void markSelection() {
        long selected = model.getSelectedIndex();
        for (GalleryRowCell cell : cells) {
            for (ThumbnailTile t : cell.tiles()) {
                t.markSelected(t.index() >= 0 && t.index() == selected);
            }
        }
    }

    /** A row cell was updated: tell the model which items are on screen, so it drops pages scrolled away. */
    void cellUpdated() {
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (GalleryRowCell cell : cells) {
            int row = cell.row();
            if (row >= 0 && cell.isVisible()) {
                min = Math.min(min, row);
                max = Math.max(max, row);
            }
        }
        if (max >= 0) {
            model.setVisibleRange((long) min * columns, (long) (max + 1) * columns - 1);
        }
    }

    /** Tiles that currently show a thumbnail (for tests). */
    long tilesWithImages() {
        return cells.stream().flatMap(c -> c.tiles().stream()).filter(t -> t.isVisible() && t.hasImage()).count();
    }

    ListView<Integer> grid() {
        return grid;
    }

    /** Row numbers 0..n-1 without storing them. */
    private static final class RowNumbers extends AbstractList<Integer> {
        private final int size;

        RowNumbers(int size) {
            this.size = size;
        }

        @Override
        public Integer get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException(index);
            }
            return index;
        }

        @Override
        public int size() {
            return size;
        }
    }
}
