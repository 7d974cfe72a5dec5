package loupe.ui.charts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.core.task.Progress;
import loupe.ui.curate.CurateView;
import loupe.ui.curate.CurateViewModel;
import loupe.ui.fx.FxJobs;
import loupe.ui.fx.Snapshots;

/**
 * Shows the Overview charts or the Curate view on a dataset (default {@code assets/sample}), to look at them by
 * hand or to write a screenshot (not a test).
 *
 * <pre>
 * UiPartsDemo charts|curate [--dataset DIR] [--dark] [--size WxH] [--drop CLASS] [--snapshot OUT.png]
 * </pre>
 */
public final class UiPartsDemo {

    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    private UiPartsDemo() {
    }

    public static void main(String[] args) {
        JAVAFX_LOG.setLevel(java.util.logging.Level.SEVERE);
        Application.launch(App.class, args);
    }

    /** The demo application. */
    public static final class App extends Application {

        private Catalog catalog;
        private ScheduledExecutorService worker;

        @Override
        public void start(Stage stage) throws Exception {
            List<String> args = getParameters().getRaw();
            String what = args.isEmpty() ? "charts" : args.get(0);
            Path dataset = Path.of("assets", "sample");
            boolean dark = false;
            boolean log = false;
            int width = 1400;
            int height = 900;
            String drop = null;
            String rename = null;
            boolean stratified = false;
            String dialog = null;
            Path snapshot = null;
            for (int i = 1; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--dataset" -> dataset = Path.of(args.get(++i));
                    case "--dark" -> dark = true;
                    case "--log" -> log = true;
                    case "--drop" -> drop = args.get(++i);
                    case "--rename" -> rename = args.get(++i);
                    case "--stratified" -> stratified = true;
                    case "--dialog" -> dialog = args.get(++i);
                    case "--size" -> {
                        String[] wh = args.get(++i).split("x");
                        width = Integer.parseInt(wh[0]);
                        height = Integer.parseInt(wh[1]);
                    }
                    case "--snapshot" -> snapshot = Path.of(args.get(++i));
                    default -> throw new IllegalArgumentException("unknown argument " + args.get(i));
                }
            }
            Path catalogFile = Files.createTempDirectory("loupe-parts-demo").resolve("catalog.duckdb");
            catalog = Catalog.open(catalogFile);
            new Indexer(IndexOptions.defaults()).index(catalog, dataset.toAbsolutePath(), Progress.NONE);
            Parent root;
            if (what.equals("charts")) {
                OverviewCharts charts = new OverviewCharts(id -> System.out.println("clicked class " + id));
                DatasetStats all = Statistics.compute(catalog, null, 100);
                charts.setStats(all);
                for (DatasetStats.SplitCount s : all.splits()) {
                    charts.model().putSplitStats(s.name(), Statistics.compute(catalog, s.name(), 100));
                }
                charts.model().logScaleProperty().set(log);
                root = charts;
            } else {
                worker = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "loupe-curate-1");
                    t.setDaemon(true);
                    return t;
                });
                CurateViewModel model = new CurateViewModel(catalog, worker, Platform::runLater,
                        FxJobs.runner(worker));
                root = new CurateView(model);
                model.start();
                String name = drop;
                String[] renameTo = rename == null ? null : rename.split("=", 2);
                boolean strat = stratified;
                PauseTransition later = new PauseTransition(Duration.seconds(1.5));
                later.setOnFinished(e -> {
                    model.classRows().stream().filter(r -> r.sourceName().equals(name))
                            .forEach(r -> r.keepProperty().set(false));
                    if (renameTo != null) {
                        model.classRows().stream().filter(r -> r.sourceName().equals(renameTo[0]))
                                .forEach(r -> r.newNameProperty().set(renameTo[1]));
                    }
                    if (strat) {
                        model.ratioRows().get(0).shareProperty().set(0.7);
                        model.ratioRows().get(1).shareProperty().set(0.15);
                        model.ratioRows().get(2).shareProperty().set(0.15);
                        model.splitMethodProperty().set(CurateViewModel.SplitMethod.STRATIFIED);
                    }
                });
                later.play();
            }
            if (dark) {
                root.setStyle("-fx-base: #2f3136; -fx-background: #232428; -fx-control-inner-background: #2a2b30;"
                        + " -fx-accent: #4b8be0;");
            }
            stage.setScene(new Scene(root, width, height));
            stage.setTitle("Loupe " + what + " demo");
            stage.show();
            Stage[] shown = {stage};
            if (dialog != null && root instanceof CurateView view) {
                String kind = dialog;
                PauseTransition later = new PauseTransition(Duration.seconds(2));
                later.setOnFinished(e -> {
                    CurateViewModel m = view.model();
                    shown[0] = loupe.ui.curate.ExportDialogs.show(stage, switch (kind) {
                        case "chips" -> m.newChipExport();
                        case "manifest" -> m.newManifestExport();
                        case "shards" -> m.newShardExport();
                        default -> m.newSubsetExport();
                    });
                    if (args.contains("--dark")) {
                        shown[0].getScene().getRoot().setStyle(root.getStyle());
                    }
                });
                later.play();
            }
            if (snapshot != null) {
                Path out = snapshot;
                PauseTransition wait = new PauseTransition(Duration.seconds(what.equals("charts") ? 1 : 4));
                wait.setOnFinished(e -> {
                    try {
                        Snapshots.capture(shown[0].getScene()).writePng(out);
                        System.out.println("wrote " + out);
                    } catch (Exception ex) {
                        ex.printStackTrace();
                    }
                    Platform.exit();
                });
                wait.play();
            }
        }

        @Override
        public void stop() throws Exception {
            if (worker != null) {
                worker.shutdownNow();
            }
            if (catalog != null) {
                catalog.close();
            }
        }
    }
}
