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
 * Writes the Ultralytics YOLO detection layout: {@code images/<split>/NAME}, {@code labels/<split>/STEM.txt}
 * with one {@code class cx cy w h} line per box (normalised to the image size, clipped to [0, 1]), and
 * {@code data.yaml} with the splits and the class names.
 *
 * <p>YOLO class ids are the positions 0..N-1 in {@code names}. When the source's ids are exactly 0..N-1 they
 * are kept; otherwise they are mapped in the order of the source id, and the report lists the mapping.
 * What YOLO detection cannot hold is reported per kind: polygons (kept as their box), crowd flags,
 * attributes (per key), image-level labels, boxes outside the image (clipped), boxes of images whose size is
 * unknown (skipped).
 */
final class YoloWriter implements DatasetWriter {

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
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
        TreeSet<String> splits = new TreeSet<>();
        boolean[] unsplit = {false};
        long total = source.imageCount();
        long[] done = {0};
        StringBuilder line = new StringBuilder(64);
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
            try (BufferedWriter out = target.writer("labels/" + folder + DatasetPaths.stripExtension(name) + ".txt")) {
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
                    if (!a.polygons().isEmpty()) {
                        report.loss("polygon", "kept as its box only (YOLO detection)");
                    }
                    if (a.crowd()) {
                        report.loss("crowd flag", "dropped; the region is written as an ordinary box");
                    }
                    for (String key : a.attributes().keySet()) {
                        report.loss("attribute '" + key + "'", "dropped: YOLO has no attributes");
                    }
                    BoundingBox b = clip(a.box(), image.width(), image.height(), report);
                    if (b == null) {
                        report.loss("box outside the image", "skipped: nothing of it lies inside the image");
                        continue;
                    }
                    line.setLength(0);
                    line.append(id).append(' ');
                    Numbers.append(line, (b.x() + b.width() / 2) / image.width(), 9).append(' ');
                    Numbers.append(line, (b.y() + b.height() / 2) / image.height(), 9).append(' ');
                    Numbers.append(line, b.width() / image.width(), 9).append(' ');
                    Numbers.append(line, b.height() / image.height(), 9).append('\n');
                    out.append(line);
                    report.annotationOut(a.classId());
                }
            }
            report.imageOut();
            target.progress().update("writing", ++done[0], total);
        });
        writeDataYaml(target, classes, ids, splits, unsplit[0]);
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
