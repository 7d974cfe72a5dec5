package loupe.ui.browse;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.skin.VirtualFlow;
import javafx.stage.Stage;

import org.controlsfx.control.GridCell;
import org.controlsfx.control.GridView;

import loupe.core.thumbs.ThumbnailService;
import loupe.ui.app.AppServices;
import loupe.ui.app.AppView;
import loupe.ui.app.MainViewModel;
import loupe.ui.app.MainWindow;
import loupe.ui.app.Workspace;

/**
 * Benchmark harness for bench/gallery.sh; not a test (never run by {@code ./mvnw verify}). Modes:
 * <ul>
 * <li>{@code window ROOT} — cold start to a painted window, opening an indexed dataset to a filled gallery, then
 * FX frame times while scrolling the gallery smoothly and jumping around in it (run under Xvfb);</li>
 * <li>{@code cached ROOT} — from the filled gallery to every visible tile showing its thumbnail (run twice: the
 * second run reads the disk cache);</li>
 * <li>{@code gridview N} — ControlsFX GridView with N lightweight items: creation and scrolling frame times;</li>
 * <li>{@code rate DIR THREADS} — thumbnails (decode, scale to 256 px, encode and write a JPEG) per second.</li>
 * </ul>
 * Prints one line per result: {@code RESULT name value unit}.
 */
public final class GalleryBench {

    private GalleryBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("rate")) {
            rate(Path.of(args[1]), Integer.parseInt(args[2]));
        } else {
            Application.launch(BenchApp.class, args);
        }
    }

    static void result(String name, double value, String unit) {
        System.out.printf(Locale.ROOT, "RESULT %s %.1f %s%n", name, value, unit);
        System.out.flush();
    }

    private static void rate(Path dir, int threads) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        ThumbnailService service = new ThumbnailService(Files.createTempDirectory("loupe-bench-thumbs"), 256);
        // Warm up the JIT and the readers on a few files first, as in a running app.
        for (Path p : files.subList(0, Math.min(50, files.size()))) {
            service.generate(p);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            jobs.add(pool.submit(() -> {
                // As the gallery does: decode, scale, encode and write the JPEG into the (empty) disk cache.
                for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                    Path file = files.get(i);
                    service.load(file, Files.size(file), Files.getLastModifiedTime(file).toMillis());
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        result("thumbnails_per_s_" + threads + "_threads", files.size() / seconds, "images/s");
    }

    /** Frame times between AnimationTimer pulses while {@code step} runs once per frame. */
    static final class FrameRecorder extends AnimationTimer {
        private final long[] deltas;
        private final Runnable step;
        private final Runnable done;
        private long last;
        private int n;

        FrameRecorder(int frames, Runnable step, Runnable done) {
            this.deltas = new long[frames];
            this.step = step;
            this.done = done;
        }

        @Override
        public void handle(long now) {
            if (last != 0) {
                deltas[n++] = now - last;
            }
            last = now;
            if (n == deltas.length) {
                stop();
                done.run();
                return;
            }
            step.run();
        }

        void report(String name) {
            long[] sorted = Arrays.copyOf(deltas, n);
            Arrays.sort(sorted);
            long over = Arrays.stream(sorted).filter(d -> d > 50_000_000L).count();
            result(name + "_frames", n, "frames");
            result(name + "_frame_p50", sorted[n / 2] / 1e6, "ms");
            result(name + "_frame_p99", sorted[(int) Math.min(n - 1, Math.floor(n * 0.99))] / 1e6, "ms");
            result(name + "_frame_max", sorted[n - 1] / 1e6, "ms");
            result(name + "_frames_over_50ms", over, "frames");
        }
    }

    /** Smooth scrolling then random jumps, reported under {@code prefix}; then {@code done}. */
    static void scrollAndJump(VirtualFlow<?> flow, int rows, String prefix, Runnable done) {
        Random random = new Random(42);
        FrameRecorder[] jumps = new FrameRecorder[1];
        FrameRecorder[] smooth = new FrameRecorder[1];
        jumps[0] = new FrameRecorder(300, () -> flow.scrollTo(random.nextInt(rows)), () -> {
            jumps[0].report(prefix + "jump");
            done.run();
        });
        smooth[0] = new FrameRecorder(900, () -> flow.scrollPixels(300), () -> {
            smooth[0].report(prefix + "smooth");
            jumps[0].start();
        });
        smooth[0].start();
    }

    public static final class BenchApp extends Application {

        private AppServices services;

        @Override
        public void start(Stage stage) {
            List<String> args = getParameters().getRaw();
            if (args.get(0).equals("gridview")) {
                gridView(stage, Integer.parseInt(args.get(1)));
            } else {
                window(stage, args.get(0), Path.of(args.get(1)));
            }
        }

        private void window(Stage stage, String mode, Path root) {
            services = new AppServices();
            MainViewModel model = services.newMainModel();
            model.setView(AppView.GALLERY);
            Workspace workspace = services.newWorkspace(model, Platform::runLater);
            MainWindow window = new MainWindow(workspace);
            stage.setScene(window.scene());
            stage.setWidth(1400);
            stage.setHeight(880);
            stage.show();
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    stop();
                    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
                    result("cold_start_to_first_frame", System.currentTimeMillis() - jvmStart, "ms");
                    long t0 = System.nanoTime();
                    GalleryViewModel vm = workspace.gallery();
                    checking = new java.util.concurrent.atomic.AtomicBoolean(false);
                    model.statusProperty().addListener((obs, old, s) -> {
                        if (s == MainViewModel.Status.LOADED) {
                            result("open_to_loaded", (System.nanoTime() - t0) / 1e6, "ms");
                        }
                    });
                    // A reopened folder is checked for changes after it is shown ("Checking for changes..." in the
                    // status bar until then).
                    model.statusTextProperty().addListener((obs, old, text) -> {
                        if (text.startsWith("Checking")) {
                            checking.set(true);
                        } else if (old.startsWith("Checking") && checking.getAndSet(false)) {
                            result("open_to_check_done", (System.nanoTime() - t0) / 1e6, "ms");
                            result("check_found_changes", text.startsWith("Up to date") ? 0 : 1, "");
                        }
                    });
                    long[] filled = {0};
                    vm.addPageListener(page -> {
                        if (page == 0 && filled[0] == 0) {
                            filled[0] = System.nanoTime();
                            result("open_to_filled_gallery", (filled[0] - t0) / 1e6, "ms");
                            result("gallery_images", vm.getCount(), "images");
                            // The window builds a view the first time it is shown (after its first frame).
                            Platform.runLater(() -> afterFilled(mode,
                                    (GalleryView) stage.getScene().lookup("#galleryView"), filled[0]));
                        }
                    });
                    model.open(root);
                }
            }.start();
        }

        private void afterFilled(String mode, GalleryView gallery, long filledAt) {
            if (mode.equals("cached")) {
                long start = System.nanoTime();
                new AnimationTimer() {
                    @Override
                    public void handle(long now) {
                        long visible = gallery.grid().lookupAll(".gallery-tile").stream()
                                .filter(n -> n.isVisible() && n.getParent() != null).count();
                        long withImages = gallery.tilesWithImages();
                        // The last, partly visible row may hold fewer tiles: allow one row short.
                        if (visible > 0 && withImages >= visible - gallery.columns()) {
                            stop();
                            result("filled_gallery_to_visible_thumbnails", (System.nanoTime() - filledAt) / 1e6,
                                    "ms");
                            result("thumbnails_visible", withImages, "tiles");
                            result("thumbnails_from_disk", gallery.loader().fromDiskCount(), "thumbnails");
                            result("thumbnails_generated", gallery.loader().generatedCount(), "thumbnails");
                            Platform.exit();
                        } else if (System.nanoTime() - start > 30e9) {
                            stop();
                            result("thumbnails_timeout", withImages, "tiles");
                            Platform.exit();
                        }
                    }
                }.start();
                return;
            }
            // The folder was shown before its check for changes ran; scroll once that is done (it is reported),
            // or at once with -Dbench.scrollDuringCheck=true.
            if (!Boolean.getBoolean("bench.scrollDuringCheck") && checking != null && checking.get()) {
                long waitFrom = System.nanoTime();
                new AnimationTimer() {
                    @Override
                    public void handle(long now) {
                        if (!checking.get() || System.nanoTime() - waitFrom > 120e9) {
                            stop();
                            result("filled_gallery_to_check_done", (System.nanoTime() - filledAt) / 1e6, "ms");
                            scroll(gallery);
                        }
                    }
                }.start();
                return;
            }
            scroll(gallery);
        }

        private java.util.concurrent.atomic.AtomicBoolean checking;

        private void scroll(GalleryView gallery) {
            VirtualFlow<?> flow = (VirtualFlow<?>) gallery.grid().lookup(".virtual-flow");
            scrollAndJump(flow, gallery.grid().getItems().size(), "gallery_", () -> {
                result("pages_dropped_or_loaded_thumbnails_dropped", gallery.loader().droppedCount(), "requests");
                Platform.exit();
            });
        }

        private void gridView(Stage stage, int n) {
            long t0 = System.nanoTime();
            GridView<Integer> grid = new GridView<>(FXCollections.observableList(new AbstractList<Integer>() {
                @Override
                public Integer get(int index) {
                    return index;
                }

                @Override
                public int size() {
                    return n;
                }
            }));
            grid.setCellWidth(176);
            grid.setCellHeight(196);
            grid.setCellFactory(g -> new GridCell<>() {
                private final Label label = new Label();

                @Override
                protected void updateItem(Integer item, boolean empty) {
                    super.updateItem(item, empty);
                    label.setText(empty || item == null ? null : "#" + item);
                    setGraphic(empty ? null : label);
                }
            });
            stage.setScene(new Scene(grid, 1400, 880));
            stage.show();
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    stop();
                    result("gridview_create_to_first_frame", (System.nanoTime() - t0) / 1e6, "ms");
                    VirtualFlow<?> flow = (VirtualFlow<?>) grid.lookup(".virtual-flow");
                    scrollAndJump(flow, flow.getCellCount(), "gridview_", Platform::exit);
                }
            }.start();
        }

        @Override
        public void stop() throws Exception {
            if (services != null) {
                services.close();
            }
        }
    }
}
