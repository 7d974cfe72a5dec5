package loupe.ui.viewer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;
import loupe.ui.fx.Snapshots;

/**
 * Opens one image in a window to try the viewer by hand, or writes a snapshot of it (not a test).
 *
 * <pre>
 * ViewerDemo FILE [--dataset DIR [--image REL]] [--orientation N] [--rotated] [--size WxH]
 *                 [--scale S] [--center X,Y] [--hover X,Y] [--hide CLASS_ID] [--synthetic-boxes N]
 *                 [--snapshot OUT.png]
 * </pre>
 *
 * With {@code --dataset} the folder is indexed into a temporary catalog, so the image's annotations and problems
 * show, and Page Down/Up step through the dataset's images. {@code --snapshot} waits until the view is sharp,
 * writes the PNG and exits. {@code --synthetic-boxes} scatters N made-up boxes of two classes over the image (to
 * look at overlays on a slide); {@code --hover} puts the pointer over an image point (stored frame).
 */
public final class ViewerDemo {

    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    private ViewerDemo() {
    }

    public static void main(String[] args) {
        JAVAFX_LOG.setLevel(java.util.logging.Level.SEVERE);
        Application.launch(App.class, args);
    }

    /** The demo application. */
    public static final class App extends Application {

        private ViewerServices services;
        private Catalog catalog;

        @Override
        public void start(Stage stage) throws Exception {
            List<String> args = getParameters().getRaw();
            Path file = null;
            Path dataset = null;
            String image = null;
            int orientation = 1;
            boolean rotated = false;
            int width = 1400;
            int height = 900;
            double scale = 0;
            double[] center = null;
            double[] hover = null;
            int synthetic = 0;
            List<Integer> hide = new ArrayList<>();
            Path snapshot = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--dataset" -> dataset = Path.of(args.get(++i));
                    case "--image" -> image = args.get(++i);
                    case "--orientation" -> orientation = Integer.parseInt(args.get(++i));
                    case "--rotated" -> rotated = true;
                    case "--size" -> {
                        String[] wh = args.get(++i).split("x");
                        width = Integer.parseInt(wh[0]);
                        height = Integer.parseInt(wh[1]);
                    }
                    case "--scale" -> scale = Double.parseDouble(args.get(++i));
                    case "--center" -> {
                        String[] xy = args.get(++i).split(",");
                        center = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
                    }
                    case "--hover" -> {
                        String[] xy = args.get(++i).split(",");
                        hover = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
                    }
                    case "--synthetic-boxes" -> synthetic = Integer.parseInt(args.get(++i));
                    case "--hide" -> hide.add(Integer.parseInt(args.get(++i)));
                    case "--snapshot" -> snapshot = Path.of(args.get(++i));
                    default -> file = Path.of(a);
                }
            }
            services = ViewerServices.create(0);
            AnnotationSource annotations = AnnotationSource.none();
            List<ViewerItem> items = new ArrayList<>();
            int index = 0;
            if (dataset != null) {
                Path catalogFile = Files.createTempDirectory("loupe-viewer-demo").resolve("catalog.duckdb");
                catalog = Catalog.open(catalogFile);
                new Indexer(IndexOptions.defaults()).index(catalog, dataset, Progress.NONE);
                annotations = new CatalogAnnotations(catalog);
                Path root = dataset;
                items.addAll(catalog.query("SELECT path FROM images WHERE present ORDER BY path",
                        rs -> new ViewerItem(root.resolve(rs.getString(1)), rs.getString(1), 1)));
                if (image == null && file == null) {
                    image = items.get(0).imagePath();
                }
                for (int i = 0; i < items.size(); i++) {
                    if (items.get(i).imagePath().equals(image)) {
                        index = i;
                    }
                }
                file = root.resolve(image);
            }
            if (synthetic > 0) {
                annotations = syntheticBoxes(file, synthetic);
                image = "synthetic";
            }
            ViewerViewModel model = new ViewerViewModel(services, annotations);
            ViewerView view = new ViewerView(model);
            stage.setScene(new Scene(view, width, height));
            stage.setTitle("Loupe viewer demo");
            stage.show();
            hide.forEach(id -> model.setClassVisible(id, false));
            model.setNavigator(ImageNavigator.of(items, index));
            model.open(new ViewerItem(file, image, orientation));
            if (rotated) {
                model.viewRotatedProperty().set(true);
            }
            double s = scale;
            double[] c = center;
            double[] hv = hover;
            Path out = snapshot;
            // Apply the requested zoom once the image is open, then (for --snapshot) wait for sharp tiles.
            new AnimationTimer() {
                private boolean placed;
                private long sharpSince;
                private final long started = System.nanoTime();

                @Override
                public void handle(long now) {
                    if (model.getViewport() == null) {
                        return;
                    }
                    if (!placed) {
                        placed = true;
                        if (s > 0) {
                            model.actualSize();
                            model.zoomAt(s, model.getViewport().width() / 2, model.getViewport().height() / 2);
                        }
                        if (c != null) {
                            Viewport v = model.getViewport();
                            Orientation o = model.displayOrientation();
                            double[] d = o.toDisplay(c[0], c[1], model.imageWidth(), model.imageHeight());
                            model.panBy(v.toScreenX(v.centerX()) - v.toScreenX(d[0]),
                                    v.toScreenY(v.centerY()) - v.toScreenY(d[1]));
                        }
                        return;
                    }
                    if (hv != null && model.annotations().size() > 0) {
                        Viewport v = model.getViewport();
                        double[] d = model.displayOrientation().toDisplay(hv[0], hv[1], model.imageWidth(),
                                model.imageHeight());
                        model.hoverAt(v.toScreenX(d[0]), v.toScreenY(d[1]));
                    }
                    if (out == null) {
                        stop();
                        return;
                    }
                    TileLayer layer = model.getLayer();
                    boolean sharp = layer != null && layer.isSharp();
                    if (!sharp) {
                        sharpSince = 0;
                    } else if (sharpSince == 0) {
                        sharpSince = now;
                    }
                    boolean timedOut = now - started > TimeUnit.SECONDS.toNanos(60);
                    if ((sharp && now - sharpSince > TimeUnit.MILLISECONDS.toNanos(500)) || timedOut) {
                        stop();
                        try {
                            Snapshots.capture(stage.getScene()).writePng(out);
                            System.out.println("wrote " + out + (timedOut ? " (timed out before sharp)" : "")
                                    + "; tiles " + (layer == null ? "-" : layer.stats()));
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                        Platform.exit();
                    }
                }
            }.start();
        }

        /** N boxes of "cell" (id 0) and "mitosis" (id 1) scattered over the image, the same every run. */
        private static AnnotationSource syntheticBoxes(Path file, int n) throws java.io.IOException {
            int w;
            int h;
            try (loupe.core.imaging.region.ImageSource s = loupe.core.imaging.region.ImageSources.open(file)) {
                w = s.width();
                h = s.height();
            }
            java.util.Random random = new java.util.Random(42);
            List<loupe.core.model.Annotation> boxes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double bw = w * (0.004 + 0.02 * random.nextDouble());
                double bh = bw * (0.6 + 0.8 * random.nextDouble());
                int cls = random.nextInt(10) == 0 ? 1 : 0;
                boxes.add(new loupe.core.model.Annotation("synthetic", cls, new loupe.core.model.BoundingBox(
                        random.nextDouble() * (w - bw), random.nextDouble() * (h - bh), bw, bh), List.of(), false,
                        cls == 1 ? java.util.Map.of("confidence", String.format("%.2f", random.nextDouble()))
                                : java.util.Map.of()));
            }
            ImageAnnotations result = new ImageAnnotations(boxes, List.of(),
                    java.util.Map.of(0, "cell", 1, "mitosis"));
            return path -> result;
        }

        @Override
        public void stop() throws Exception {
            if (services != null) {
                services.close();
            }
            if (catalog != null) {
                catalog.close();
            }
        }
    }
}
