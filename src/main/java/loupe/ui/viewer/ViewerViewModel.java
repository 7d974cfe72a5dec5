package loupe.ui.viewer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.imaging.region.CachedImageSource;
import loupe.core.imaging.region.ImageSource;
import loupe.core.imaging.region.ImageSources;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Problem;

/**
 * State of the image viewer: which image is open, its annotations and problems, which classes are drawn, and the
 * viewport (zoom and pan) in the display frame. Files are opened and annotations loaded on the services' I/O
 * thread; results come back through the FX executor and are dropped when another image was opened meanwhile.
 *
 * <p><b>Frames.</b> Annotations are in the stored-pixel frame, as the catalog has them. The display frame is the
 * stored frame unless {@link #viewRotatedProperty()} is set, in which case the item's EXIF orientation is applied to
 * image and boxes together ({@link #displayOrientation()}). The viewport is in the display frame.
 *
 * <p>All methods run on the FX thread.
 */
public final class ViewerViewModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerViewModel.class);

    /** One wheel notch or key press zooms by this factor. */
    public static final double ZOOM_STEP = 1.25;
    /** Arrow keys pan by this fraction of the view. */
    public static final double PAN_STEP = 0.1;

    private final ViewerServices services;
    private final AnnotationSource annotationSource;
    private final Executor fx;
    private final Opener opener;

    private final ReadOnlyObjectWrapper<ViewerItem> item = new ReadOnlyObjectWrapper<>(this, "item");
    private final ReadOnlyObjectWrapper<TileLayer> layer = new ReadOnlyObjectWrapper<>(this, "layer");
    private final ReadOnlyObjectWrapper<Viewport> viewport = new ReadOnlyObjectWrapper<>(this, "viewport");
    private final ReadOnlyBooleanWrapper fitMode = new ReadOnlyBooleanWrapper(this, "fitMode", true);
    private final BooleanProperty viewRotated = new SimpleBooleanProperty(this, "viewRotated", false);
    private final ReadOnlyObjectWrapper<ViewerAnnotation> hovered = new ReadOnlyObjectWrapper<>(this, "hovered");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyLongWrapper overlayRevision = new ReadOnlyLongWrapper(this, "overlayRevision");
    private final ObjectProperty<ImageNavigator> navigator = new SimpleObjectProperty<>(this, "navigator",
            ImageNavigator.none());
    private final ObservableList<ViewerAnnotation> annotations = FXCollections.observableArrayList();
    private final ObservableList<Problem> problems = FXCollections.observableArrayList();
    private final ObservableList<ClassToggle> classes = FXCollections.observableArrayList();
    private final ObservableList<ViewerAnnotation> annotationsView = FXCollections.unmodifiableObservableList(annotations);
    private final ObservableList<Problem> problemsView = FXCollections.unmodifiableObservableList(problems);
    private final ObservableList<ClassToggle> classesView = FXCollections.unmodifiableObservableList(classes);
    private final Set<Integer> hiddenClasses = new HashSet<>();
    private volatile Runnable onTileArrived = () -> { };

    private long generation;
    private CachedImageSource source;
    private double viewWidth;
    private double viewHeight;

    /** Opens image files; {@link ImageSources#open} unless a test or a benchmark wraps it. */
    @FunctionalInterface
    public interface Opener {
        ImageSource open(java.nio.file.Path file) throws IOException;
    }

    /** With {@code Platform::runLater} as the FX executor. */
    public ViewerViewModel(ViewerServices services, AnnotationSource annotationSource) {
        this(services, annotationSource, Platform::runLater, ImageSources::open);
    }

    /**
     * @param services         caches and threads, shared with other viewers
     * @param annotationSource where annotations come from (called on the I/O thread)
     * @param fx               runs results on the FX thread
     * @param opener           opens files (called on the I/O thread)
     */
    public ViewerViewModel(ViewerServices services, AnnotationSource annotationSource, Executor fx, Opener opener) {
        this.services = services;
        this.annotationSource = annotationSource;
        this.fx = fx;
        this.opener = opener;
        viewRotated.addListener((obs, was, now) -> {
            fitMode.set(true);
            refit();
            overlayRevision.set(overlayRevision.get() + 1);
        });
    }

    // ------------------------------------------------------------------------------------------------ opening

    /** Opens an image (asynchronously); the previous one is closed. */
    public void open(ViewerItem next) {
        Objects.requireNonNull(next, "item");
        long gen = ++generation;
        closeCurrent();
        item.set(next);
        annotations.clear();
        problems.clear();
        classes.clear();
        hovered.set(null);
        viewport.set(null);
        fitMode.set(true);
        viewRotated.set(false);
        message.set("Opening " + next.file().getFileName() + " \u2026");
        bump();
        services.ioExecutor().execute(() -> {
            CachedImageSource opened;
            try {
                ImageSource file = opener.open(next.file());
                opened = new CachedImageSource(file, services.tileCache(), services.tileExecutor());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot open {}", next.file(), e);
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                fx.execute(() -> {
                    if (gen == generation) {
                        message.set("Cannot open " + next.file().getFileName() + ": " + why);
                    }
                });
                return;
            }
            fx.execute(() -> {
                if (gen != generation) {
                    closeQuietly(opened);
                    return;
                }
                source = opened;
                TileLayer created = new TileLayer(opened, services.fxCache(), services.tileExecutor(),
                        () -> onTileArrived.run());
                created.loadOverview();
                layer.set(created);
                message.set("");
                refit();
            });
        });
        if (next.imagePath() != null) {
            services.ioExecutor().execute(() -> {
                ImageAnnotations loaded;
                try {
                    loaded = annotationSource.load(next.imagePath());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot load annotations of {}", next.imagePath(), e);
                    loaded = ImageAnnotations.EMPTY;
                }
                ImageAnnotations result = loaded;
                fx.execute(() -> {
                    if (gen == generation) {
                        setAnnotations(result);
                    }
                });
            });
        }
    }

    private void setAnnotations(ImageAnnotations loaded) {
        List<ViewerAnnotation> list = new ArrayList<>(loaded.annotations().size());
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        int i = 0;
        for (Annotation a : loaded.annotations()) {
            list.add(new ViewerAnnotation(i++, a, loaded.className(a.classId())));
            counts.merge(a.classId(), 1, Integer::sum);
        }
        List<ClassToggle> toggles = new ArrayList<>();
        counts.forEach((id, count) -> {
            ClassToggle t = new ClassToggle(id, loaded.className(id), count, !hiddenClasses.contains(id));
            t.visibleProperty().addListener((obs, was, now) -> {
                if (now) {
                    hiddenClasses.remove(id);
                } else {
                    hiddenClasses.add(id);
                }
                if (hovered.get() != null && hovered.get().classId() == id && !now) {
                    hovered.set(null);
                }
                bump();
            });
            toggles.add(t);
        });
        toggles.sort(Comparator.comparing(ClassToggle::name).thenComparingInt(ClassToggle::id));
        annotations.setAll(list);
        problems.setAll(loaded.problems());
        classes.setAll(toggles);
        bump();
    }

    private void closeCurrent() {
        TileLayer old = layer.get();
        layer.set(null);
        if (old != null) {
            old.close();
        }
        CachedImageSource oldSource = source;
        source = null;
        if (oldSource != null) {
            services.ioExecutor().execute(() -> closeQuietly(oldSource));
        }
    }

    private static void closeQuietly(ImageSource s) {
        try {
            s.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing {}", s.path(), e);
        }
    }

    /** Shows the next image of the navigator, if any; true when there was one. */
    public boolean next() {
        return navigator.get().next().map(n -> {
            open(n);
            return true;
        }).orElse(false);
    }

    /** Shows the previous image of the navigator, if any; true when there was one. */
    public boolean previous() {
        return navigator.get().previous().map(n -> {
            open(n);
            return true;
        }).orElse(false);
    }

    // ------------------------------------------------------------------------------------------------ viewport

    /** The view's size in screen pixels (the view calls this on layout). */
    public void setViewSize(double width, double height) {
        viewWidth = width;
        viewHeight = height;
        Viewport v = viewport.get();
        if (fitMode.get() || v == null) {
            refit();
        } else {
            viewport.set(v.withSize(width, height));
        }
    }

    /** Shows the whole image. */
    public void fit() {
        fitMode.set(true);
        refit();
    }

    private void refit() {
        if (source == null || viewWidth <= 0 || viewHeight <= 0) {
            return;
        }
        viewport.set(Viewport.fit(displayWidth(), displayHeight(), viewWidth, viewHeight));
    }

    /** 1:1: one image pixel per screen pixel, keeping the centre. */
    public void actualSize() {
        change(v -> v.withScale(1));
    }

    /** Zooms by {@code factor} about the screen point {@code (sx, sy)}, which keeps showing the same image point. */
    public void zoomAt(double factor, double sx, double sy) {
        change(v -> v.zoomAt(factor, sx, sy));
    }

    public void zoomIn() {
        change(v -> v.zoomAt(ZOOM_STEP, v.width() / 2, v.height() / 2));
    }

    public void zoomOut() {
        change(v -> v.zoomAt(1 / ZOOM_STEP, v.width() / 2, v.height() / 2));
    }

    /** Puts the display-frame image point {@code (x, y)} at the centre of the view, keeping the zoom. */
    public void centerOn(double x, double y) {
        change(v -> new Viewport(v.scale(), x, y, v.width(), v.height()));
    }

    /** Slides the image by {@code (dx, dy)} screen pixels. */
    public void panBy(double dx, double dy) {
        change(v -> v.panBy(dx, dy));
    }

    /**
     * Moves the view a step (a tenth of its size) towards a direction (-1, 0, 1 per axis; 1, 0 shows more of
     * what is to the right), as the arrow keys do.
     */
    public void panStep(int dirX, int dirY) {
        change(v -> v.panBy(-dirX * v.width() * PAN_STEP, -dirY * v.height() * PAN_STEP));
    }

    private void change(java.util.function.UnaryOperator<Viewport> op) {
        Viewport v = viewport.get();
        if (v == null) {
            return;
        }
        fitMode.set(false);
        viewport.set(op.apply(v).clampedTo(displayWidth(), displayHeight()));
    }

    // ------------------------------------------------------------------------------------------------ frames

    /** The orientation the view applies: the item's when {@link #viewRotatedProperty()} is set, else none. */
    public Orientation displayOrientation() {
        ViewerItem it = item.get();
        return it != null && viewRotated.get() ? Orientation.of(it.orientation()) : Orientation.NORMAL;
    }

    /** The item's own EXIF orientation (1 when none). */
    public Orientation itemOrientation() {
        ViewerItem it = item.get();
        return it == null ? Orientation.NORMAL : Orientation.of(it.orientation());
    }

    /** Stored image width, 0 until the file is open. */
    public int imageWidth() {
        return source == null ? 0 : source.width();
    }

    public int imageHeight() {
        return source == null ? 0 : source.height();
    }

    public double displayWidth() {
        return displayOrientation().displayWidth(imageWidth(), imageHeight());
    }

    public double displayHeight() {
        return displayOrientation().displayHeight(imageWidth(), imageHeight());
    }

    /** An annotation's extent in the display frame as {@code {x0, y0, x1, y1}}, or null for an image label. */
    public double[] displayExtent(ViewerAnnotation a) {
        BoundingBox b = a.extent();
        if (b == null || source == null) {
            return null;
        }
        return displayOrientation().rectToDisplay(b.x(), b.y(), b.maxX(), b.maxY(), imageWidth(), imageHeight());
    }

    // ------------------------------------------------------------------------------------------------ overlay

    /** True when the class's annotations are drawn. */
    public boolean isClassVisible(int classId) {
        return !hiddenClasses.contains(classId);
    }

    /** Shows or hides a class's annotations (also for later images). */
    public void setClassVisible(int classId, boolean visible) {
        for (ClassToggle t : classes) {
            if (t.id() == classId) {
                t.setVisible(visible);
                return;
            }
        }
        if (visible ? hiddenClasses.remove(classId) : hiddenClasses.add(classId)) {
            bump();
        }
    }

    /** Annotations of visible classes, in list order. */
    public List<ViewerAnnotation> visibleAnnotations() {
        List<ViewerAnnotation> out = new ArrayList<>(annotations.size());
        for (ViewerAnnotation a : annotations) {
            if (!hiddenClasses.contains(a.classId())) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * Updates the hovered annotation for the pointer at a screen point: the smallest visible annotation whose
     * extent contains it (within 3 screen pixels), or none.
     */
    public void hoverAt(double sx, double sy) {
        Viewport v = viewport.get();
        if (v == null) {
            hovered.set(null);
            return;
        }
        double ix = v.toImageX(sx);
        double iy = v.toImageY(sy);
        double tolerance = 3 / v.scale();
        ViewerAnnotation best = null;
        double bestArea = Double.POSITIVE_INFINITY;
        for (ViewerAnnotation a : visibleAnnotations()) {
            double[] e = displayExtent(a);
            if (e == null) {
                continue;
            }
            if (ix >= e[0] - tolerance && ix <= e[2] + tolerance && iy >= e[1] - tolerance
                    && iy <= e[3] + tolerance) {
                double area = (e[2] - e[0]) * (e[3] - e[1]);
                if (area < bestArea) {
                    bestArea = area;
                    best = a;
                }
            }
        }
        hovered.set(best);
    }

    public void clearHover() {
        hovered.set(null);
    }

    private void bump() {
        overlayRevision.set(overlayRevision.get() + 1);
    }

    // ------------------------------------------------------------------------------------------------ properties

    /** Called from any thread when a tile arrives; the view sets it to its merged repaint. */
    public void setOnTileArrived(Runnable callback) {
        onTileArrived = callback == null ? () -> { } : callback;
    }

    public ReadOnlyObjectProperty<ViewerItem> itemProperty() {
        return item.getReadOnlyProperty();
    }

    public ViewerItem getItem() {
        return item.get();
    }

    /** The open image's tile layer; null while a file is opening or could not be opened. */
    public ReadOnlyObjectProperty<TileLayer> layerProperty() {
        return layer.getReadOnlyProperty();
    }

    public TileLayer getLayer() {
        return layer.get();
    }

    /** The viewport; null until an image is open and the view has a size. */
    public ReadOnlyObjectProperty<Viewport> viewportProperty() {
        return viewport.getReadOnlyProperty();
    }

    public Viewport getViewport() {
        return viewport.get();
    }

    /** True while the view follows "fit" (resizing refits); any zoom or pan ends it. */
    public ReadOnlyBooleanProperty fitModeProperty() {
        return fitMode.getReadOnlyProperty();
    }

    public boolean isFitMode() {
        return fitMode.get();
    }

    /** Apply the item's EXIF orientation to image and boxes. */
    public BooleanProperty viewRotatedProperty() {
        return viewRotated;
    }

    public ReadOnlyObjectProperty<ViewerAnnotation> hoveredProperty() {
        return hovered.getReadOnlyProperty();
    }

    public ViewerAnnotation getHovered() {
        return hovered.get();
    }

    /** "Opening ...", or why the image cannot be shown; empty when all is well. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public String getMessage() {
        return message.get();
    }

    /** Changes whenever the overlay must be redrawn (annotations loaded, a class toggled, frame changed). */
    public ReadOnlyLongProperty overlayRevisionProperty() {
        return overlayRevision.getReadOnlyProperty();
    }

    public ObjectProperty<ImageNavigator> navigatorProperty() {
        return navigator;
    }

    public void setNavigator(ImageNavigator value) {
        navigator.set(value == null ? ImageNavigator.none() : value);
    }

    public ObservableList<ViewerAnnotation> annotations() {
        return annotationsView;
    }

    public ObservableList<Problem> problems() {
        return problemsView;
    }

    public ObservableList<ClassToggle> classes() {
        return classesView;
    }

    /** Closes the open image (the services stay open: they are shared). */
    @Override
    public void close() {
        generation++;
        closeCurrent();
    }
}
