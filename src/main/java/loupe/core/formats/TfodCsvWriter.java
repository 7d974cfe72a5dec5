package loupe.core.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Polygon;

/**
 * Writes TensorFlow Object Detection CSV as datitran's {@code xml_to_csv.py} does: one table per split with
 * the header {@code filename,width,height,class,xmin,ymin,xmax,ymax} and one row per box, plus a TensorFlow
 * label map {@code label_map.pbtxt} ({@code item { id: N name: 'x' }}, ids 1..N in source id order, since TF
 * keeps 0 for the background). {@link TfodCsvFormat} reads the label map for the class ids, so a round trip
 * keeps the classes and their order; the report lists how source ids map to 1..N.
 *
 * <p><b>Layout.</b> {@code <split>_labels.csv} in the output root, or {@code labels.csv} when no image has a
 * split; images in {@code images/<split>/NAME} ({@code images/NAME} without a split), and {@code filename}
 * is the image's path below {@code images/} ({@code train/a.jpg}), which is where {@link TfodCsvFormat} looks
 * a name up for a CSV in the root, and what {@code generate_tfrecord.py --image_dir=images} joins. A split
 * name the reader does not take for a split ({@code train}, {@code val}, {@code test} ... do), and images
 * without a split beside split files, get {@code <split>/labels.csv} ({@code default/labels.csv}) instead:
 * a CSV in the root without a split word in its name would be taken for the union of the split files and
 * skipped. Those images read back without a split (a note says so).
 *
 * <p><b>Boxes.</b> {@code xmin = x + 1}, {@code ymin = y + 1}, {@code xmax = x + width},
 * {@code ymax = y + height}: VOC's 1-based inclusive corners, which is what xml_to_csv.py copies from labelImg
 * and exactly inverse to the reader ({@link VocFormat#toPixels}). Integral values are written as integers,
 * others with up to 9 decimals. {@code width} and {@code height} are the image's size (0 when unknown,
 * reported). Fields holding a comma, a quote or a line break are quoted as RFC 4180 says.
 *
 * <p><b>Losses</b>, each reported per kind: polygons (their box is written; an object with polygons and no box
 * gets their bounds), attributes (per key: the table has no columns for them), crowd flags, image-level
 * labels, annotations of a class id not in the class list, boxes with non-finite coordinates, and images
 * without boxes (the image is copied, but the table cannot list an image without a row). Class names are
 * trimmed (the reader trims fields); characters the reader's label map parsing cannot hold ({@code #},
 * '}', line breaks, backslashes, and a name with both kinds of quote) are replaced by '_'; classes
 * whose written names are equal merge. Stateless and thread-safe.
 */
final class TfodCsvWriter implements DatasetWriter {

    static final String HEADER = "filename,width,height,class,xmin,ymin,xmax,ymax";
    static final String LABEL_MAP = "label_map.pbtxt";
    /** Where images without a split go when other images have one (datumaro's name for "no subset"). */
    static final String NO_SPLIT = "default";
    private static final int DECIMALS = 9;

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        ClassNames classes = ClassNames.of(source.classes(), report);
        Tables tables = new Tables(target);
        long total = source.imageCount();
        long[] done = {0};
        StringBuilder row = new StringBuilder(128);
        source.forEachImage((image, annotations) -> {
            target.progress().checkCancelled();
            report.imageIn();
            String split = image.split();
            String name = WriteTarget.imageName(image);
            String filename = split == null ? name : safeFolder(split) + "/" + name;
            target.placeImage(image, "images/" + filename);
            if (!filename.equals(filename.strip())) {
                report.loss("whitespace around image name", "written, but TFOD CSV readers trim the filename field");
            }
            if (image.width() <= 0 || image.height() <= 0) {
                report.loss("image size unknown", "width and height written as 0 (TFOD tools divide by them)");
            }
            int rows = 0;
            for (Annotation a : annotations) {
                report.annotationIn(a.classId());
                BoundingBox box = boxOf(a, classes, report);
                if (box == null) {
                    continue;
                }
                row.setLength(0);
                field(row, filename).append(',').append(Math.max(0, image.width())).append(',')
                        .append(Math.max(0, image.height())).append(',');
                field(row, classes.name(a.classId())).append(',');
                Numbers.append(row, box.x() + 1, DECIMALS).append(',');
                Numbers.append(row, box.y() + 1, DECIMALS).append(',');
                Numbers.append(row, box.x() + box.width(), DECIMALS).append(',');
                Numbers.append(row, box.y() + box.height(), DECIMALS).append('\n');
                tables.of(split).append(row);
                rows++;
                report.annotationOut(a.classId());
            }
            if (rows == 0) {
                report.loss("image without boxes", "image copied, but TFOD CSV lists images only through their"
                        + " boxes' rows: readers and generate_tfrecord.py do not see it");
            }
            report.imageOut();
            target.progress().update("writing", ++done[0], total);
        });
        tables.close();
        classes.writeLabelMap(target);
    }

    /** The box to write, reporting what it cannot carry; null when the annotation is skipped (reported). */
    private static BoundingBox boxOf(Annotation a, ClassNames classes, ConversionReport report) {
        if (classes.name(a.classId()) == null) {
            report.loss("unknown class id", "annotation skipped: TFOD CSV needs a class name, and the class list"
                    + " has none for it");
            return null;
        }
        BoundingBox box = a.box() != null ? a.box() : bounds(a.polygons());
        if (box == null) {
            report.loss("image-level label", "skipped: TFOD CSV has boxes only");
            return null;
        }
        if (!Double.isFinite(box.x()) || !Double.isFinite(box.y()) || !Double.isFinite(box.width())
                || !Double.isFinite(box.height())) {
            report.loss("box with non-finite coordinates", "skipped: TFOD CSV corners are numbers");
            return null;
        }
        otherLosses(a, report, "TFOD CSV");
        return box;
    }

    /** Reports polygons, crowd flags and attributes, which none of the box-only formats here can hold. */
    static void otherLosses(Annotation a, ConversionReport report, String format) {
        if (!a.polygons().isEmpty()) {
            report.loss("polygon", "kept as its box only (" + format + " has boxes only)");
        }
        if (a.crowd()) {
            report.loss("crowd flag", "dropped; the region is written as an ordinary object");
        }
        for (String key : a.attributes().keySet()) {
            report.loss("attribute '" + key + "'", "dropped: " + format + " has no attributes");
        }
    }

    /** The box around all polygons, or null when there are none. */
    static BoundingBox bounds(List<Polygon> polygons) {
        BoundingBox result = null;
        for (Polygon p : polygons) {
            BoundingBox b = p.bounds();
            if (b != null) {
                result = result == null ? b : BoundingBox.fromCorners(Math.min(result.x(), b.x()),
                        Math.min(result.y(), b.y()), Math.max(result.maxX(), b.maxX()),
                        Math.max(result.maxY(), b.maxY()));
            }
        }
        return result;
    }

    /** A split name made safe as one folder or file name ("a/b" becomes "a_b"). */
    static String safeFolder(String split) {
        String safe = split.replaceAll("[\\s/\\\\\\p{Cntrl}:*?\"<>|]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe;
    }

    /** Appends a CSV field, quoted when it holds a separator, a quote, a line break or edge whitespace. */
    static StringBuilder field(StringBuilder sb, String value) {
        boolean quote = value.isEmpty() || !value.equals(value.strip());
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            return sb.append(value);
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c == '"' ? "\"\"" : String.valueOf(c));
        }
        return sb.append('"');
    }

    // ---------------------------------------------------------------- tables

    /** The open CSV file of each split, created on first use. */
    private static final class Tables {

        private final WriteTarget target;
        /** Lower-cased file path to writer: names differing in case are one file on some file systems. */
        private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
        private final Map<String, String> pathOfKey = new HashMap<>();
        private final Map<String, String> fileOfSplit = new TreeMap<>();
        private boolean unsplit;
        private boolean split;

        Tables(WriteTarget target) {
            this.target = target;
        }

        BufferedWriter of(String splitName) throws IOException {
            String path;
            if (splitName == null) {
                unsplit = true;
                path = "labels.csv";
            } else {
                split = true;
                String safe = safeFolder(splitName);
                path = safe.equals(splitName) && ClassFoldersFormat.isSplitName(splitName)
                        && !splitName.equalsIgnoreCase(NO_SPLIT) ? splitName + "_labels.csv" : safe + "/labels.csv";
            }
            String key = path.toLowerCase(Locale.ROOT);
            BufferedWriter out = writers.get(key);
            if (out == null) {
                out = target.writer(path);
                out.write(HEADER);
                out.write('\n');
                writers.put(key, out);
                pathOfKey.put(key, path);
            }
            if (splitName != null) {
                fileOfSplit.putIfAbsent(splitName, pathOfKey.get(key));
            }
            return out;
        }

        void close() throws IOException {
            for (BufferedWriter out : writers.values()) {
                out.close();
            }
            ConversionReport report = target.report();
            if (unsplit && split) {
                // A split-less CSV beside split files would be taken for their union (see TfodCsvFormat).
                Path from = target.root().resolve("labels.csv");
                Path to = target.file(NO_SPLIT + "/labels.csv");
                if (Files.exists(to)) {     // a split named "default" has it already: append the rows
                    String rows = Files.readString(from, StandardCharsets.UTF_8);
                    Files.writeString(to, rows.substring(HEADER.length() + 1), StandardCharsets.UTF_8,
                            StandardOpenOption.APPEND);
                    Files.delete(from);
                } else {
                    Files.move(from, to);
                }
                report.note("images without a split are listed in " + NO_SPLIT + "/labels.csv (a labels.csv beside"
                        + " split files is taken for their union); Loupe reads them back without a split");
            }
            for (Map.Entry<String, String> e : fileOfSplit.entrySet()) {
                String file = e.getValue();
                if (!file.equals(e.getKey() + "_labels.csv")) {
                    report.note("split '" + e.getKey() + "' is listed in " + file + (file.endsWith("/labels.csv")
                            ? " (not a split name TFOD CSV readers know: Loupe reads it back without a split)"
                            : " (its name differs from another split's only in case)"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- classes

    /** Source class id to the name written, and the names in label map order (id = position + 1). */
    private record ClassNames(Map<Integer, String> nameOfId, List<String> ordered) {

        static ClassNames of(List<ClassLabel> classes, ConversionReport report) {
            Map<Integer, String> nameOfId = new HashMap<>();
            Map<String, Integer> written = new LinkedHashMap<>();
            for (ClassLabel c : classes) {
                String original = c.name() == null ? "" : c.name();
                String name = labelMapSafe(original).strip();
                if (name.isEmpty()) {
                    name = "class_" + c.id();
                }
                if (!name.equals(original)) {
                    report.note("class " + c.id() + " '" + original + "' is written as '" + name + "' (readers trim"
                            + " CSV fields; label maps cannot hold '#', '}', '\\', line breaks or both quotes)");
                }
                Integer id = written.get(name);
                if (id == null) {
                    id = written.size() + 1;
                    written.put(name, id);
                } else {
                    report.loss("duplicate class name", "merged: TFOD CSV identifies classes by name, so classes"
                            + " with the same name read back as one");
                }
                nameOfId.put(c.id(), name);
                report.className(c.id(), c.name());
                report.mapping(c.id(), name, id);
            }
            return new ClassNames(nameOfId, List.copyOf(written.keySet()));
        }

        String name(int classId) {
            return nameOfId.get(classId);
        }

        /**
         * The name without what {@link TfodCsvFormat}'s label map parsing cannot hold: it drops comments from
         * '#', ends an item at the first '}', and takes a name up to the next quote of its kind without
         * unescaping (TF's parser would unescape a backslash).
         */
        private static String labelMapSafe(String name) {
            String safe = name.replaceAll("[#}\\\\\\r\\n]", "_");
            return safe.indexOf('\'') >= 0 && safe.indexOf('"') >= 0 ? safe.replace('"', '_') : safe;
        }

        void writeLabelMap(WriteTarget target) throws IOException {
            try (BufferedWriter out = target.writer(LABEL_MAP)) {
                for (int i = 0; i < ordered.size(); i++) {
                    String name = ordered.get(i);
                    char quote = name.indexOf('\'') >= 0 ? '"' : '\'';
                    out.write("item {\n  id: " + (i + 1) + "\n  name: " + quote + name + quote + "\n}\n");
                }
            }
        }
    }
}
