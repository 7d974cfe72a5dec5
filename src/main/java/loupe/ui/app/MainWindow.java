package loupe.ui.app;

import java.io.File;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;

import org.controlsfx.control.StatusBar;

import loupe.ui.app.MainViewModel.Status;
import loupe.ui.browse.GalleryView;
import loupe.ui.fx.NotificationBanner;
import loupe.ui.fx.Styles;
import loupe.ui.fx.Theme;
import loupe.ui.overview.OverviewView;
import loupe.ui.problems.ProblemsView;
import loupe.ui.charts.OverviewCharts;
import loupe.ui.curate.CurateView;
import loupe.ui.curate.CurateViewModel;
import loupe.core.stats.DatasetStats;
import loupe.ui.viewer.ViewerView;

/**
 * The main window's view: menu bar, toolbar with the view switch, a notification banner, the centre (empty
 * state, indexing, message, or the current view of a loaded dataset) and a status bar. Folders open by menu,
 * toolbar, recent list, or by dropping a folder on the window. It builds nodes, binds them to the models and
 * forwards events; nothing else.
 *
 * <p>Views are added in {@link #buildViews()}: one node per {@link AppView}, built on first use and shown while it
 * is current. The placeholders of the centre are built the first time their status comes.
 */
public final class MainWindow {

    /** How often the status bar copies the running job's progress. */
    static final Duration PROGRESS_SAMPLE_INTERVAL = Duration.millis(150);

    private final Workspace workspace;
    private final MainViewModel model;
    private final Scene scene;
    private final Timeline progressSampler;
    private final Map<AppView, Node> views = new EnumMap<>(AppView.class);

    public MainWindow(Workspace workspace) {
        this.workspace = workspace;
        this.model = workspace.main();
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
        root.setTop(new VBox(buildMenuBar(), buildToolbar(), new NotificationBanner(workspace.notifications())));
        root.setCenter(buildCentre());
        root.setBottom(buildStatusBar());
        acceptDroppedFolders(root);
        scene = new Scene(root, 1280, 800);
        Styles.apply(scene, model.themeProperty().get());
        model.themeProperty().addListener((obs, old, theme) -> Styles.apply(scene, theme));
    }

    public Scene scene() {
        return scene;
    }

    /** Asks for a folder and opens it. */
    void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a dataset folder");
        // Start beside the loaded dataset: it existed when it was indexed, so no file-system check here (the FX
        // thread does no I/O).
        Path current = model.getRoot();
        if (model.getStatus() == Status.LOADED && current != null && current.getParent() != null) {
            chooser.setInitialDirectory(current.getParent().toFile());
        }
        File chosen = chooser.showDialog(scene.getWindow());
        if (chosen != null) {
            model.open(chosen.toPath());
        }
    }

    private void acceptDroppedFolders(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
                e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
            }
            e.consume();
        });
        target.setOnDragDropped(e -> {
            List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
            boolean done = files.size() == 1;
            if (done) {
                // A dropped file that is not a folder fails in the index job, which says so in the window.
                model.open(files.get(0).toPath());
            }
            e.setDropCompleted(done);
            e.consume();
        });
    }

    private Node buildMenuBar() {
        MenuItem open = new MenuItem("Open folder\u2026");
        open.setId("openMenuItem");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> chooseFolder());
        Menu recent = new Menu("Open recent");
        recent.setId("recentMenu");
        Runnable fillRecent = () -> {
            recent.getItems().clear();
            for (String folder : model.getRecent()) {
                MenuItem item = new MenuItem(folder);
                item.setMnemonicParsing(false);
                item.setOnAction(e -> model.open(Path.of(folder)));
                recent.getItems().add(item);
            }
            recent.setDisable(recent.getItems().isEmpty());
        };
        model.getRecent().addListener((ListChangeListener<String>) c -> fillRecent.run());
        fillRecent.run();
        MenuItem reindex = new MenuItem("Re-index");
        reindex.setAccelerator(new KeyCodeCombination(KeyCode.F5));
        reindex.disableProperty().bind(model.rootProperty().isNull().or(model.busyProperty()));
        reindex.setOnAction(e -> model.reindex());
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> scene.getWindow().hide());
        Menu file = new Menu("File", null, open, recent, reindex, new SeparatorMenuItem(), quit);

        Menu view = new Menu("View");
        ToggleGroup group = new ToggleGroup();
        for (AppView v : AppView.values()) {
            RadioMenuItem item = new RadioMenuItem(v.title());
            item.setId("view" + v.title() + "MenuItem");
            item.setToggleGroup(group);
            item.setAccelerator(new KeyCodeCombination(KeyCode.valueOf("DIGIT" + (v.ordinal() + 1)),
                    KeyCombination.SHORTCUT_DOWN));
            item.setSelected(model.getView() == v);
            item.setOnAction(e -> model.setView(v));
            model.viewProperty().addListener((obs, old, now) -> item.setSelected(now == v));
            view.getItems().add(item);
        }
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setId("darkThemeMenuItem");
        dark.setSelected(model.themeProperty().get() == Theme.DARK);
        dark.setOnAction(e -> model.themeProperty().set(dark.isSelected() ? Theme.DARK : Theme.LIGHT));
        model.themeProperty().addListener((obs, old, t) -> dark.setSelected(t == Theme.DARK));
        view.getItems().addAll(new SeparatorMenuItem(), dark);
        MenuBar bar = new MenuBar(file, view);
        bar.setId("menuBar");
        return bar;
    }

    private Node buildToolbar() {
        Button open = new Button("Open folder\u2026");
        open.setId("openFolderButton");
        open.setTooltip(new Tooltip("Open a dataset folder (Ctrl+O), or drop one on the window"));
        open.setOnAction(e -> chooseFolder());
        Button reindex = new Button("Re-index");
        reindex.setId("reindexButton");
        reindex.setTooltip(new Tooltip("Index the folder again; only changed files are read (F5)"));
        reindex.disableProperty().bind(model.rootProperty().isNull().or(model.busyProperty()));
        reindex.setOnAction(e -> model.reindex());
        HBox switcher = new HBox();
        switcher.getStyleClass().add(Styles.VIEW_BAR);
        ToggleGroup group = new ToggleGroup();
        for (AppView v : AppView.values()) {
            ToggleButton b = new ToggleButton(v.title());
            b.setId("view" + v.title() + "Button");
            b.setToggleGroup(group);
            b.setTooltip(new Tooltip(v.title() + " (Ctrl+" + (v.ordinal() + 1) + ")"));
            b.setSelected(model.getView() == v);
            b.setOnAction(e -> {
                model.setView(v);
                b.setSelected(true); // a toggle group lets the selected button be clicked off
            });
            model.viewProperty().addListener((obs, old, now) -> b.setSelected(now == v));
            switcher.getChildren().add(b);
        }
        Label folder = new Label();
        folder.setId("rootLabel");
        folder.getStyleClass().add(Styles.MUTED);
        folder.textProperty().bind(Bindings.createStringBinding(
                () -> model.getRoot() == null ? "" : model.getRoot().toString(), model.rootProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ToolBar bar = new ToolBar(open, reindex, switcher, spacer, folder);
        bar.setId("toolBar");
        return bar;
    }

    private Node buildCentre() {
        StackPane centre = new StackPane(
                lazyWhen(this::buildEmptyState, Status.EMPTY),
                lazyWhen(this::buildIndexingPane, Status.INDEXING),
                lazyWhen(this::buildMessagePane, Status.FAILED, Status.CANCELLED),
                showWhen(buildViews(), Status.LOADED));
        centre.setId("centre");
        return centre;
    }

    /** The Curate view of the open dataset, remade when another dataset opens (once it is shown). */
    private Node buildCurateHolder() {
        Label waiting = new Label("Reading the index for curation\u2026");
        StackPane holder = new StackPane(waiting);
        holder.setId("curateView");
        // Made while the view is shown only: a CurateView (charts, tables, its first preview) is a long frame that
        // a dataset opening in the background must not cost a user who is scrolling the gallery. A view of an
        // older model is dropped at once.
        CurateViewModel[] shown = {null};
        Runnable show = () -> {
            CurateViewModel curate = workspace.curateProperty().get();
            if (curate == shown[0]) {
                return;
            }
            if (curate != null && holder.isVisible()) {
                shown[0] = curate;
                holder.getChildren().setAll(new CurateView(curate));
            } else {
                shown[0] = null;
                holder.getChildren().setAll(waiting);
            }
        };
        workspace.curateProperty().addListener((obs, old, curate) -> show.run());
        holder.visibleProperty().addListener((obs, was, visible) -> show.run());
        show.run(); // made when first current, so shown: catch up with a model made before
        return holder;
    }

    /**
     * The views' stack. Each view is built the first time it is current and the window has drawn its first frame
     * (or a dataset is loaded), so that start-up builds, styles and lays out only the menus, toolbar, status bar
     * and the placeholder it shows: the charts, tables, gallery and viewer with their skins were ~1,300 more classes
     * to load and style before the first frame (see docs/PERFORMANCE.md, Gallery).
     */
    private Node buildViews() {
        StackPane pane = new StackPane();
        pane.setId("views");
        Runnable buildCurrent = () -> {
            if (firstFrameDrawn || model.getStatus() == Status.LOADED) {
                viewNode(model.getView(), pane);
            }
        };
        model.viewProperty().addListener((obs, old, v) -> {
            buildCurrent.run();
            Node node = views.get(v);
            if (node != null) {
                node.requestFocus();
            }
        });
        model.statusProperty().addListener((obs, old, s) -> buildCurrent.run());
        afterFirstFrame(() -> {
            firstFrameDrawn = true;
            buildCurrent.run();
        });
        return pane;
    }

    /** Set once the first frame is on screen: from then on the current view is built at once. */
    private boolean firstFrameDrawn;

    /** The node of {@code view}, built and added to {@code pane} on first use. */
    private Node viewNode(AppView view, StackPane pane) {
        Node node = views.get(view);
        if (node != null) {
            return node;
        }
        node = switch (view) {
            case OVERVIEW -> {
                OverviewCharts charts = new OverviewCharts(workspace::showClassInGallery);
                OverviewView overview = new OverviewView(model, charts);
                // The charts take new statistics while they are shown: filling them is a long frame, which
                // statistics arriving in the background must not cost a user scrolling the gallery.
                DatasetStats[] shown = {null};
                Runnable apply = () -> {
                    DatasetStats stats = workspace.statsProperty().get();
                    if (stats != null && stats != shown[0] && overview.isVisible()) {
                        shown[0] = stats;
                        charts.setStats(stats);
                    }
                };
                workspace.statsProperty().addListener((obs, old, stats) -> apply.run());
                overview.visibleProperty().addListener((obs, was, visible) -> apply.run());
                apply.run(); // made when first current, so shown: catch up with statistics read before
                yield overview;
            }
            case GALLERY -> {
                GalleryView gallery = new GalleryView(workspace.gallery(), workspace.thumbnails());
                gallery.setOnOpen(() -> model.setView(AppView.VIEWER));
                yield gallery;
            }
            case VIEWER -> new ViewerView(workspace.viewer());
            case PROBLEMS -> new ProblemsView(workspace.problems());
            case CURATE -> buildCurateHolder();
        };
        views.put(view, node);
        node.visibleProperty().bind(model.viewProperty().isEqualTo(view));
        node.managedProperty().bind(node.visibleProperty());
        pane.getChildren().add(node);
        return node;
    }

    /**
     * Runs {@code then} on the FX thread once the first frame has been drawn: an animation timer's second pulse
     * starts after the first pulse's frame was rendered. Before the scene is shown no pulse comes, so this also
     * waits for the window.
     */
    static void afterFirstFrame(Runnable then) {
        new javafx.animation.AnimationTimer() {
            private int pulses;

            @Override
            public void handle(long now) {
                if (++pulses == 2) {
                    stop();
                    then.run();
                }
            }
        }.start();
    }

    /** A holder shown in {@code states}, whose content is built the first time one of them is current. */
    private Node lazyWhen(java.util.function.Supplier<Node> build, Status... states) {
        StackPane holder = new StackPane();
        holder.setPickOnBounds(false);
        Runnable fill = () -> {
            if (holder.getChildren().isEmpty() && holder.isVisible()) {
                Node content = build.get();
                // Tests and look-ups ask the content (by id) whether it is shown.
                content.visibleProperty().bind(holder.visibleProperty());
                holder.getChildren().add(content);
            }
        };
        showWhen(holder, states);
        holder.visibleProperty().addListener((obs, was, visible) -> fill.run());
        fill.run();
        return holder;
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
        java.util.function.Consumer<Status> styleFor = status -> {
            text.getStyleClass().remove(Styles.ERROR_MESSAGE);
            if (status == Status.FAILED) {
                text.getStyleClass().add(Styles.ERROR_MESSAGE);
            }
        };
        styleFor.accept(model.getStatus()); // built when the first failure or cancel is shown
        model.statusProperty().addListener((obs, old, status) -> styleFor.accept(status));
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
