package loupe.core.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;

/**
 * Writes KITTI object labels as the benchmark lays them out: {@code <split>/image_2/NAME} and
 * {@code <split>/label_2/STEM.txt} (an empty file for an image without objects, so it stays listed), one
 * object a line: {@code type truncated occluded alpha x1 y1 x2 y2 h w l x y z rotation_y [score]}. Images
 * without a split go to {@code training/}, KITTI's folder for labelled data, and read back in split
 * "training" (a note says so); a split name {@link KittiFormat} does not take for one reads back without a
 * split (noted).
 *
 * <p><b>Boxes</b> are edges, inverse to the reader: {@code x1 = x, y1 = y, x2 = x + width,
 * y2 = y + height}; integral values are written as integers, others with up to 9 decimals. The other fields
 * come from the attributes the reader keeps ({@code truncated}, {@code occluded}, {@code alpha},
 * {@code dimensions} "h w l", {@code location} "x y z", {@code rotation_y}, and {@code score}, which adds the
 * 16th field of results files), written as they are; a missing one gets the value the devkit uses for
 * "unknown" (truncated 0, occluded 0, alpha -10, dimensions -1 -1 -1, location -1000 -1000 -1000,
 * rotation_y -10). NOTE: datumaro's exporter writes -1 for every unknown field instead; the devkit's
 * {@code DontCare} lines use the values above.
 *
 * <p><b>Names.</b> Images are flattened into {@code image_2/} (a sub-folder becomes a prefix,
 * {@code a/b.jpg} becomes {@code a_b.jpg}); an image whose stem another image of the split already has
 * (ignoring case) is numbered, {@code b_2.jpg}. KITTI has no class list: readers give ids in the sorted
 * order of the types that occur, which the report's mapping shows; a class without objects cannot be kept
 * (reported). Types are whitespace-separated fields, so whitespace in a class name becomes '_' (noted);
 * classes whose written names are equal merge.
 *
 * <p><b>Losses</b>, each reported per kind: polygons (their box is written; an object with polygons and no box
 * gets their bounds), crowd flags, other attributes (per key), attribute values that are not numbers (the
 * default is written), image-level labels, annotations of a class id not in the class list, boxes with
 * non-finite coordinates. Stateless and thread-safe.
 */
final class KittiWriter implements DatasetWriter {

    /** Where images without a split go: KITTI's folder for labelled data. */
    static final String NO_SPLIT = "training";
    private static final int DECIMALS = 9;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** The single-number fields the reader keeps as attributes, with the devkit's value for "unknown". */
    private static final List<String[]> SCALARS = List.of(new String[] {"truncated", "0"},
            new String[] {"occluded", "0"}, new String[] {"alpha", "-10"});
    private static final String[] DIMENSIONS = {"dimensions", "-1 -1 -1"};
    private static final String[] LOCATION = {"location", "-1000 -1000 -1000"};
    private static final String[] ROTATION = {"rotation_y", "-10"};
    private static final String SCORE = "score";
    private static final Set<String> FIELDS =
            Set.of("truncated", "occluded", "alpha", "dimensions", "location", "rotation_y", SCORE);

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        Map<Integer, String> nameOfId = classNames(source.classes(), report);
        Set<String> writtenTypes = new TreeSet<>();
        Map<String, Set<String>> stemsByFolder = new HashMap<>();
        Map<String, String> unknownSplits = new TreeMap<>();
        long[] counts = new long[3];    // done, unsplit, renamed
        String[] renameExample = {null};
        long total = source.imageCount();
        StringBuilder line = new StringBuilder(128);
        source.forEachImage((image, annotations) -> {
            target.progress().checkCancelled();
            report.imageIn();
            String split = image.split();
            String folder;
            if (split == null) {
                counts[1]++;
                folder = NO_SPLIT;
            } else {
                folder = TfodCsvWriter.safeFolder(split);
                if (!folder.equals(split) || !ClassFoldersFormat.isSplitName(split)) {
                    unknownSplits.put(split, folder);
                }
            }
            String relative = WriteTarget.imageName(image);
            if (relative.startsWith(KittiFormat.IMAGES + "/")) {
                // a KITTI source: imageName drops the split folder, and image_2/ is the image folder
                relative = relative.substring(KittiFormat.IMAGES.length() + 1);
            }
            String original = relative.replace('/', '_');
            String name = unique(original, stemsByFolder.computeIfAbsent(folder.toLowerCase(Locale.ROOT),
                    f -> new HashSet<>()));
            if (!name.equals(original) || relative.indexOf('/') >= 0) {
                counts[2]++;
                if (renameExample[0] == null) {
                    renameExample[0] = image.path() + " -> " + folder + "/" + KittiFormat.IMAGES + "/" + name;
                }
            }
            target.placeImage(image, folder + "/" + KittiFormat.IMAGES + "/" + name);
            try (BufferedWriter out = target.writer(folder + "/" + KittiFormat.LABELS + "/"
                    + DatasetPaths.stripExtension(name) + ".txt")) {
                for (Annotation a : annotations) {
                    report.annotationIn(a.classId());
                    line.setLength(0);
                    if (line(line, a, nameOfId, report)) {
                        out.append(line);
                        writtenTypes.add(nameOfId.get(a.classId()));
                        report.annotationOut(a.classId());
                    }
                }
            }
            report.imageOut();
            target.progress().update("writing", ++counts[0], total);
        });
        reportClassIds(source.classes(), nameOfId, writtenTypes, report);
        if (counts[1] > 0) {
            report.note(counts[1] + " images without a split are written to " + NO_SPLIT + "/ (KITTI's folder for"
                    + " labelled data); Loupe reads them back in split '" + NO_SPLIT + "'");
        }
        unknownSplits.forEach((split, folder) -> report.note("split '" + split + "' is written to " + folder
                + "/, not a split name KITTI readers know: Loupe reads it back without a split"));
        if (counts[2] > 0) {
            report.note(counts[2] + " images were renamed, because image_2/ holds files directly and each stem"
                    + " names one label file, e.g. " + renameExample[0]);
        }
    }

    /** Appends one object line; false when the annotation cannot be written (the loss is reported). */
    private static boolean line(StringBuilder line, Annotation a, Map<Integer, String> nameOfId,
                                ConversionReport report) {
        String type = nameOfId.get(a.classId());
        if (type == null) {
            report.loss("unknown class id", "annotation skipped: a KITTI line needs a type name, and the class"
                    + " list has none for it");
            return false;
        }
        BoundingBox box = a.box() != null ? a.box() : TfodCsvWriter.bounds(a.polygons());
        if (box == null) {
            report.loss("image-level label", "skipped: KITTI lines are objects with boxes");
            return false;
        }
        if (!Double.isFinite(box.x()) || !Double.isFinite(box.y()) || !Double.isFinite(box.width())
                || !Double.isFinite(box.height())) {
            report.loss("box with non-finite coordinates", "skipped: KITTI corners are numbers");
            return false;
        }
        if (!a.polygons().isEmpty()) {
            report.loss("polygon", "kept as its box only (KITTI object labels have boxes only)");
        }
        if (a.crowd()) {
            report.loss("crowd flag", "dropped; the region is written as an ordinary object");
        }
        for (String key : a.attributes().keySet()) {
            if (!FIELDS.contains(key)) {
                report.loss("attribute '" + key + "'", "dropped: KITTI lines have fixed fields only");
            }
        }
        Map<String, String> attributes = a.attributes();
        line.append(type);
        for (String[] field : SCALARS) {
            line.append(' ').append(value(attributes, field, 1, report));
        }
        line.append(' ');
        Numbers.append(line, box.x(), DECIMALS).append(' ');
        Numbers.append(line, box.y(), DECIMALS).append(' ');
        Numbers.append(line, box.x() + box.width(), DECIMALS).append(' ');
        Numbers.append(line, box.y() + box.height(), DECIMALS);
        line.append(' ').append(value(attributes, DIMENSIONS, 3, report));
        line.append(' ').append(value(attributes, LOCATION, 3, report));
        line.append(' ').append(value(attributes, ROTATION, 1, report));
        String score = attributes.get(SCORE);
        if (score != null) {
            if (isNumbers(score, 1)) {
                line.append(' ').append(score.strip());
            } else {
                report.loss("attribute '" + SCORE + "' not a number", "dropped: KITTI's score is a number");
            }
        }
        line.append('\n');
        return true;
    }

    /** The attribute's value when it is {@code count} numbers, else the default (reported when it was there). */
    private static String value(Map<String, String> attributes, String[] field, int count, ConversionReport report) {
        String value = attributes.get(field[0]);
        if (value == null) {
            return field[1];
        }
        if (isNumbers(value, count)) {
            return WHITESPACE.matcher(value.strip()).replaceAll(" ");
        }
        report.loss("attribute '" + field[0] + "' not " + (count == 1 ? "a number" : count + " numbers"),
                "KITTI's value for unknown (" + field[1] + ") written instead");
        return field[1];
    }

    private static boolean isNumbers(String value, int count) {
        String[] parts = WHITESPACE.split(value.strip());
        if (parts.length != count) {
            return false;
        }
        for (String p : parts) {
            if (!TfodCsvFormat.NUMBER.matcher(p).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The name, or it numbered ({@code a_2.jpg}) when its stem is taken in the folder (ignoring case). */
    private static String unique(String name, Set<String> usedStems) {
        String stem = DatasetPaths.stripExtension(name);
        String extension = name.substring(stem.length());
        String candidate = name;
        for (int n = 2; !usedStems.add(DatasetPaths.stripExtension(candidate).toLowerCase(Locale.ROOT)); n++) {
            candidate = stem + "_" + n + extension;
        }
        return candidate;
    }

    /** Source class id to the type written: trimmed, whitespace as '_', never empty. */
    private static Map<Integer, String> classNames(List<ClassLabel> classes, ConversionReport report) {
        Map<Integer, String> nameOfId = new HashMap<>();
        Map<String, Integer> firstOfName = new HashMap<>();
        for (ClassLabel c : classes) {
            String original = c.name() == null ? "" : c.name();
            String name = WHITESPACE.matcher(original.strip()).replaceAll("_");
            if (name.isEmpty()) {
                name = "class_" + c.id();
            }
            if (!name.equals(original)) {
                report.note("class " + c.id() + " '" + original + "' is written as '" + name
                        + "' (KITTI's fields are separated by whitespace)");
            }
            if (firstOfName.putIfAbsent(name, c.id()) != null) {
                report.loss("duplicate class name", "merged: KITTI identifies classes by name, so classes with the"
                        + " same name read back as one");
            }
            nameOfId.put(c.id(), name);
            report.className(c.id(), c.name());
        }
        return nameOfId;
    }

    /** Maps each source id to the id a reader gives its type (sorted order of the types written). */
    private static void reportClassIds(List<ClassLabel> classes, Map<Integer, String> nameOfId,
                                       Set<String> writtenTypes, ConversionReport report) {
        Map<String, Integer> idOfType = new TreeMap<>();
        for (String type : writtenTypes) {
            idOfType.put(type, idOfType.size());
        }
        for (ClassLabel c : classes) {
            Integer id = idOfType.get(nameOfId.get(c.id()));
            if (id == null) {
                report.loss("class without objects", "not kept: KITTI has no class list, readers know only the"
                        + " types that occur");
            } else {
                report.mapping(c.id(), nameOfId.get(c.id()), id);
            }
        }
    }
}
