package loupe.core.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;

/**
 * Writes the Ultralytics YOLO layout: {@code images/<split>/NAME}, {@code labels/<split>/STEM.txt} and
 * {@code data.yaml} with the splits and the class names. Coordinates are normalised to the image size and
 * clipped to [0, 1] (reported).
 *
 * <p>Detection or segmentation: when every box of the source has a polygon, each object is written as a
 * segmentation line {@code class x1 y1 x2 y2 ...}, so no polygon is flattened (Ultralytics trains detection
 * from such lines too, taking their bounds); otherwise every object is a detection line
 * {@code class cx cy w h} and the polygons are reported as kept as boxes. A line holds one polygon: an object
 * made of several polygons keeps its largest (reported). Mixing both kinds of line in one dataset is avoided
 * on purpose: Ultralytics then reads box lines as degenerate polygons.
 *
 * <p>YOLO class ids are the positions 0..N-1 in {@code names}. When the source's ids are exactly 0..N-1 they
 * are kept; otherwise they are mapped in the order of the source id, and the report lists the mapping.
 * What YOLO detection cannot hold is reported per kind: polygons (kept as their box), crowd flags,
 * attributes (per key), image-level labels, boxes outside the image (clipped), boxes of images whose size is
 * unknown (skipped). COCO RLE masks arrive as traced polygons ({@link MaskPolygons}, reported).
 *
 * <p>Oriented boxes: the format id {@code yolo-obb} ({@link YoloObbFormat}) writes every object as an
 * Ultralytics OBB line {@code class x1 y1 x2 y2 x3 y3 x4 y4}: a 4-point polygon (an OBB as read) as is,
 * other polygons as their minimum-area rotated rectangle ({@link RotatedRects}), plain boxes axis-aligned;
 * each reported per kind.
 */
final class YoloWriter implements DatasetWriter {

    /** Write oriented-box lines ({@code class x1 y1 ... x4 y4}) instead of choosing detection or segmentation. */
    private final boolean obb;

    YoloWriter() {
        this(false);
    }

    YoloWriter(boolean obb) {
        this.obb = obb;
    }

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        // COCO RLE masks become traced polygons (reported); a no-op when the caller already did it.
        source = MaskPolygons.wrap(source, report);
        List<ClassLabel> classes = source.classes();
        Map<Integer, Integer> ids = new HashMap<>();
        boolean contiguous = true;
        for (int i = 0; i < classes.size(); i++) {
            contiguous &= classes.get(i).id() == i;
        }
        for (int i = 0; i < classes.size(); i++) {
            ClassLabel c = classes.get(i);
            int written = contiguous ? c.id() : i;
            ids.put(c.id(), written);
            report.mapping(c.id(), c.name(), written);
            report.className(c.id(), c.name());
        }
        DatasetSource.ShapeCounts shapes = obb ? null : source.shapeCounts();
        boolean segment = !obb && shapes.withBoxAndPolygons() > 0
                && shapes.withBoxAndPolygons() == shapes.withBox();
        if (obb) {
            report.note("written as YOLO OBB lines (class x1 y1 x2 y2 x3 y3 x4 y4)");
        }
        if (segment) {
            report.note("every object has a polygon: written as YOLO segmentation lines");
        }
        TreeSet<String> splits = new TreeSet<>();
        boolean[] unsplit = {false};
        long total = source.imageCount();
        long[] done = {0};
        LabelLines text = new LabelLines();
        // Label files are formatted and written on background threads: creating 100,000 files is mostly system
        // time, and formatting their numbers was most of this thread's work.
        try (FileSpool files = new FileSpool(target)) {
            source.forEachImage((image, annotations) -> {
                target.progress().checkCancelled();
                report.imageIn();
                String split = image.split();
                if (split == null) {
                    unsplit[0] = true;
                } else {
                    splits.add(split);
                }
                String folder = split == null ? "" : split + "/";
                String name = WriteTarget.imageName(image);
                target.placeImage(image, "images/" + folder + name);
                text.clear();
                for (Annotation a : annotations) {
                    report.annotationIn(a.classId());
                    Integer id = ids.get(a.classId());
                    if (id == null) {
                        report.loss("unknown class id", "annotation skipped: its class is not in the class list");
                        continue;
                    }
                    if (a.box() == null) {
                        report.loss("image-level label", "skipped: YOLO detection has boxes only");
                        continue;
                    }
                    if (image.width() <= 0 || image.height() <= 0) {
                        report.loss("image size unknown", "box skipped: YOLO coordinates are fractions of the size");
                        continue;
                    }
                    if (obb) {
                        text.start(id);
                        if (!pointsLine(text, obbCorners(a, report), image.width(), image.height(), report)) {
                            text.cancel();
                            report.loss("box outside the image", "skipped: nothing of it lies inside the image");
                            continue;
                        }
                        text.end();
                        lossesOtherThanShape(a, report);
                        report.annotationOut(a.classId());
                        continue;
                    }
                    if (segment) {
                        text.start(id);
                        if (!polygonLine(text, a, image.width(), image.height(), report)) {
                            text.cancel();
                            report.loss("polygon outside the image", "skipped: nothing of it lies inside the image");
                            continue;
                        }
                        text.end();
                        lossesOtherThanShape(a, report);
                        report.annotationOut(a.classId());
                        continue;
                    }
                    if (!a.polygons().isEmpty()) {
                        report.loss("polygon", "kept as its box only (YOLO detection: not every object has one)");
                    }
                    lossesOtherThanShape(a, report);
                    BoundingBox b = clip(a.box(), image.width(), image.height(), report);
                    if (b == null) {
                        report.loss("box outside the image", "skipped: nothing of it lies inside the image");
                        continue;
                    }
                    text.start(id);
                    text.add((b.x() + b.width() / 2) / image.width());
                    text.add((b.y() + b.height() / 2) / image.height());
                    text.add(b.width() / image.width());
                    text.add(b.height() / image.height());
                    text.end();
                    report.annotationOut(a.classId());
                }
                files.write("labels/" + folder + DatasetPaths.stripExtension(name) + ".txt", text.copy());
                report.imageOut();
                target.progress().update("writing", ++done[0], total);
            });
        }
        writeDataYaml(target, classes, ids, splits, unsplit[0]);
    }

    /**
     * The lines of one label file as numbers: each line a class id and its values (normalised, clipped),
     * written as {@code id v1 v2 ...} with at most 9 decimals ({@link AsciiBuffer#appendDecimal}). The caller's
     * thread decides every line (and what the report hears); the spool's thread formats them ({@link #copy}).
     */
    static final class LabelLines {
        private int[] ids = new int[16];
        /** Per line, the end of its values in {@link #values}. */
        private int[] ends = new int[16];
        private int lines;
        private double[] values = new double[256];
        private int size;
        /** The start of the open line's values; -1 when no line is open. */
        private int open = -1;

        void clear() {
            lines = 0;
            size = 0;
            open = -1;
        }

        void start(int id) {
            if (lines == ids.length) {
                ids = java.util.Arrays.copyOf(ids, lines * 2);
                ends = java.util.Arrays.copyOf(ends, lines * 2);
            }
            ids[lines] = id;
            open = size;
        }

        void add(double value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        void end() {
            ends[lines++] = size;
            open = -1;
        }

        /** Drops the open line (it turned out not to be written). */
        void cancel() {
            size = open;
            open = -1;
        }

        /** The lines so far, as a file text independent of this (reused) builder. */
        FileSpool.Text copy() {
            int[] lineIds = java.util.Arrays.copyOf(ids, lines);
            int[] lineEnds = java.util.Arrays.copyOf(ends, lines);
            double[] numbers = java.util.Arrays.copyOf(values, size);
            clear();
            return buffer -> {
                int at = 0;
                for (int i = 0; i < lineIds.length; i++) {
                    buffer.append(lineIds[i]);
                    for (; at < lineEnds[i]; at++) {
                        buffer.append(' ').appendDecimal(numbers[at], 9);
                    }
                    buffer.append('\n');
                }
            };
        }
    }

    /** "attribute 'id'" and the like: one String per key rather than one per annotation (a bounded cache). */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> ATTRIBUTE_KINDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static void lossesOtherThanShape(Annotation a, ConversionReport report) {
        if (a.crowd()) {
            report.loss("crowd flag", "dropped; the region is written as an ordinary object");
        }
        for (String key : a.attributes().keySet()) {
            String kind = ATTRIBUTE_KINDS.get(key);
            if (kind == null) {
                kind = "attribute '" + key + "'";
                if (ATTRIBUTE_KINDS.size() < 1024) {
                    ATTRIBUTE_KINDS.put(key, kind);
                }
            }
            report.loss(kind, "dropped: YOLO has no attributes");
        }
    }

    /**
     * Appends the largest polygon's points, normalised and clipped to [0, 1]. False when it has fewer than
     * three points or lies wholly outside the image.
     */
    private static boolean polygonLine(LabelLines line, Annotation a, int width, int height,
                                       ConversionReport report) {
        double[] best = null;
        double bestArea = -1;
        for (var polygon : a.polygons()) {
            double area = Math.abs(shoelace(polygon.points()));
            if (area > bestArea) {
                bestArea = area;
                best = polygon.points();
            }
        }
        if (a.polygons().size() > 1) {
            report.loss("polygon part", "object of several polygons: only the largest is written (one per line)");
        }
        if (best == null || best.length < 6) {
            return false;
        }
        return pointsLine(line, best, width, height, report);
    }

    /**
     * The four corners of an object's oriented box: its polygon when it is exactly one of 4 points (an OBB
     * as read), else the minimum-area rotated rectangle around its polygons, else its axis-aligned box.
     */
    static double[] obbCorners(Annotation a, ConversionReport report) {
        List<loupe.core.model.Polygon> polygons = a.polygons();
        if (polygons.size() == 1 && polygons.get(0).size() == 4) {
            return polygons.get(0).points();
        }
        if (!polygons.isEmpty()) {
            int n = 0;
            for (var p : polygons) {
                n += p.points().length;
            }
            double[] all = new double[n];
            int at = 0;
            for (var p : polygons) {
                System.arraycopy(p.points(), 0, all, at, p.points().length);
                at += p.points().length;
            }
            double[] rect = RotatedRects.minAreaRect(all);
            if (rect != null) {
                report.loss("polygon as OBB", "written as its minimum-area rotated rectangle (YOLO OBB has 4 corners)");
                return rect;
            }
        }
        BoundingBox b = a.box();
        report.loss("box as OBB", "written as an axis-aligned oriented box (the object has no polygon)");
        return new double[] {b.x(), b.y(), b.maxX(), b.y(), b.maxX(), b.maxY(), b.x(), b.maxY()};
    }

    /** Appends points normalised and clipped to [0, 1]; false when they lie wholly outside the image. */
    private static boolean pointsLine(LabelLines line, double[] best, int width, int height,
                                      ConversionReport report) {
        boolean clipped = false;
        boolean inside = false;
        for (int i = 0; i < best.length; i += 2) {
            double x = best[i] / width;
            double y = best[i + 1] / height;
            double cx = Math.min(1, Math.max(0, x));
            double cy = Math.min(1, Math.max(0, y));
            clipped |= cx != x || cy != y;
            inside |= cx == x && cy == y;
            line.add(cx);
            line.add(cy);
        }
        if (clipped) {
            report.loss("polygon outside the image", "points clipped to the image (YOLO coordinates lie in [0, 1])");
        }
        return inside || !clipped;
    }

    private static double shoelace(double[] p) {
        double sum = 0;
        for (int i = 0; i < p.length; i += 2) {
            int j = (i + 2) % p.length;
            sum += p[i] * p[j + 1] - p[j] * p[i + 1];
        }
        return sum / 2;
    }

    /** Clips to the image; null when nothing is left. Reports a clip when the box changed. */
    private static BoundingBox clip(BoundingBox b, int width, int height, ConversionReport report) {
        double x1 = Math.max(0, b.x());
        double y1 = Math.max(0, b.y());
        double x2 = Math.min(width, b.maxX());
        double y2 = Math.min(height, b.maxY());
        if (x2 <= x1 || y2 <= y1) {
            return b.width() <= 0 || b.height() <= 0 ? b : null;
        }
        if (x1 != b.x() || y1 != b.y() || x2 != b.maxX() || y2 != b.maxY()) {
            report.loss("box outside the image", "clipped to the image (YOLO coordinates lie in [0, 1])");
            return BoundingBox.fromCorners(x1, y1, x2, y2);
        }
        return b;
    }

    private static void writeDataYaml(WriteTarget target, List<ClassLabel> classes, Map<Integer, Integer> ids,
                                      TreeSet<String> splits, boolean unsplit) throws IOException {
        // NOTE: no "path:" key. Ultralytics resolves a relative path against its own datasets folder, and
        // without the key it uses the folder of data.yaml, which is what a copied dataset needs.
        StringBuilder yaml = new StringBuilder("# Written by Loupe\n");
        if (splits.isEmpty() || unsplit) {
            if (!splits.isEmpty()) {
                target.report().note("images without a split are in images/ directly; data.yaml's train lists them");
            }
            yaml.append("train: images\nval: images\n");
        } else {
            String train = splits.contains("train") ? "train" : splits.first();
            String val = splits.contains("val") ? "val" : splits.contains("valid") ? "valid" : train;
            yaml.append("train: images/").append(train).append('\n');
            yaml.append("val: images/").append(val).append('\n');
            for (String split : splits) {
                if (!split.equals(train) && !split.equals(val)) {
                    yaml.append(split.equals("test") ? "test" : quote(split)).append(": images/").append(split).append('\n');
                }
            }
        }
        yaml.append("nc: ").append(classes.size()).append("\nnames:\n");
        for (ClassLabel c : classes) {
            yaml.append("  ").append(ids.get(c.id())).append(": ").append(quote(c.name())).append('\n');
        }
        try (BufferedWriter out = target.writer("data.yaml")) {
            out.append(yaml);
        }
    }

    /** A YAML double-quoted scalar (JSON escaping is valid YAML). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}
