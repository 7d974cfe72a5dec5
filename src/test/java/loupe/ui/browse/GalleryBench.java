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
        Path cache = Files.createTempDirectory("loupe-bench-thumbs");
        ThumbnailService service = new ThumbnailService(cache, 256);
        // Warm up the JIT and the readers on a few files first, as in a running app.
        for (Path p : files.subList(0, Math.min(50, files.size()))) {
            service.generate(p);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        // CPU time of the whole process (workers, GC, JIT) per thumbnail: less at the mercy of a loaded machine than
        // the wall-clock rate.
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
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
        System.out.printf(Locale.ROOT, "RESULT thumbnails_process_cpu_per_image %.3f ms%n",
                (os.getProcessCpuTime() - cpu0) / 1e6 / files.size());
        // The thumbnails made are thrown away, as bench/gallery.sh does with PIL's and vips' outputs.
        try (Stream<Path> s = Files.walk(cache)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Frame times while {@code step} runs once per frame, three ways: the wall time between AnimationTimer pulses
     * (includes waiting for the renderer and for a core on a loaded machine), the FX thread's CPU time between
     * pulses (its own work: the step, CSS, layout, syncing the render graph, and the events handled between
     * pulses such as pages and thumbnails arriving), and the wall time from the pulse's start to the end of its
     * layout pass (the part of the pulse that runs our code).
     */
    static final class FrameRecorder extends AnimationTimer {
        private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private final long[] deltas;
        private final long[] cpu;
        private final long[] busy;
        private final long[] renderCpu;
        private final long[] runQueue;
        private final Runnable step;
        private final Runnable done;
        private final Runnable afterLayout = this::afterLayout;
        private Scene scene;
        private long last;
        private long lastCpu;
        private long lastRenderCpu;
        private long lastRunQueue;
        private long renderer = -1;
        private long pulseStart;
        private int n;
        private int nBusy;

        FrameRecorder(int frames, Runnable step, Runnable done) {
            this.deltas = new long[frames];
            this.cpu = new long[frames];
            this.busy = new long[frames];
            this.renderCpu = new long[frames];
            this.runQueue = new long[frames];
            this.step = step;
            this.done = done;
        }

        /** Also records the pulse's own time up to its layout pass in {@code scene}. */
        FrameRecorder on(Scene s) {
            scene = s;
            return this;
        }

        @Override
        public void start() {
            if (scene != null) {
                scene.addPostLayoutPulseListener(afterLayout);
            }
            super.start();
        }

        private void afterLayout() {
            if (pulseStart != 0 && nBusy < busy.length) {
                busy[nBusy++] = System.nanoTime() - pulseStart;
                pulseStart = 0;
            }
        }

        @Override
        public void handle(long now) {
            long wall = System.nanoTime();
            long thread = THREADS.getCurrentThreadCpuTime();
            if (renderer < 0) {
                renderer = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("QuantumRenderer")).mapToLong(Thread::getId)
                        .findFirst().orElse(0);
            }
            long render = renderer > 0 ? THREADS.getThreadCpuTime(renderer) : 0;
            long waited = runQueueNanos();
            if (last != 0) {
                deltas[n] = wall - last;
                cpu[n] = thread - lastCpu;
                renderCpu[n] = render - lastRenderCpu;
                runQueue[n] = waited - lastRunQueue;
                n++;
            }
            last = wall;
            lastCpu = thread;
            lastRenderCpu = render;
            lastRunQueue = waited;
            if (n == deltas.length) {
                stop();
                if (scene != null) {
                    scene.removePostLayoutPulseListener(afterLayout);
                }
                done.run();
                return;
            }
            pulseStart = wall;
            step.run();
        }

        void report(String name) {
            result(name + "_frames", n, "frames");
            report(name + "_frame", deltas, n);
            report(name + "_fx_cpu", cpu, n);
            report(name + "_render_cpu", renderCpu, n);
            report(name + "_fx_runqueue_wait", runQueue, n);
            if (nBusy > 0) {
                report(name + "_pulse_to_layout_done", busy, nBusy);
            }
        }

        /**
         * Time this (the FX) thread spent runnable but waiting for a core, from Linux's schedstat (its second
         * field); 0 where that file does not exist.
         */
        private static long runQueueNanos() {
            try {
                String[] f = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
                return Long.parseLong(f[1]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }

        private static void report(String name, long[] values, int count) {
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            long over = Arrays.stream(sorted).filter(d -> d > 50_000_000L).count();
            result(name + "_p50", sorted[count / 2] / 1e6, "ms");
            result(name + "_p99", sorted[(int) Math.min(count - 1, Math.floor(count * 0.99))] / 1e6, "ms");
            result(name + "_max", sorted[count - 1] / 1e6, "ms");
            result(name + "_over_50ms", over, "frames");
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
        jumps[0].on(flow.getScene());
        smooth[0].on(flow.getScene());
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
                    openedAt = System.nanoTime();
                    openedFxCpu = FrameRecorder.THREADS.getCurrentThreadCpuTime();
                    openedProcessCpu = processCpuNanos();
                    model.open(root);
                }
            }.start();
        }

        private void afterFilled(String mode, GalleryView gallery, long filledAt) {
            if (mode.equals("cached")) {
                long start = System.nanoTime();
                // CPU time as well as wall time: on a loaded machine the wall time is mostly waiting for a core.
                long fxCpu0 = FrameRecorder.THREADS.getCurrentThreadCpuTime();
                long processCpu0 = processCpuNanos();
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
                            result("filled_gallery_to_visible_thumbnails_fx_thread_cpu",
                                    (FrameRecorder.THREADS.getCurrentThreadCpuTime() - fxCpu0) / 1e6, "ms");
                            result("filled_gallery_to_visible_thumbnails_process_cpu",
                                    (processCpuNanos() - processCpu0) / 1e6, "ms");
                            result("open_to_visible_thumbnails", (System.nanoTime() - openedAt) / 1e6, "ms");
                            result("open_to_visible_thumbnails_fx_thread_cpu",
                                    (FrameRecorder.THREADS.getCurrentThreadCpuTime() - openedFxCpu) / 1e6, "ms");
                            result("open_to_visible_thumbnails_process_cpu",
                                    (processCpuNanos() - openedProcessCpu) / 1e6, "ms");
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
        /** When {@code model.open} was called, and the FX thread's and the process's CPU time then. */
        private long openedAt;
        private long openedFxCpu;
        private long openedProcessCpu;

        private static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
        }

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
