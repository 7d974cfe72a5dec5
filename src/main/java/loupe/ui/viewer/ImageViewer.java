package loupe.ui.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javafx.application.Platform;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

import loupe.core.model.Polygon;

/**
 * The canvas that shows the open image and its annotations. It paints the {@link TileLayer} and then the boxes and
 * polygons of visible classes, converting their corners to screen pixels first so lines stay
 * {@value #LINE_WIDTH} px wide at any zoom (QuPath passes the downsample to its overlays for the same reason).
 * Mouse: wheel zooms about the pointer, drag pans, moving hovers. Repaints are merged: {@link #requestRepaint}
 * posts at most one pending paint (QuPath's {@code repaint} flag), and may be called from any thread.
 */
public final class ImageViewer extends Region {

    /** Box outline width in screen pixels. */
    public static final double LINE_WIDTH = 2;
    /** Above this many annotations in view, labels are left out: they would cover the image. */
    private static final int MAX_LABELS = 300;
    private static final Color BACKGROUND = Color.rgb(38, 38, 40);
    private static final Font LABEL_FONT = Font.font("System", 11);

    private final ViewerViewModel model;
    private final Canvas canvas = new Canvas();
    private final AtomicBoolean repaintPending = new AtomicBoolean();
    private final AtomicLong paints = new AtomicLong();
    private long lastPaintNanos;
    private List<ViewerAnnotation> lastDrawn = List.of();
    private TileLayer.Plan lastPlan;
    private double dragX;
    private double dragY;
    private boolean dragging;
    private Runnable afterPaint = () -> { };

    public ImageViewer(ViewerViewModel model) {
        this.model = model;
        setId("imageViewer");
        getStyleClass().add("image-viewer");
        getChildren().add(canvas);
        setFocusTraversable(true);
        setMinSize(0, 0);
        setPrefSize(800, 600);
        model.setOnTileArrived(this::requestRepaint);
        model.viewportProperty().addListener((obs, was, now) -> requestRepaint());
        model.layerProperty().addListener((obs, was, now) -> requestRepaint());
        model.overlayRevisionProperty().addListener((obs, was, now) -> requestRepaint());
        model.hoveredProperty().addListener((obs, was, now) -> requestRepaint());
        model.messageProperty().addListener((obs, was, now) -> requestRepaint());
        addEventHandler(ScrollEvent.SCROLL, this::onScroll);
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::onPressed);
        addEventHandler(MouseEvent.MOUSE_DRAGGED, this::onDragged);
        addEventHandler(MouseEvent.MOUSE_RELEASED, e -> dragging = false);
        addEventHandler(MouseEvent.MOUSE_MOVED, e -> model.hoverAt(e.getX(), e.getY()));
        addEventHandler(MouseEvent.MOUSE_EXITED, e -> model.clearHover());
    }

    @Override
    protected void layoutChildren() {
        double w = Math.floor(getWidth());
        double h = Math.floor(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            model.setViewSize(w, h);
            requestRepaint();
        }
    }

    private void onScroll(ScrollEvent e) {
        if (e.getDeltaY() == 0) {
            return;
        }
        // One notch is 40 units on most platforms; trackpads send smaller steps, zoomed proportionally.
        double factor = Math.pow(ViewerViewModel.ZOOM_STEP, e.getDeltaY() / 40.0);
        model.zoomAt(factor, e.getX(), e.getY());
        e.consume();
    }

    private void onPressed(MouseEvent e) {
        requestFocus();
        if (e.getButton() == MouseButton.PRIMARY || e.getButton() == MouseButton.MIDDLE) {
            dragX = e.getX();
            dragY = e.getY();
            dragging = true;
        }
    }

    private void onDragged(MouseEvent e) {
        if (!dragging) {
            return;
        }
        model.panBy(e.getX() - dragX, e.getY() - dragY);
        dragX = e.getX();
        dragY = e.getY();
    }

    /** Schedules one paint on the FX thread; calls before it runs are merged into it. Any thread. */
    public void requestRepaint() {
        if (repaintPending.compareAndSet(false, true)) {
            Platform.runLater(this::paintNow);
        }
    }

    /** Paints immediately. FX thread. */
    public void paintNow() {
        long start = System.nanoTime();
        try {
            paint();
        } finally {
            lastPaintNanos = System.nanoTime() - start;
        }
        afterPaint.run();
    }

    private void paint() {
        repaintPending.set(false);
        paints.incrementAndGet();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.setFill(BACKGROUND);
        g.fillRect(0, 0, w, h);
        Viewport v = model.getViewport();
        TileLayer layer = model.getLayer();
        if (v == null || layer == null) {
            lastDrawn = List.of();
            lastPlan = null;
            drawMessage(g, model.getMessage(), w, h);
            return;
        }
        Orientation o = model.displayOrientation();
        lastPlan = layer.update(v, o);
        g.setImageSmoothing(true);
        layer.paint(g, v, o, lastPlan);
        if (layer.failure() != null) {
            drawMessage(g, "Cannot read " + model.getItem().file().getFileName() + ": " + layer.failure(), w, h);
        }
        lastDrawn = paintAnnotations(g, v);
    }

    private List<ViewerAnnotation> paintAnnotations(GraphicsContext g, Viewport v) {
        List<ViewerAnnotation> drawn = new ArrayList<>();
        List<double[]> screenBoxes = new ArrayList<>();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        ViewerAnnotation hovered = model.getHovered();
        g.setLineWidth(LINE_WIDTH);
        for (ViewerAnnotation a : model.visibleAnnotations()) {
            double[] e = model.displayExtent(a);
            if (e == null) {
                continue;
            }
            // Whole pixels: a 2-px line centred on a pixel edge covers exactly two pixel columns.
            double x0 = Math.round(v.toScreenX(e[0]));
            double y0 = Math.round(v.toScreenY(e[1]));
            double x1 = Math.round(v.toScreenX(e[2]));
            double y1 = Math.round(v.toScreenY(e[3]));
            if (x1 < 0 || y1 < 0 || x0 > w || y0 > h) {
                continue;
            }
            Color color = ClassColors.of(a.classId());
            g.setStroke(color);
            g.setLineWidth(a == hovered ? LINE_WIDTH + 1 : LINE_WIDTH);
            if (a.annotation().polygons().isEmpty()) {
                g.strokeRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
            } else {
                // The shape says more than its box (which LabelMe and COCO derive from it anyway).
                paintPolygons(g, v, a, color);
            }
            drawn.add(a);
            screenBoxes.add(new double[] {x0, y0});
        }
        if (drawn.size() <= MAX_LABELS) {
            g.setFont(LABEL_FONT);
            g.setTextBaseline(VPos.BOTTOM);
            g.setTextAlign(TextAlignment.LEFT);
            for (int i = 0; i < drawn.size(); i++) {
                ViewerAnnotation a = drawn.get(i);
                double[] at = screenBoxes.get(i);
                Color color = ClassColors.of(a.classId());
                String text = a.className();
                double tw = text.length() * 6.2 + 6;
                double ty = at[1] >= 15 ? at[1] - 1 : at[1] + 15;
                g.setFill(color);
                g.fillRect(at[0] - 1, ty - 14, tw, 14);
                g.setFill(ClassColors.textOn(color));
                g.fillText(text, at[0] + 2, ty - 1);
            }
        }
        return drawn;
    }

    private void paintPolygons(GraphicsContext g, Viewport v, ViewerAnnotation a, Color color) {
        Orientation o = model.displayOrientation();
        double iw = model.imageWidth();
        double ih = model.imageHeight();
        g.setFill(color.deriveColor(0, 1, 1, 0.18));
        for (Polygon p : a.annotation().polygons()) {
            double[] pts = p.points();
            int n = pts.length / 2;
            double[] xs = new double[n];
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                double[] d = o.toDisplay(pts[2 * i], pts[2 * i + 1], iw, ih);
                xs[i] = v.toScreenX(d[0]);
                ys[i] = v.toScreenY(d[1]);
            }
            g.fillPolygon(xs, ys, n);
            g.strokePolygon(xs, ys, n);
        }
    }

    private static void drawMessage(GraphicsContext g, String message, double w, double h) {
        if (message == null || message.isEmpty()) {
            return;
        }
        g.setFill(Color.rgb(220, 220, 220));
        g.setFont(Font.font("System", 14));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(message, w / 2, h / 2);
    }

    /** Annotations drawn by the last paint, in drawing order (for tests and the status line). */
    public List<ViewerAnnotation> lastDrawn() {
        return lastDrawn;
    }

    /** The tiles the last paint needed. */
    public TileLayer.Plan lastPlan() {
        return lastPlan;
    }

    /** How long the last paint took on the FX thread, in nanoseconds. */
    public long lastPaintNanos() {
        return lastPaintNanos;
    }

    /** Paints done since creation. */
    public long paintCount() {
        return paints.get();
    }

    /** Runs after every paint, on the FX thread (benchmarks time frames with it). */
    public void setAfterPaint(Runnable action) {
        afterPaint = action == null ? () -> { } : action;
    }

    public Canvas canvas() {
        return canvas;
    }
}
