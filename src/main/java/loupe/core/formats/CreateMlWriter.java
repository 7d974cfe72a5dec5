package loupe.core.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;

/**
 * Writes Apple Create ML object detection JSON as Roboflow exports it: per split a folder holding the images
 * and {@code _annotations.createml.json}, an array of
 * {@code {"image": NAME, "annotations": [{"label": L, "coordinates": {"x", "y", "width", "height"}}]}} with
 * {@code x, y} the centre of the box in pixels (Create ML's default anchor; exactly inverse to
 * {@link CreateMlFormat}). Images without a split and their file go in the output root. {@code image} is the
 * image's path below its folder ({@code sub/a.jpg} keeps its sub-folder), which is where the reader looks it
 * up. Every image gets an entry, one without objects an empty {@code annotations} array, so no image is lost.
 * A split name the reader does not take for one ({@code train}, {@code valid}, {@code test} ... it does) reads
 * back without a split (noted); split names that differ only in case share a folder.
 *
 * <p><b>Classes.</b> Create ML names classes and has no list: readers give ids in the sorted order of the
 * labels that occur, which the report's mapping shows; a class without objects cannot be kept (reported).
 * An empty class name is written as {@code class_<id>}; classes with the same name merge.
 *
 * <p><b>Losses</b>, each reported per kind: polygons (their box is written; an object with polygons and no box
 * gets their bounds), attributes (per key), crowd flags, image-level labels, annotations of a class id not in
 * the class list, boxes with non-finite coordinates. Stateless and thread-safe.
 */
final class CreateMlWriter implements DatasetWriter {

    static final String FILE = "_annotations.createml.json";

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        Map<Integer, String> nameOfId = classNames(source.classes(), report);
        Set<String> writtenLabels = new TreeSet<>();
        SplitFiles files = new SplitFiles(target);
        long total = source.imageCount();
        long[] done = {0};
        try {
            source.forEachImage((image, annotations) -> {
                target.progress().checkCancelled();
                report.imageIn();
                SplitFile file = files.of(image.split());
                String name = WriteTarget.imageName(image);
                target.placeImage(image, file.folder().isEmpty() ? name : file.folder() + "/" + name);
                JsonGenerator g = file.json();
                g.writeStartObject();
                g.writeStringField("image", name);
                g.writeArrayFieldStart("annotations");
                for (Annotation a : annotations) {
                    report.annotationIn(a.classId());
                    BoundingBox box = boxOf(a, nameOfId, report);
                    if (box == null) {
                        continue;
                    }
                    String label = nameOfId.get(a.classId());
                    g.writeStartObject();
                    g.writeStringField("label", label);
                    g.writeObjectFieldStart("coordinates");
                    g.writeFieldName("x");
                    number(g, box.x() + box.width() / 2);
                    g.writeFieldName("y");
                    number(g, box.y() + box.height() / 2);
                    g.writeFieldName("width");
                    number(g, box.width());
                    g.writeFieldName("height");
                    number(g, box.height());
                    g.writeEndObject();
                    g.writeEndObject();
                    writtenLabels.add(label);
                    report.annotationOut(a.classId());
                }
                g.writeEndArray();
                g.writeEndObject();
                report.imageOut();
                target.progress().update("writing", ++done[0], total);
            });
        } finally {
            files.close();
        }
        reportClassIds(source.classes(), nameOfId, writtenLabels, report);
    }

    /** The box to write, reporting what it cannot carry; null when the annotation is skipped (reported). */
    private static BoundingBox boxOf(Annotation a, Map<Integer, String> nameOfId, ConversionReport report) {
        if (!nameOfId.containsKey(a.classId())) {
            report.loss("unknown class id", "annotation skipped: Create ML needs a label, and the class list has"
                    + " none for it");
            return null;
        }
        BoundingBox box = a.box() != null ? a.box() : TfodCsvWriter.bounds(a.polygons());
        if (box == null) {
            report.loss("image-level label", "skipped: Create ML object detection has boxes only");
            return null;
        }
        if (!Double.isFinite(box.x()) || !Double.isFinite(box.y()) || !Double.isFinite(box.width())
                || !Double.isFinite(box.height())) {
            report.loss("box with non-finite coordinates", "skipped: JSON numbers are finite");
            return null;
        }
        TfodCsvWriter.otherLosses(a, report, "Create ML");
        return box;
    }

    /** Integral values without ".0", others in the shortest exact form. */
    private static void number(JsonGenerator g, double v) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeNumber(v);
        }
    }

    /** Source class id to the label written; never empty. */
    private static Map<Integer, String> classNames(List<ClassLabel> classes, ConversionReport report) {
        Map<Integer, String> nameOfId = new HashMap<>();
        Map<String, Integer> firstOfName = new HashMap<>();
        for (ClassLabel c : classes) {
            String name = c.name() == null || c.name().isEmpty() ? "class_" + c.id() : c.name();
            if (!name.equals(c.name())) {
                report.note("class " + c.id() + " has no name; it is written as '" + name + "'");
            }
            if (firstOfName.putIfAbsent(name, c.id()) != null) {
                report.loss("duplicate class name", "merged: Create ML identifies classes by label, so classes with"
                        + " the same name read back as one");
            }
            nameOfId.put(c.id(), name);
            report.className(c.id(), c.name());
        }
        return nameOfId;
    }

    /** Maps each source id to the id a reader gives its label (sorted order of the labels written). */
    private static void reportClassIds(List<ClassLabel> classes, Map<Integer, String> nameOfId,
                                       Set<String> writtenLabels, ConversionReport report) {
        Map<String, Integer> idOfLabel = new TreeMap<>();
        for (String label : writtenLabels) {
            idOfLabel.put(label, idOfLabel.size());
        }
        for (ClassLabel c : classes) {
            Integer id = idOfLabel.get(nameOfId.get(c.id()));
            if (id == null) {
                report.loss("class without objects", "not kept: Create ML has no class list, readers know only the"
                        + " labels that occur");
            } else {
                report.mapping(c.id(), nameOfId.get(c.id()), id);
            }
        }
    }

    // ---------------------------------------------------------------- files

    /** One split's folder ("" for the root) and its open JSON array. */
    private record SplitFile(String folder, OutputStream out, JsonGenerator json) {
    }

    /** The open file of each split, created on first use; split names differing only in case share one. */
    private static final class SplitFiles {

        private final WriteTarget target;
        private final Map<String, SplitFile> byKey = new LinkedHashMap<>();
        private final Map<String, SplitFile> bySplit = new HashMap<>();

        SplitFiles(WriteTarget target) {
            this.target = target;
        }

        SplitFile of(String split) throws IOException {
            SplitFile file = bySplit.get(split);
            if (file != null) {
                return file;
            }
            String folder = split == null ? "" : TfodCsvWriter.safeFolder(split);
            String key = folder.toLowerCase(Locale.ROOT);
            file = byKey.get(key);
            if (file == null) {
                OutputStream out = java.nio.file.Files.newOutputStream(
                        target.file(folder.isEmpty() ? FILE : folder + "/" + FILE));
                JsonGenerator json = CocoReader.JSON.createGenerator(out, JsonEncoding.UTF8);
                json.writeStartArray();
                file = new SplitFile(folder, out, json);
                byKey.put(key, file);
            }
            if (split != null && (!file.folder().equals(split) || !ClassFoldersFormat.isSplitName(split))) {
                target.report().note("split '" + split + "' is written to " + file.folder() + "/"
                        + (ClassFoldersFormat.isSplitName(file.folder()) ? " (its name differs from another split's"
                        + " only in case, or cannot be a folder name)"
                        : ", not a split name Create ML readers know: Loupe reads it back without a split"));
            }
            bySplit.put(split, file);
            return file;
        }

        void close() throws IOException {
            IOException failure = null;
            for (SplitFile file : byKey.values()) {
                try (OutputStream out = file.out(); JsonGenerator json = file.json()) {
                    json.writeEndArray();
                    json.flush();
                } catch (IOException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
