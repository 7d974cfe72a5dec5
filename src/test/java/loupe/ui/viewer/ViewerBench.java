package loupe.ui.viewer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Benchmark harness for bench/viewer.sh (not a test; never run by {@code ./mvnw verify}): opens a big image in a
 * window and drives the viewer like a user, frame by frame from an {@link AnimationTimer}:
 * <ol>
 *   <li>open, until the overview shows;</li>
 *   <li>1:1 at the centre, until sharp;</li>
 *   <li>a continuous pan of {@code --frames} frames at 1:1 (24 px per frame, diagonally), then until sharp;</li>
 *   <li>a pan at 25% (12 px per frame);</li>
 *   <li>8 jumps of one view width (and up or down) at 1:1 to parts not seen before, each until sharp.</li>
 * </ol>
 * Prints one line of {@code key=value} results: FX frame intervals (pulse to pulse) and paint times during the
 * pans, times until sharp, the peak heap (sum of the heap pools' peaks, garbage included) and the largest heap
 * in use right after a collection.
 */
public final class ViewerBench {

    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    private ViewerBench() {
    }

    public static void main(String[] args) {
        JAVAFX_LOG.setLevel(java.util.logging.Level.SEVERE);
        Application.launch(App.class, args);
    }

    /** The harness application. */
    public static final class App extends Application {

        private enum Phase { OPEN, ZOOM, PAN1, SETTLE1, PAN25, SETTLE25, JUMP, DONE }

        private final List<Double> frameMs = new ArrayList<>();
        private final List<Double> paintMs = new ArrayList<>();
        private final List<Double> jumpMs = new ArrayList<>();
        private final StringBuilder results = new StringBuilder();
        private ViewerServices services;
        private long liveAfterGc;

        @Override
        public void start(Stage stage) {
            List<String> args = getParameters().getRaw();
            Path file = Path.of(args.get(0));
            int frames = args.size() > 1 ? Integer.parseInt(args.get(1)) : 600;
            services = ViewerServices.create(0);
            ViewerViewModel model = new ViewerViewModel(services, AnnotationSource.none());
            ViewerView view = new ViewerView(model);
            stage.setScene(new Scene(view, 1400, 900));
            stage.show();
            ImageViewer viewer = view.viewer();
            boolean[] painting = {false};
            viewer.setAfterPaint(() -> {
                if (painting[0]) {
                    paintMs.add(viewer.lastPaintNanos() / 1e6);
                }
            });
            long opened = System.nanoTime();
            model.open(ViewerItem.of(file));
            new AnimationTimer() {
                private Phase phase = Phase.OPEN;
                private long phaseStart = opened;
                private long last;
                private int frame;
                private int jumps;

                private void next(Phase p, long now) {
                    phase = p;
                    phaseStart = now;
                    frame = 0;
                    last = 0;
                }

                private boolean sharp() {
                    TileLayer layer = model.getLayer();
                    return layer != null && layer.isSharp() && layer.pendingCount() == 0;
                }

                @Override
                public void handle(long now) {
                    sampleLiveHeap();
                    switch (phase) {
                        case OPEN -> {
                            if (model.getLayer() != null && model.getLayer().hasOverview()) {
                                put("open_to_overview_ms", (now - phaseStart) / 1e6);
                                model.actualSize();
                                next(Phase.ZOOM, now);
                            }
                        }
                        case ZOOM -> {
                            if (sharp()) {
                                put("zoom_1to1_to_sharp_ms", (now - phaseStart) / 1e6);
                                model.centerOn(4000, 3000);
                                next(Phase.PAN1, now);
                                painting[0] = true;
                            }
                        }
                        case PAN1, PAN25 -> {
                            if (last != 0) {
                                frameMs.add((now - last) / 1e6);
                            }
                            last = now;
                            // 24 px per frame at 60 Hz is a brisk drag; at 25% half that covers twice the image.
                            if (phase == Phase.PAN1) {
                                model.panBy(-24, -16);
                            } else {
                                model.panBy(-12, -8);
                            }
                            if (++frame >= frames) {
                                painting[0] = false;
                                summarise(phase == Phase.PAN1 ? "pan_1to1" : "pan_25");
                                next(phase == Phase.PAN1 ? Phase.SETTLE1 : Phase.SETTLE25, now);
                            }
                        }
                        case SETTLE1 -> {
                            if (sharp()) {
                                put("pan_1to1_settle_ms", (now - phaseStart) / 1e6);
                                model.actualSize();
                                model.zoomAt(0.25, 0, 0);
                                model.centerOn(2000, 2000);
                                next(Phase.PAN25, now);
                                painting[0] = true;
                            }
                        }
                        case SETTLE25 -> {
                            if (sharp()) {
                                put("pan_25_settle_ms", (now - phaseStart) / 1e6);
                                model.actualSize();
                                model.centerOn(3000, 6000);
                                next(Phase.JUMP, now);
                            }
                        }
                        case JUMP -> {
                            if (frame++ == 0) {
                                Viewport v = model.getViewport();
                                model.centerOn(v.centerX() + v.width(), v.centerY() + (jumps % 2 == 0 ? v.height() : -v.height() / 2));
                                phaseStart = now;
                            } else if (sharp()) {
                                jumpMs.add((now - phaseStart) / 1e6);
                                frame = 0;
                                if (++jumps == 8) {
                                    put("jump_to_sharp_median_ms", percentile(jumpMs, 50));
                                    put("jump_to_sharp_max_ms", percentile(jumpMs, 100));
                                    next(Phase.DONE, now);
                                }
                            }
                        }
                        case DONE -> {
                            stop();
                            put("peak_heap_mb", peakHeapMb());
                            put("peak_live_after_gc_mb", liveAfterGc / 1048576.0);
                            put("tiles", services.tileCache().stats().toString().replace(' ', '_'));
                            System.out.println("RESULT " + results.toString().trim());
                            Platform.exit();
                        }
                        default -> throw new IllegalStateException(phase.toString());
                    }
                }
            }.start();
        }

        private void summarise(String name) {
            put(name + "_frames", frameMs.size());
            put(name + "_frame_p50_ms", percentile(frameMs, 50));
            put(name + "_frame_p95_ms", percentile(frameMs, 95));
            put(name + "_frame_max_ms", percentile(frameMs, 100));
            put(name + "_frames_over_50ms", frameMs.stream().filter(f -> f > 50).count());
            put(name + "_paint_p50_ms", percentile(paintMs, 50));
            put(name + "_paint_max_ms", percentile(paintMs, 100));
            frameMs.clear();
            paintMs.clear();
        }

        private void put(String key, Object value) {
            results.append(key).append('=')
                    .append(value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : value).append(' ');
        }

        private static double percentile(List<Double> values, int p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(null);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        /** Heap in use right after the latest collection (what survives), the largest seen. */
        private void sampleLiveHeap() {
            long live = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    live += pool.getCollectionUsage().getUsed();
                }
            }
            liveAfterGc = Math.max(liveAfterGc, live);
        }

        /** The heap pools' peaks added up: an upper bound of the heap ever in use, garbage included. */
        private static double peakHeapMb() {
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            return peak / 1048576.0;
        }

        @Override
        public void stop() {
            if (services != null) {
                services.close();
            }
        }
    }
}
