package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Polygon;

/**
 * Writes LabelMe JSON as labelme saves it, the inverse of {@link LabelMeFormat}'s reader: each image at
 * {@code <split>/NAME} (at the root when it has no split; {@code NAME} keeps sub-folders, see
 * {@link WriteTarget#imageName}) with {@code <split>/STEM.json} beside it, and {@code labels.txt} in the root
 * ({@code __ignore__}, {@code _background_}, then the class names in id order, as labelme's examples have it),
 * so class ids survive a round trip when the source's are 0..N-1. Every image gets a JSON, an empty one when
 * it has no annotations, so that it is declared when read back even without its image file.
 *
 * <p><b>A JSON</b> holds {@code version}, {@code flags}, {@code shapes}, {@code imagePath} (the image's file
 * name: it sits beside the JSON), {@code imageData} null, {@code imageHeight} and {@code imageWidth} (null
 * when unknown), indented by two spaces as labelme's {@code json.dump(indent=2)}. Coordinates are the model's
 * pixels, unchanged, written in the shortest form that reads back to the same double.
 *
 * <p><b>Shapes.</b> An annotation with polygons becomes one {@code polygon} shape per polygon, with the same
 * label, attributes and {@code group_id}; when it has several polygons and no {@code group_id}, they get a new
 * one (unused in that image) so that they stay one object for labelme2coco (the report says how many in a
 * note; Loupe's reader reads each shape as an annotation of its own). Otherwise the box is written by the
 * attribute {@code shape_type} the reader set, where the reader's mapping can be inverted:
 * <ul>
 * <li>none: a {@code rectangle} {@code [[x1, y1], [x2, y2]]}; reads back to the same box;</li>
 * <li>{@code circle}, when the box is square (within 1e-6 relative): the centre and the point right of it;
 *     reads back to the same box and type, as the circle was;</li>
 * <li>{@code point} and {@code points}, when the box has zero size: the one point; same box and type;</li>
 * <li>{@code line}, {@code linestrip}, {@code points}: the box's top-left and bottom-right corners; reads back
 *     to the same box and type. The source's vertices are not those: the reader keeps only their bounds, so a
 *     line drawn the other diagonal, or a linestrip's middle points, were gone before the writer saw them.</li>
 * </ul>
 * Any other {@code shape_type} ({@code mask}: the reader does not keep its pixels; a circle whose box is not
 * square; a point with an extent; types labelme does not write) is written as a rectangle and reported.
 * Attribute {@code group_id} is written back (as a number when it is an integer), {@code description} too,
 * {@code flag.NAME} = {@code true}/{@code false} into the shape's {@code flags}, and every other attribute as
 * an extra shape key, which labelme keeps and the reader reads back as an attribute of that name (numbers and
 * booleans as such, else strings); an attribute named like one of LabelMe's own shape keys ({@code label},
 * {@code points}, {@code flags}, {@code mask}) is dropped and reported.
 *
 * <p><b>Image-level labels</b> (annotations without box or polygons) become image {@code flags}
 * {@code {"name": true}}, which the reader turns back into image-level labels; {@code flags.txt} then lists
 * those classes for {@code labelme --flags}.
 *
 * <p><b>Losses</b> (reported per kind): crowd flags (LabelMe has none), annotations of classes not in the class
 * list, polygons with fewer than 3 points, non-finite coordinates, a box that is not the bounds of the
 * annotation's polygons (a polygon carries no box), shape types that cannot be inverted, attributes of
 * image-level labels, repeated image-level labels of one class (a flag is set once), class names a
 * {@code labels.txt} line cannot hold or that repeat, splits that do not read back as the same split (Loupe's
 * reader knows {@code train}, {@code val}, {@code test} ... folders), and images whose name has no image
 * extension. An image that lives inside a LabelMe JSON ({@code imageData}, declared at the JSON's path) keeps
 * its {@code imageData} unless no images are written.
 *
 * <p>Every file is created new, never overwritten: two images of one folder sharing a stem ({@code a.jpg},
 * {@code a.png}) write the second JSON as {@code a.png.json} (reported; the reader finds the image by
 * {@code imagePath}), and no write goes through a linked image into the source. Memory holds one image's
 * annotations at a time. Stateless and thread-safe.
 */
final class LabelMeWriter implements DatasetWriter {

    /** The labelme version written into each file: one whose format the reader and labelme 5.x share. */
    static final String VERSION = "5.4.1";

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");
    private static final Pattern JSON_INTEGER = Pattern.compile("-?(?:0|[1-9]\\d{0,17})");
    /** Characters a folder name cannot hold on some system; a split name holding them is changed. */
    private static final Pattern UNSAFE = Pattern.compile("[/\\\\:*?\"<>|\\p{Cntrl}]");
    /** Keys of a LabelMe shape: an attribute of such a name cannot be written as an extra key. */
    private static final Set<String> SHAPE_KEYS =
            Set.of("label", "points", "group_id", "description", "shape_type", "flags", "mask");
    private static final String FLAG_PREFIX = "flag.";
    /** How far a circle's box may be from square, relative to its size. */
    private static final double SQUARE_TOLERANCE = 1e-6;

    /** One shape to write; {@code points} is {@code x0, y0, x1, y1, ...}. */
    private record Shape(String label, double[] points, String groupId, String description, String type,
                         Map<String, Boolean> flags, Map<String, String> extra) {
    }

    /**
     * The labels classes are written with.
     *
     * @param nameOf source class id to the label written
     * @param listed the lines of labels.txt after the reserved ones, in id order, each once
     */
    private record Labels(Map<Integer, String> nameOf, List<String> listed) {
    }

    /** Counts for the notes at the end. */
    private static final class Tally {
        long multiPolygon;
        long freshGroups;
        final Set<String> flagLabels = new TreeSet<>();
    }

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        List<ClassLabel> classes = source.classes();
        Labels labels = labels(classes, report);
        StringBuilder list = new StringBuilder("__ignore__\n_background_\n");
        labels.listed().forEach(name -> list.append(name).append('\n'));
        writeText(target, "labels.txt", list.toString());

        Tally tally = new Tally();
        long total = source.imageCount();
        long[] done = {0};
        source.forEachImage((image, annotations) -> {
            target.progress().checkCancelled();
            report.imageIn();
            writeImage(source, target, image, annotations, labels, tally);
            report.imageOut();
            target.progress().update("writing", ++done[0], total);
        });

        if (!tally.flagLabels.isEmpty()) {
            StringBuilder flags = new StringBuilder("__ignore__\n");
            for (ClassLabel c : classes) {
                String name = labels.nameOf().get(c.id());
                if (tally.flagLabels.remove(name) && !LabelMeFormat.RESERVED.contains(name)) {
                    flags.append(name).append('\n');
                }
            }
            writeText(target, "flags.txt", flags.toString());
        }
        if (tally.multiPolygon > 0) {
            report.note(tally.multiPolygon + " annotation(s) with several polygons were written as one polygon"
                    + " shape per polygon sharing a group_id (" + tally.freshGroups + " got a new group_id);"
                    + " labelme2coco merges such shapes into one object, Loupe's LabelMe reader reads each shape"
                    + " as an annotation of its own");
        }
    }

    // ---------------------------------------------------------------- classes

    private static Labels labels(List<ClassLabel> classes, ConversionReport report) {
        Map<Integer, String> nameOf = new HashMap<>();
        List<String> listed = new ArrayList<>();
        Map<String, Integer> writtenId = new HashMap<>();
        for (ClassLabel c : classes) {
            report.className(c.id(), c.name());
            String name = c.name() == null ? "" : c.name().replaceAll("[\\r\\n]+", " ").strip();
            if (name.isEmpty()) {
                name = "class_" + c.id();
            }
            if (!name.equals(c.name())) {
                report.loss("class name '" + c.name() + "'", "written as '" + name
                        + "': a labels.txt line cannot hold an empty name, line breaks or spaces at the ends");
            }
            nameOf.put(c.id(), name);
            if (LabelMeFormat.RESERVED.contains(name)) {
                // NOTE: kept as the label: a source with such a class most likely came from labelme, where
                // these shapes are ignore regions; labels.txt cannot list it as a class.
                report.loss("class '" + name + "'", "written as this label, which is labelme's reserved name:"
                        + " LabelMe tools read its shapes as ignore regions, not objects");
                continue;
            }
            Integer id = writtenId.get(name);
            if (id == null) {
                id = listed.size();
                writtenId.put(name, id);
                listed.add(name);
            } else {
                report.loss("duplicate class name '" + name + "'",
                        "merged with the class of the same name: LabelMe labels are names");
            }
            report.mapping(c.id(), c.name(), id);
        }
        return new Labels(nameOf, listed);
    }

    // ---------------------------------------------------------------- images

    private static void writeImage(DatasetSource source, WriteTarget target, ImageItem image,
                                   List<Annotation> annotations, Labels labels, Tally tally) throws IOException {
        ConversionReport report = target.report();
        String folder = folder(image.split());
        String name = WriteTarget.imageName(image);
        String stem = DatasetPaths.stripExtension(name);
        String imagePath;
        String imageData = null;
        if (DatasetPaths.extension(name).equals("json")) {
            // The source image lives inside a LabelMe JSON (imageData). Placing it would put a JSON (or a link
            // to the source's) where this image's JSON goes; its imageData is carried over instead.
            String data = embeddedImageData(source, image);
            imagePath = DatasetPaths.fileName(stem) + "." + imageExtension(data);
            if (data == null) {
                report.loss("embedded image without imageData", "not carried: the source image is a .json file without readable"
                        + " imageData; imagePath names an image that does not exist");
            } else if (target.imageMode() == ImageMode.NONE) {
                report.loss("embedded image", "imageData not written (no images asked for); imagePath names"
                        + " an image that does not exist");
            } else {
                imageData = data;
            }
        } else {
            target.placeImage(image, folder + name);
            imagePath = DatasetPaths.fileName(name);
            if (!DatasetPaths.isImage(name)) {
                report.loss("image without an image extension", "written, but Loupe's LabelMe reader skips a"
                        + " JSON whose image has no image extension");
            }
        }
        String readSplit = ClassFoldersFormat.splitOfPath(folder + name);
        if (!Objects.equals(readSplit, image.split())) {
            report.loss("split " + (image.split() == null ? "(none)" : "'" + image.split() + "'"),
                    readSplit == null
                            ? "written as folder " + folder + ", which Loupe's LabelMe reader does not read as a"
                                    + " split (it knows train, val, test, ... folders)"
                            : "reads back as split '" + readSplit + "': a folder of that name holds the image");
        }

        Map<String, Boolean> imageFlags = new LinkedHashMap<>();
        List<Shape> shapes = new ArrayList<>();
        long[] nextGroup = {firstFreeGroupId(annotations)};
        for (Annotation a : annotations) {
            report.annotationIn(a.classId());
            String label = labels.nameOf().get(a.classId());
            if (label == null) {
                report.loss("unknown class id", "annotation skipped: its class is not in the class list");
                continue;
            }
            if (shapes(a, label, report, imageFlags, shapes, nextGroup, tally)) {
                report.annotationOut(a.classId());
            }
        }

        String json = folder + stem + ".json";
        OutputStream out;
        try {
            out = Files.newOutputStream(target.file(json), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            json = folder + name + ".json";
            out = Files.newOutputStream(target.file(json), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            report.loss("images sharing a stem", "JSON written as NAME.json (labelme opens STEM.json, which belongs"
                    + " to the other image); Loupe's reader finds the image by imagePath");
        }
        try (JsonGenerator g = CocoReader.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            writeJson(g, imagePath, imageData, image, imageFlags, shapes);
        }
    }

    /**
     * Adds an annotation's shapes (or its image flag); reports what cannot be written. Returns whether anything
     * of it was written.
     */
    private static boolean shapes(Annotation a, String label, ConversionReport report,
                                  Map<String, Boolean> imageFlags, List<Shape> shapes, long[] nextGroup,
                                  Tally tally) {
        if (a.crowd()) {
            report.loss("crowd flag", "dropped: LabelMe has no crowd regions; written as an ordinary shape");
        }
        List<Polygon> polygons = new ArrayList<>();
        for (Polygon p : a.polygons()) {
            if (!finite(p.points())) {
                report.loss("non-finite coordinates", "polygon dropped: LabelMe points are finite numbers");
            } else if (p.size() < 3) {
                report.loss("degenerate polygon", "dropped: a LabelMe polygon needs at least 3 points; the"
                        + " annotation is written as its box (or as the polygon's bounds when it has none)");
            } else {
                polygons.add(p);
            }
        }
        BoundingBox box = a.box();
        if (box == null && polygons.isEmpty()) {
            box = finiteBounds(a.polygons());
        }
        Map<String, String> attributes = new TreeMap<>(a.attributes());
        if (box == null && polygons.isEmpty()) {
            for (String key : attributes.keySet()) {
                report.loss("attribute '" + key + "'",
                        "dropped: an image-level label is an image flag, which has no attributes");
            }
            if (imageFlags.put(label, true) != null) {
                report.loss("repeated image-level label", "merged: an image flag is set once");
                return false;
            }
            tally.flagLabels.add(label);
            return true;
        }
        if (box != null && !finite(new double[] {box.x(), box.y(), box.width(), box.height()})) {
            report.loss("non-finite coordinates", "annotation skipped: LabelMe points are finite numbers");
            return false;
        }

        String shapeType = attributes.remove("shape_type");
        String groupId = attributes.remove("group_id");
        String description = attributes.remove("description");
        if (description != null && description.isEmpty()) {
            report.loss("attribute 'description'", "empty: not written (readers keep a non-empty description only)");
            description = null;
        }
        Map<String, Boolean> flags = new LinkedHashMap<>();
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.startsWith(FLAG_PREFIX) && key.length() > FLAG_PREFIX.length()
                    && (value.equals("true") || value.equals("false"))) {
                flags.put(key.substring(FLAG_PREFIX.length()), value.equals("true"));
            } else if (SHAPE_KEYS.contains(key)) {
                report.loss("attribute '" + key + "'", "dropped: LabelMe shapes use this key themselves");
            } else {
                extra.put(key, value);
            }
        }

        if (!polygons.isEmpty()) {
            if (shapeType != null) {
                report.loss("shape_type '" + shapeType + "'", "written as polygon shapes: the annotation has polygons");
            }
            if (box != null && !sameBox(box, finiteBounds(polygons))) {
                report.loss("box not the bounds of its polygons", "dropped: a LabelMe polygon has no box of its"
                        + " own; the box read back is the polygon's bounds");
            }
            if (polygons.size() > 1) {
                tally.multiPolygon++;
                if (groupId == null) {
                    groupId = Long.toString(nextGroup[0]++);
                    tally.freshGroups++;
                }
            }
            for (Polygon p : polygons) {
                shapes.add(new Shape(label, p.points(), groupId, description, "polygon", flags, extra));
            }
            return true;
        }

        if (box.width() < 0 || box.height() < 0) {
            report.loss("box of negative size", "written by its corners; it reads back with a positive size");
        }
        double x1 = box.x();
        double y1 = box.y();
        double x2 = box.maxX();
        double y2 = box.maxY();
        boolean zero = box.width() == 0 && box.height() == 0;
        String type = shapeType == null ? "rectangle" : shapeType;
        double[] points;
        switch (type) {
            case "circle" -> {
                if (square(box)) {
                    double r = box.width() / 2;
                    double cx = x1 + r;
                    double cy = y1 + box.height() / 2;
                    points = new double[] {cx, cy, cx + r, cy};
                } else {
                    points = null;
                }
            }
            case "point" -> points = zero ? new double[] {x1, y1} : null;
            case "points" -> points = zero ? new double[] {x1, y1} : new double[] {x1, y1, x2, y2};
            case "line", "linestrip" -> points = new double[] {x1, y1, x2, y2};
            case "rectangle" -> points = shapeType == null ? new double[] {x1, y1, x2, y2} : null;
            default -> points = null;
        }
        if (points == null) {
            report.loss("shape_type '" + shapeType + "'", "written as a rectangle: "
                    + switch (type) {
                        case "mask" -> "the mask's pixels were not read, only its box";
                        case "circle" -> "its box is not square";
                        case "point" -> "its box has an extent";
                        case "polygon" -> "the annotation has no polygon points, only its box";
                        case "rectangle" -> "rectangle is LabelMe's default; the attribute does not read back";
                        default -> "LabelMe's readers know no such shape";
                    });
            type = "rectangle";
            points = new double[] {x1, y1, x2, y2};
        }
        shapes.add(new Shape(label, points, groupId, description, type, flags, extra));
        return true;
    }

    /** One more than the largest integer {@code group_id} of the image's annotations (1 when none). */
    private static long firstFreeGroupId(List<Annotation> annotations) {
        long max = 0;
        for (Annotation a : annotations) {
            String g = a.attributes().get("group_id");
            if (g != null && JSON_INTEGER.matcher(g.strip()).matches()) {
                max = Math.max(max, Long.parseLong(g.strip()));
            }
        }
        return max + 1;
    }

    // ---------------------------------------------------------------- JSON

    private static void writeJson(JsonGenerator g, String imagePath, String imageData, ImageItem image,
                                  Map<String, Boolean> imageFlags, List<Shape> shapes) throws IOException {
        g.setPrettyPrinter(labelmePrinter());
        g.writeStartObject();
        g.writeStringField("version", VERSION);
        g.writeObjectFieldStart("flags");
        for (Map.Entry<String, Boolean> f : imageFlags.entrySet()) {
            g.writeBooleanField(f.getKey(), f.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("shapes");
        for (Shape s : shapes) {
            g.writeStartObject();
            g.writeStringField("label", s.label());
            g.writeArrayFieldStart("points");
            double[] p = s.points();
            for (int i = 0; i + 1 < p.length; i += 2) {
                g.writeStartArray();
                g.writeNumber(p[i]);
                g.writeNumber(p[i + 1]);
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeFieldName("group_id");
            if (s.groupId() == null) {
                g.writeNull();
            } else if (JSON_INTEGER.matcher(s.groupId()).matches()) {
                g.writeNumber(s.groupId());
            } else {
                g.writeString(s.groupId());
            }
            g.writeFieldName("description");
            if (s.description() == null) {
                g.writeNull();
            } else {
                g.writeString(s.description());
            }
            g.writeStringField("shape_type", s.type());
            g.writeObjectFieldStart("flags");
            for (Map.Entry<String, Boolean> f : s.flags().entrySet()) {
                g.writeBooleanField(f.getKey(), f.getValue());
            }
            g.writeEndObject();
            g.writeNullField("mask");
            for (Map.Entry<String, String> e : s.extra().entrySet()) {
                g.writeFieldName(e.getKey());
                scalar(g, e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("imagePath", imagePath);
        g.writeFieldName("imageData");
        if (imageData == null) {
            g.writeNull();
        } else {
            g.writeString(imageData);
        }
        size(g, "imageHeight", image.height());
        size(g, "imageWidth", image.width());
        g.writeEndObject();
    }

    /**
     * Python's {@code json.dump(indent=2)}: two spaces, {@code "key": value}, every array element on its own
     * line, {@code []} and {@code {}} when empty. A new one per file: the printer keeps the nesting state.
     */
    private static DefaultPrettyPrinter labelmePrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    private static void size(JsonGenerator g, String field, int value) throws IOException {
        if (value > 0) {
            g.writeNumberField(field, value);
        } else {
            // Unknown (missing image, no declared size): labelme takes the size from the image when null.
            g.writeNullField(field);
        }
    }

    /** An attribute value: JSON numbers and booleans as such (their text reads back unchanged), else a string. */
    private static void scalar(JsonGenerator g, String value) throws IOException {
        if (value.equals("true") || value.equals("false")) {
            g.writeBoolean(value.equals("true"));
        } else if (JSON_NUMBER.matcher(value).matches()) {
            g.writeNumber(value);
        } else {
            g.writeString(value);
        }
    }

    /** The {@code imageData} of a source image that is a LabelMe JSON, or null when it has none. */
    private static String embeddedImageData(DatasetSource source, ImageItem image) {
        try (InputStream in = Files.newInputStream(source.root().resolve(image.path()));
             JsonParser p = CocoReader.JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("imageData") && value == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            // Missing, unreadable or malformed (or an image beyond Jackson's string limit): the caller reports it.
            return null;
        }
    }

    /** The extension of a base64-encoded image by its first bytes; jpg when unknown. */
    private static String imageExtension(String base64) {
        if (base64 == null) {
            return "jpg";
        }
        if (base64.startsWith("iVBORw0KGgo")) {
            return "png";
        }
        if (base64.startsWith("R0lGOD")) {
            return "gif";
        }
        if (base64.startsWith("Qk")) {
            return "bmp";
        }
        return "jpg";
    }

    // ---------------------------------------------------------------- helpers

    /** The folder of a split ({@code ""} for none), with characters a folder name cannot hold replaced. */
    private static String folder(String split) {
        if (split == null || split.isBlank()) {
            return "";
        }
        // A leading dot would hide the folder from readers (and "." or ".." are no folder of their own).
        String safe = UNSAFE.matcher(split).replaceAll("_").replaceFirst("^\\.", "_");
        return safe + "/";
    }

    private static void writeText(WriteTarget target, String relative, String text) throws IOException {
        Files.writeString(target.file(relative), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
    }

    private static boolean square(BoundingBox b) {
        return close(b.width(), b.height()) && b.width() >= 0;
    }

    private static boolean sameBox(BoundingBox a, BoundingBox b) {
        return b != null && close(a.x(), b.x()) && close(a.y(), b.y()) && close(a.maxX(), b.maxX())
                && close(a.maxY(), b.maxY());
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= SQUARE_TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }

    private static boolean finite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The bounds of the finite points of the polygons, or null when there are none. */
    private static BoundingBox finiteBounds(List<Polygon> polygons) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Polygon polygon : polygons) {
            double[] p = polygon.points();
            for (int i = 0; i + 1 < p.length; i += 2) {
                if (Double.isFinite(p[i]) && Double.isFinite(p[i + 1])) {
                    minX = Math.min(minX, p[i]);
                    maxX = Math.max(maxX, p[i]);
                    minY = Math.min(minY, p[i + 1]);
                    maxY = Math.max(maxY, p[i + 1]);
                }
            }
        }
        return minX > maxX ? null : BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }
}
