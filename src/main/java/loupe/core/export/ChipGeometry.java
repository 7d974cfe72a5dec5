package loupe.core.export;

import java.util.ArrayList;
import java.util.List;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;

/**
 * The geometry of chipping: where chips go on an image, and what becomes of an annotation inside one chip. All
 * input coordinates are full-resolution source pixels ({@link BoundingBox}'s contract); chip annotations come out in
 * chip pixels: {@code (source - chipOrigin) / downsample}.
 */
public final class ChipGeometry {

    private ChipGeometry() {
    }

    /**
     * A chip's rectangle in source pixels.
     *
     * @param x      left edge
     * @param y      top edge
     * @param width  extent in source pixels ({@code size * downsample}, or the whole image side when it is smaller)
     * @param height same for the height
     */
    public record Rect(int x, int y, int width, int height) {

        public int maxX() {
            return x + width;
        }

        public int maxY() {
            return y + height;
        }
    }

    /**
     * Start positions of chips along one side: every {@code stride} pixels from 0, plus a last chip that ends exactly
     * at the edge (so every chip has the full span; the last one overlaps its neighbour more). A side no longer than
     * the span gets one chip at 0, covering the whole side.
     *
     * @param length image side in source pixels
     * @param span   chip side in source pixels
     * @param stride step between chips in source pixels, at least 1
     */
    public static int[] positions(int length, int span, int stride) {
        if (span < 1 || stride < 1) {
            throw new IllegalArgumentException("span and stride must be at least 1, got " + span + ", " + stride);
        }
        if (length <= span) {
            return new int[] {0};
        }
        List<Integer> starts = new ArrayList<>();
        int p = 0;
        while (p + span < length) {
            starts.add(p);
            p += stride;
        }
        int last = length - span;
        if (starts.get(starts.size() - 1) != last) {
            starts.add(last);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The chips of an image, row by row (top to bottom, left to right in each row). */
    public static List<Rect> grid(int imageWidth, int imageHeight, int span, int stride) {
        int[] xs = positions(imageWidth, span, stride);
        int[] ys = positions(imageHeight, span, stride);
        List<Rect> chips = new ArrayList<>(xs.length * ys.length);
        for (int y : ys) {
            for (int x : xs) {
                chips.add(new Rect(x, y, Math.min(span, imageWidth), Math.min(span, imageHeight)));
            }
        }
        return chips;
    }

    /** What became of one annotation in one chip. */
    public enum Fate {
        /** Visible enough: kept, clipped and remapped. */
        KEPT,
        /** Overlaps the chip, but less than the minimum visible fraction: dropped (and counted). */
        DROPPED,
        /** Does not touch the chip (or has no geometry): not this chip's business. */
        OUTSIDE
    }

    /** An annotation's fate in a chip, and the chip's copy of it when kept (null otherwise). */
    public record Clipped(Fate fate, Annotation annotation, double visibility) {
    }

    /**
     * Clips an annotation to a chip.
     *
     * <p>The visible fraction is measured on the polygons when the annotation has any (visible polygon area over
     * polygon area, polygons clipped with Sutherland-Hodgman), else on the box (area of the box inside the chip over
     * the box's area). A box of zero area counts as fully visible when it lies inside the chip. Kept annotations get
     * the box clipped to the chip (and, with polygons, shrunk to the clipped polygons' bounds), the clipped polygons
     * (polygons that vanish are left out), all in chip pixels, scaled by {@code 1 / downsample} and clamped to the
     * chip's output size. Image-level labels (no box, no polygon) are {@link Fate#OUTSIDE}.
     *
     * @param chip          the chip in source pixels
     * @param downsample    source pixels per chip pixel
     * @param outputWidth   the chip image's width in pixels
     * @param outputHeight  the chip image's height in pixels
     * @param minVisibility 0..1; an annotation needs at least this visible fraction (and some visible area)
     * @param chipPath      the chip image's path, written into the kept annotation
     */
    public static Clipped clip(Annotation a, Rect chip, double downsample, int outputWidth, int outputHeight,
                               double minVisibility, String chipPath) {
        BoundingBox box = a.box();
        if (box == null && !a.polygons().isEmpty()) {
            box = bounds(a.polygons());
        }
        if (box == null || !finite(box)) {
            return new Clipped(Fate.OUTSIDE, null, 0);
        }
        double x0 = Math.max(box.x(), chip.x());
        double y0 = Math.max(box.y(), chip.y());
        double x1 = Math.min(box.maxX(), chip.maxX());
        double y1 = Math.min(box.maxY(), chip.maxY());
        boolean degenerate = !(box.width() > 0 && box.height() > 0);
        if (degenerate) {
            boolean inside = box.x() >= chip.x() && box.maxX() <= chip.maxX() && box.y() >= chip.y()
                    && box.maxY() <= chip.maxY();
            if (!inside) {
                return new Clipped(Fate.OUTSIDE, null, 0);
            }
        } else if (x1 <= x0 || y1 <= y0) {
            return new Clipped(Fate.OUTSIDE, null, 0);
        }
        double visibility;
        List<Polygon> clippedPolygons = new ArrayList<>();
        BoundingBox keptBox;
        if (!a.polygons().isEmpty() && !degenerate) {
            double total = 0;
            double visible = 0;
            for (Polygon p : a.polygons()) {
                total += Math.abs(area(p.points()));
                double[] c = clipPolygon(p.points(), chip.x(), chip.y(), chip.maxX(), chip.maxY());
                double ca = Math.abs(area(c));
                if (c.length >= 6 && ca > 0) {
                    visible += ca;
                    clippedPolygons.add(new Polygon(c));
                }
            }
            if (clippedPolygons.isEmpty()) {
                return new Clipped(Fate.OUTSIDE, null, 0);
            }
            visibility = total > 0 ? visible / total : 1;
            BoundingBox pb = bounds(clippedPolygons);
            keptBox = BoundingBox.fromCorners(Math.max(x0, pb.x()), Math.max(y0, pb.y()), Math.min(x1, pb.maxX()),
                    Math.min(y1, pb.maxY()));
        } else {
            visibility = degenerate ? 1 : (x1 - x0) * (y1 - y0) / box.area();
            keptBox = degenerate ? box : BoundingBox.fromCorners(x0, y0, x1, y1);
        }
        if (visibility + 1e-9 < minVisibility) {
            return new Clipped(Fate.DROPPED, null, visibility);
        }
        BoundingBox mapped = BoundingBox.fromCorners(
                mapX(keptBox.x(), chip, downsample, outputWidth), mapY(keptBox.y(), chip, downsample, outputHeight),
                mapX(keptBox.maxX(), chip, downsample, outputWidth),
                mapY(keptBox.maxY(), chip, downsample, outputHeight));
        List<Polygon> mappedPolygons = new ArrayList<>(clippedPolygons.size());
        for (Polygon p : clippedPolygons) {
            double[] pts = p.points().clone();
            for (int i = 0; i < pts.length; i += 2) {
                pts[i] = mapX(pts[i], chip, downsample, outputWidth);
                pts[i + 1] = mapY(pts[i + 1], chip, downsample, outputHeight);
            }
            mappedPolygons.add(new Polygon(pts));
        }
        return new Clipped(Fate.KEPT, new Annotation(chipPath, a.classId(), mapped, mappedPolygons, a.crowd(),
                a.attributes()), visibility);
    }

    private static double mapX(double v, Rect chip, double downsample, int outputWidth) {
        return Math.min(outputWidth, Math.max(0, (v - chip.x()) / downsample));
    }

    private static double mapY(double v, Rect chip, double downsample, int outputHeight) {
        return Math.min(outputHeight, Math.max(0, (v - chip.y()) / downsample));
    }

    private static boolean finite(BoundingBox b) {
        return Double.isFinite(b.x()) && Double.isFinite(b.y()) && Double.isFinite(b.width())
                && Double.isFinite(b.height());
    }

    private static BoundingBox bounds(List<Polygon> polygons) {
        return Polygon.boundsOf(polygons);
    }

    /** Signed area of a polygon given as {@code x0, y0, x1, y1, ...} (shoelace formula). */
    public static double area(double[] points) {
        double sum = 0;
        int n = points.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            sum += points[2 * i] * points[2 * j + 1] - points[2 * j] * points[2 * i + 1];
        }
        return sum / 2;
    }

    /**
     * Sutherland-Hodgman clipping of a polygon against an axis-aligned rectangle. The result may have fewer than 3
     * points (nothing visible) and may contain edges along the rectangle's border where a concave polygon leaves and
     * re-enters it.
     */
    public static double[] clipPolygon(double[] points, double minX, double minY, double maxX, double maxY) {
        double[] poly = points;
        for (int edge = 0; edge < 4 && poly.length >= 2; edge++) {
            int n = poly.length / 2;
            double[] out = new double[4 * n + 4];
            int m = 0;
            for (int i = 0; i < n; i++) {
                double cx = poly[2 * i], cy = poly[2 * i + 1];
                int pi = (i + n - 1) % n;
                double px = poly[2 * pi], py = poly[2 * pi + 1];
                boolean cIn = inside(edge, cx, cy, minX, minY, maxX, maxY);
                boolean pIn = inside(edge, px, py, minX, minY, maxX, maxY);
                if (cIn) {
                    if (!pIn) {
                        double[] q = intersect(edge, px, py, cx, cy, minX, minY, maxX, maxY);
                        out[m++] = q[0];
                        out[m++] = q[1];
                    }
                    out[m++] = cx;
                    out[m++] = cy;
                } else if (pIn) {
                    double[] q = intersect(edge, px, py, cx, cy, minX, minY, maxX, maxY);
                    out[m++] = q[0];
                    out[m++] = q[1];
                }
            }
            poly = java.util.Arrays.copyOf(out, m);
        }
        return poly;
    }

    private static boolean inside(int edge, double x, double y, double minX, double minY, double maxX, double maxY) {
        return switch (edge) {
            case 0 -> x >= minX;
            case 1 -> x <= maxX;
            case 2 -> y >= minY;
            default -> y <= maxY;
        };
    }

    private static double[] intersect(int edge, double px, double py, double cx, double cy, double minX, double minY,
                                      double maxX, double maxY) {
        if (edge <= 1) {
            double x = edge == 0 ? minX : maxX;
            double t = (x - px) / (cx - px);
            return new double[] {x, py + t * (cy - py)};
        }
        double y = edge == 2 ? minY : maxY;
        double t = (y - py) / (cy - py);
        return new double[] {px + t * (cx - px), y};
    }

    /** A chip of an image with the annotations it keeps and how many pieces it dropped as too little visible. */
    public record Planned(Rect rect, String path, List<Annotation> annotations, int dropped) {

        public boolean empty() {
            return annotations.isEmpty();
        }
    }

    /** Names a chip: its image path from the source image's path and the chip's rectangle. */
    @FunctionalInterface
    public interface Namer {
        String name(Rect chip);
    }

    /**
     * The chips of one image with their clipped annotations (see {@link #clip}), row by row. Each annotation is only
     * clipped against the chips its box can touch, so an image with many chips and many annotations stays cheap.
     *
     * @param span   chip side in source pixels
     * @param stride step in source pixels
     */
    public static List<Planned> plan(int imageWidth, int imageHeight, List<Annotation> annotations, int span,
                                     int stride, double downsample, double minVisibility, Namer namer) {
        int[] xs = positions(imageWidth, span, stride);
        int[] ys = positions(imageHeight, span, stride);
        int w = Math.min(span, imageWidth);
        int h = Math.min(span, imageHeight);
        int outW = Math.max(1, (int) Math.round(w / downsample));
        int outH = Math.max(1, (int) Math.round(h / downsample));
        List<List<Annotation>> touching = new ArrayList<>(xs.length * ys.length);
        for (int i = 0; i < xs.length * ys.length; i++) {
            touching.add(null);
        }
        for (Annotation a : annotations) {
            BoundingBox b = a.box() != null ? a.box() : a.polygons().isEmpty() ? null : bounds(a.polygons());
            if (b == null || !finite(b)) {
                continue;
            }
            for (int row = firstTouching(ys, h, b.y()); row < ys.length && ys[row] <= b.maxY(); row++) {
                for (int col = firstTouching(xs, w, b.x()); col < xs.length && xs[col] <= b.maxX(); col++) {
                    int k = row * xs.length + col;
                    if (touching.get(k) == null) {
                        touching.set(k, new ArrayList<>());
                    }
                    touching.get(k).add(a);
                }
            }
        }
        List<Planned> chips = new ArrayList<>(xs.length * ys.length);
        for (int row = 0; row < ys.length; row++) {
            for (int col = 0; col < xs.length; col++) {
                Rect rect = new Rect(xs[col], ys[row], w, h);
                String path = namer.name(rect);
                List<Annotation> kept = new ArrayList<>();
                int dropped = 0;
                List<Annotation> candidates = touching.get(row * xs.length + col);
                if (candidates != null) {
                    for (Annotation a : candidates) {
                        Clipped c = clip(a, rect, downsample, outW, outH, minVisibility, path);
                        if (c.fate() == Fate.KEPT) {
                            kept.add(c.annotation());
                        } else if (c.fate() == Fate.DROPPED) {
                            dropped++;
                        }
                    }
                }
                chips.add(new Planned(rect, path, kept, dropped));
            }
        }
        return chips;
    }

    /** Index of the first start whose chip {@code [start, start + extent]} reaches {@code from}. */
    private static int firstTouching(int[] starts, int extent, double from) {
        int lo = 0, hi = starts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] + extent < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
