package loupe.core.formats;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.model.Polygon;

/**
 * Writes CVAT for images 1.1 XML as CVAT exports a project with its images: {@code annotations.xml} and the
 * images in {@code images/<split>/<name>} ({@code images/<name>} for an image without a split), where
 * {@code <name>} is {@link WriteTarget#imageName} and is what {@code <image name>} says: {@link CvatFormat}
 * looks for {@code images/<subset>/<name>} first. The inverse of {@link CvatFormat}'s reader: reading the
 * output back gives the same images, splits, classes, boxes, polygons and attributes, except for what the
 * report lists.
 *
 * <p><b>Meta.</b> {@code <meta><project>} with {@code <subsets>} (one per line) when the images have two or
 * more splits, or a split and images without one; {@code <meta><task>} with its {@code <subset>} (if any)
 * otherwise. {@code <labels>} lists every class in id order, each with the names of the
 * {@code <attribute>}s written for its shapes declared as text attributes (CVAT drops an attribute its label
 * does not declare). The reader numbers classes 0.. in that order: the ids are kept when the source's are
 * 0..N-1; otherwise the report lists the mapping. Class names are made what the reader reads back exactly:
 * unique, non-empty, trimmed XML text (renames are reported). Images get {@code id} 0.. in the order written,
 * {@code subset} when they have a split, and {@code width}/{@code height} when known.
 *
 * <p><b>Shapes</b> (coordinates are Loupe's pixels already, written as the shortest exact decimal):
 * <ul>
 *   <li>a box: {@code <box xtl=x ytl=y xbr=x+width ybr=y+height>};</li>
 *   <li>polygons: one {@code <polygon points="x,y;x,y;...">} per polygon; several polygons of one annotation
 *       share a {@code group_id} (a fresh one when it has none) and read back as several annotations
 *       (reported); a box other than the polygons' bounds is lost (reported: the reader derives it);</li>
 *   <li>a rotated box as the reader makes it (attribute {@code rotation} and one 4-corner polygon that is the
 *       box rotated about its centre): {@code <box ... rotation>};</li>
 *   <li>{@code shape_type=ellipse} (with or without {@code rotation}): {@code <ellipse cx cy rx ry>}, solved
 *       from the bounds, unless the rotation is a multiple of 45° but not of 90° (then the bounds fit many
 *       ellipses);</li>
 *   <li>{@code shape_type} polyline, points, cuboid, skeleton, mask and an ellipse that cannot be solved:
 *       the reader keeps only their bounds, so they are written as a {@code <box>} of the bounds with
 *       {@code <attribute name="shape_type">} (reported): reading back gives the same annotation;</li>
 *   <li>an image-level label (no box): {@code <tag label>}.</li>
 * </ul>
 *
 * <p><b>Attributes.</b> The ones the reader takes from XML attributes go back there when CVAT accepts the
 * value: {@code occluded} (0 or 1), {@code z_order} and {@code group_id} (integers), {@code source} (a word).
 * Every shape gets {@code occluded} (CVAT's importer requires it): {@code "0"} when the annotation has none
 * (noted in the report), {@code "1"} for a true-looking other value. Every other attribute, and one of these
 * whose value CVAT would not accept, becomes {@code <attribute name="key">value</attribute>}, which the reader
 * reads back with priority over the XML attribute. A crowd region is written with attribute
 * {@code is_crowd=true} (datumaro's name) and reported: CVAT has no crowd flag and the reader sets none.
 * Characters XML 1.0 cannot hold are replaced by U+FFFD, and tabs and line breaks in XML attributes (names,
 * labels) by spaces, as the reader would see them; both are reported.
 *
 * <p><b>Streaming.</b> {@code <meta>} comes first in the file but needs the splits and attribute names of all
 * images, and {@link DatasetSource} streams images once without a split list. So the {@code <image>}
 * elements are streamed into a temporary file in the output folder and appended after {@code <meta>}: one
 * pass over the source, memory bounded by one image plus the class and attribute-name lists, at the cost of
 * writing the image section twice to disk. Stateless and thread-safe.
 */
final class CvatWriter implements DatasetWriter {

    static final String ANNOTATIONS = "annotations.xml";
    private static final String BODY = ".annotations.xml.images.part";
    private static final String IMAGES = "images/";
    /** Attribute names declared per label in {@code <meta>}; more are still written on the shapes. */
    private static final int MAX_DECLARED_ATTRIBUTES = 1000;
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern BIT = Pattern.compile("[01]");
    /** Shapes the reader keeps only the bounds of. */
    private static final Set<String> BOUNDS_ONLY = Set.of("polyline", "points", "cuboid", "skeleton", "mask");
    /** Relative tolerance for "the reader computes the same value back". */
    private static final double TOLERANCE = 1e-9;

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newDefaultFactory();

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        new Run(source, target).write();
    }

    /** One write: its labels, the splits and attribute names seen, and the image section's writer. */
    private static final class Run {

        private final DatasetSource source;
        private final WriteTarget target;
        private final ConversionReport report;
        /** Written label name by source class id, in id order. */
        private final Map<Integer, String> labels = new LinkedHashMap<>();
        /** Names of the {@code <attribute>}s written per source class id, in first-seen order. */
        private final Map<Integer, Set<String>> declared = new HashMap<>();
        private final TreeSet<String> splits = new TreeSet<>();
        private boolean unsplit;
        private long images;
        private long occludedAdded;
        private boolean tooManyAttributes;
        private XMLStreamWriter xml;

        Run(DatasetSource source, WriteTarget target) {
            this.source = source;
            this.target = target;
            this.report = target.report();
        }

        void write() throws IOException {
            labels();
            Path body = target.file(BODY);
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(body), 1 << 16)) {
                    xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
                    long total = source.imageCount();
                    source.forEachImage((image, annotations) -> {
                        try {
                            image(image, annotations);
                        } catch (XMLStreamException e) {
                            throw new IOException("cannot write " + ANNOTATIONS + ": " + e.getMessage(), e);
                        }
                        target.progress().update("writing", images, total);
                    });
                    // Closes the start tag of a last empty <image/>, which the writer keeps open for attributes.
                    xml.writeCharacters("");
                    xml.flush();
                    xml.close();
                }
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target.file(ANNOTATIONS)),
                        1 << 16)) {
                    xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
                    head();
                    xml.flush();
                    Files.copy(body, out);
                    xml.writeCharacters("\n");
                    xml.writeEndElement();
                    xml.writeCharacters("\n");
                    xml.writeEndDocument();
                    xml.flush();
                    xml.close();
                }
            } catch (XMLStreamException e) {
                throw new IOException("cannot write " + ANNOTATIONS + ": " + e.getMessage(), e);
            } finally {
                Files.deleteIfExists(body);
            }
            if (occludedAdded > 0) {
                report.note(occludedAdded + " shapes had no 'occluded' attribute and were written with occluded=\"0\""
                        + " (CVAT's importer requires it); they read back with attribute occluded=0");
            }
            if (unsplit && !splits.isEmpty()) {
                report.note("images without a split are in images/ directly and have no subset attribute");
            }
            if (tooManyAttributes) {
                report.note("labels with more than " + MAX_DECLARED_ATTRIBUTES + " attribute names declare only the"
                        + " first ones in <meta>; all are written on the shapes");
            }
        }

        // ------------------------------------------------------------ labels

        /** Unique, non-empty, trimmed names in id order; the reader's ids are the positions. */
        private void labels() {
            List<ClassLabel> classes = source.classes();
            Set<String> used = new HashSet<>();
            for (int i = 0; i < classes.size(); i++) {
                ClassLabel c = classes.get(i);
                String original = c.name() == null ? "" : c.name();
                String name = attributeSafe(original).trim();
                if (name.isEmpty()) {
                    name = "class " + c.id();
                }
                String unique = name;
                for (int n = 2; used.contains(unique); n++) {
                    unique = name + " (" + n + ")";
                }
                used.add(unique);
                if (!unique.equals(original)) {
                    report.loss("class name", "renamed: CVAT label names are unique, non-empty, trimmed and have no "
                            + "tabs, line breaks or characters XML cannot hold");
                    report.note("class " + c.id() + " '" + original + "' is written as label '" + unique + "'");
                }
                labels.put(c.id(), unique);
                report.className(c.id(), c.name());
                report.mapping(c.id(), unique, i);
            }
        }

        // ------------------------------------------------------------ images

        private void image(ImageItem image, List<Annotation> annotations) throws IOException, XMLStreamException {
            target.progress().checkCancelled();
            report.imageIn();
            String split = split(image.split());
            if (split == null) {
                unsplit = true;
            } else {
                splits.add(split);
            }
            String original = WriteTarget.imageName(image);
            String name = attributeSafe(original);
            if (!name.equals(original)) {
                report.loss("image name", "tabs, line breaks or characters XML cannot hold replaced; the image is"
                        + " stored under the replaced name");
            }
            target.placeImage(image, IMAGES + (split == null ? "" : split + "/") + name);

            xml.writeCharacters("\n  ");
            if (annotations.isEmpty()) {
                xml.writeEmptyElement("image");
            } else {
                xml.writeStartElement("image");
            }
            xml.writeAttribute("id", Long.toString(images++));
            xml.writeAttribute("name", name);
            if (split != null) {
                xml.writeAttribute("subset", split);
            }
            if (image.width() > 0 && image.height() > 0) {
                xml.writeAttribute("width", Integer.toString(image.width()));
                xml.writeAttribute("height", Integer.toString(image.height()));
            }
            int[] nextGroup = {maxGroup(annotations) + 1};
            for (Annotation a : annotations) {
                annotation(a, nextGroup);
            }
            if (!annotations.isEmpty()) {
                xml.writeCharacters("\n  ");
                xml.writeEndElement();
            }
            report.imageOut();
        }

        /** The split as the reader reads it back: trimmed, and none for blank or CVAT's placeholder "default". */
        private String split(String split) {
            if (split == null) {
                return null;
            }
            String clean = attributeSafe(split).trim();
            if (clean.isEmpty() || clean.equalsIgnoreCase("default")) {
                report.loss("split '" + split + "'", "written without a subset: CVAT reads a blank subset or"
                        + " 'default' as none");
                return null;
            }
            if (!clean.equals(split)) {
                report.loss("split name", "trimmed, tabs and line breaks replaced: written as '" + clean + "'");
            }
            return clean;
        }

        private static int maxGroup(List<Annotation> annotations) {
            int max = 0;
            for (Annotation a : annotations) {
                String g = a.attributes().get("group_id");
                if (g != null && INTEGER.matcher(g).matches()) {
                    max = Math.max(max, Integer.parseInt(g));
                }
            }
            return max;
        }

        // ------------------------------------------------------------ annotations

        /** One CVAT element: its name and its geometry's XML attributes, in order. */
        private record Shape(String element, Map<String, String> geometry) {
        }

        private void annotation(Annotation a, int[] nextGroup) throws XMLStreamException {
            report.annotationIn(a.classId());
            String label = labels.get(a.classId());
            if (label == null) {
                report.loss("unknown class id", "annotation skipped: its class is not in the class list");
                return;
            }
            // Sorted: Annotation's attribute map has no stable order, and the output should not change from
            // one run to the next.
            Map<String, String> rest = new TreeMap<>(a.attributes());
            List<Shape> shapes = shapes(a, rest);
            if (shapes.isEmpty()) {
                return;
            }
            if (a.crowd()) {
                rest.putIfAbsent("is_crowd", "true");
                report.loss("crowd flag", "written as attribute is_crowd=true (CVAT has no crowd regions); it reads"
                        + " back as that attribute, not as a crowd region");
            }
            boolean tag = shapes.get(0).element().equals("tag");
            String group = take(rest, "group_id", INTEGER);
            if (shapes.size() > 1 && group == null) {
                group = Integer.toString(nextGroup[0]++);
            }
            String source = take(rest, "source", WORD);
            String zOrder = take(rest, "z_order", INTEGER);
            String occluded = take(rest, "occluded", BIT);
            if (occluded == null && rest.containsKey("occluded")) {
                String v = rest.get("occluded").trim().toLowerCase(Locale.ROOT);
                occluded = v.equals("true") || v.equals("yes") || v.equals("y") ? "1" : "0";
            } else if (occluded == null && !tag) {
                occluded = "0";
                occludedAdded += shapes.size();
            }
            Set<String> names = declared.computeIfAbsent(a.classId(), k -> new LinkedHashSet<>());
            for (Shape s : shapes) {
                xml.writeCharacters("\n    ");
                if (rest.isEmpty()) {
                    xml.writeEmptyElement(s.element());
                } else {
                    xml.writeStartElement(s.element());
                }
                xml.writeAttribute("label", label);
                if (source != null) {
                    xml.writeAttribute("source", source);
                }
                if (occluded != null) {
                    xml.writeAttribute("occluded", occluded);
                }
                for (Map.Entry<String, String> g : s.geometry().entrySet()) {
                    xml.writeAttribute(g.getKey(), g.getValue());
                }
                if (zOrder != null) {
                    xml.writeAttribute("z_order", zOrder);
                }
                if (group != null) {
                    xml.writeAttribute("group_id", group);
                }
                if (!rest.isEmpty()) {
                    for (Map.Entry<String, String> e : rest.entrySet()) {
                        String key = attributeSafe(e.getKey());
                        if (key.isEmpty()) {
                            report.loss("attribute without a name", "dropped: CVAT attributes need a name");
                            continue;
                        }
                        if (!key.equals(e.getKey())) {
                            report.loss("attribute name", "tabs, line breaks or characters XML cannot hold replaced");
                        }
                        if (names.size() < MAX_DECLARED_ATTRIBUTES) {
                            names.add(key);
                        } else if (!names.contains(key)) {
                            tooManyAttributes = true;
                        }
                        xml.writeCharacters("\n      ");
                        xml.writeStartElement("attribute");
                        xml.writeAttribute("name", key);
                        text(e.getValue() == null ? "" : e.getValue());
                        xml.writeEndElement();
                    }
                    xml.writeCharacters("\n    ");
                    xml.writeEndElement();
                }
            }
            report.annotationOut(a.classId());
        }

        /**
         * The elements an annotation becomes; removes from {@code rest} what they hold as XML attributes
         * ({@code rotation}, {@code shape_type}). Empty when it is skipped (reported).
         */
        private List<Shape> shapes(Annotation a, Map<String, String> rest) {
            List<Polygon> polygons = new ArrayList<>();
            for (Polygon p : a.polygons()) {
                if (p.size() == 0) {
                    report.loss("empty polygon", "dropped: it has no points");
                } else if (!finite(p.points())) {
                    report.loss("polygon with a non-finite coordinate", "dropped");
                } else {
                    polygons.add(p);
                }
            }
            Double rotation = rotation(rest.get("rotation"));
            BoundingBox box = a.box();
            if (!polygons.isEmpty()) {
                BoundingBox bounds = bounds(polygons);
                if (box == null || !close(box, bounds)) {
                    report.loss("box other than its polygons' bounds", "the polygons are written; the box reads"
                            + " back as their bounds");
                }
                if (rotation != null && polygons.size() == 1) {
                    double[] corners = rotatedBox(polygons.get(0), rotation);
                    if (corners != null) {
                        Map<String, String> g = corners(corners[0], corners[1], corners[2], corners[3]);
                        g.put("rotation", rest.remove("rotation"));
                        return List.of(new Shape("box", g));
                    }
                }
                if (polygons.size() > 1) {
                    report.loss("annotation of several polygons", "written as one <polygon> per part sharing a"
                            + " group_id; reads back as one annotation per part");
                }
                List<Shape> shapes = new ArrayList<>();
                for (Polygon p : polygons) {
                    if (p.size() < 3) {
                        report.loss("polygon of fewer than 3 points", "written as it is; CVAT itself may refuse it");
                    }
                    Map<String, String> g = new LinkedHashMap<>();
                    g.put("points", points(p));
                    shapes.add(new Shape("polygon", g));
                }
                return shapes;
            }
            if (box == null) {
                return List.of(new Shape("tag", Map.of()));
            }
            if (!finite(new double[] {box.x(), box.y(), box.width(), box.height()})) {
                report.loss("box with a non-finite coordinate", "annotation skipped");
                return List.of();
            }
            String shapeType = rest.get("shape_type");
            if ("ellipse".equals(shapeType)) {
                double[] e = ellipse(box, rotation == null ? 0 : rotation);
                if (e != null) {
                    rest.remove("shape_type");
                    Map<String, String> g = new LinkedHashMap<>();
                    g.put("cx", number(e[0]));
                    g.put("cy", number(e[1]));
                    g.put("rx", number(e[2]));
                    g.put("ry", number(e[3]));
                    if (rotation != null) {
                        g.put("rotation", rest.remove("rotation"));
                    }
                    return List.of(new Shape("ellipse", g));
                }
            }
            if (shapeType != null && (BOUNDS_ONLY.contains(shapeType) || shapeType.equals("ellipse"))) {
                report.loss("shape_type " + shapeType, "written as a <box> of its bounds with attribute shape_type"
                        + (shapeType.equals("ellipse") ? " (its rotation fits many ellipses)"
                        : " (Loupe keeps only the bounds of a CVAT " + shapeType + ")"));
            }
            return List.of(new Shape("box", corners(box.x(), box.y(), box.maxX(), box.maxY())));
        }

        /** Removes and returns {@code rest[key]} when CVAT accepts it as an XML attribute; else null. */
        private static String take(Map<String, String> rest, String key, Pattern valid) {
            String v = rest.get(key);
            if (v != null && valid.matcher(v).matches()) {
                rest.remove(key);
                return v;
            }
            return null;
        }

        // ------------------------------------------------------------ head

        private void head() throws XMLStreamException {
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("annotations");
            element(1, "version", "1.1");
            xml.writeCharacters("\n  ");
            xml.writeStartElement("meta");
            boolean project = splits.size() >= 2 || (splits.size() == 1 && unsplit);
            xml.writeCharacters("\n    ");
            xml.writeStartElement(project ? "project" : "task");
            Path folder = source.root().getFileName();
            element(3, "name", folder == null ? "dataset" : folder.toString());
            if (!project) {
                element(3, "size", Long.toString(images));
                element(3, "mode", "annotation");
                if (!splits.isEmpty()) {
                    element(3, "subset", splits.first());
                }
            }
            xml.writeCharacters("\n      ");
            xml.writeStartElement("labels");
            for (Map.Entry<Integer, String> label : labels.entrySet()) {
                xml.writeCharacters("\n        ");
                xml.writeStartElement("label");
                element(5, "name", label.getValue());
                Set<String> names = declared.getOrDefault(label.getKey(), Set.of());
                xml.writeCharacters("\n          ");
                if (names.isEmpty()) {
                    xml.writeEmptyElement("attributes");
                } else {
                    xml.writeStartElement("attributes");
                    for (String name : names) {
                        xml.writeCharacters("\n            ");
                        xml.writeStartElement("attribute");
                        element(7, "name", name);
                        element(7, "mutable", "False");
                        element(7, "input_type", "text");
                        element(7, "default_value", "");
                        element(7, "values", "");
                        xml.writeCharacters("\n            ");
                        xml.writeEndElement();
                    }
                    xml.writeCharacters("\n          ");
                    xml.writeEndElement();
                }
                xml.writeCharacters("\n        ");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n      ");
            xml.writeEndElement();
            if (project) {
                element(3, "subsets", String.join("\n", splits));
            }
            xml.writeCharacters("\n    ");
            xml.writeEndElement();
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
        }

        /** {@code <name>text</name>} on a new line at {@code depth}. */
        private void element(int depth, String name, String text) throws XMLStreamException {
            xml.writeCharacters("\n" + "  ".repeat(depth));
            xml.writeStartElement(name);
            text(text);
            xml.writeEndElement();
        }

        /**
         * Element text exactly as the reader reads it back: a carriage return as a character reference (XML
         * turns a raw one into a line feed), characters XML 1.0 cannot hold as U+FFFD (reported).
         */
        private void text(String s) throws XMLStreamException {
            int start = 0;
            boolean replaced = false;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                int next = i + Character.charCount(cp);
                if (cp == '\r') {
                    xml.writeCharacters(s.substring(start, i));
                    xml.writeEntityRef("#13");
                    start = next;
                } else if (!isXmlChar(cp)) {
                    replaced = true;
                    xml.writeCharacters(s.substring(start, i) + '\uFFFD');
                    start = next;
                }
                i = next;
            }
            xml.writeCharacters(s.substring(start));
            if (replaced) {
                report.loss("character XML cannot hold", "replaced by U+FFFD in an attribute value or label");
            }
        }
    }

    // ---------------------------------------------------------------- geometry

    private static Map<String, String> corners(double xtl, double ytl, double xbr, double ybr) {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("xtl", number(xtl));
        g.put("ytl", number(ytl));
        g.put("xbr", number(xbr));
        g.put("ybr", number(ybr));
        return g;
    }

    /** The rotation the reader would apply from this attribute value, or null when it would apply none. */
    private static Double rotation(String value) {
        if (value == null || !attributeSafe(value).equals(value) || value.isBlank()) {
            return null;
        }
        try {
            double r = Double.parseDouble(value.trim());
            return Double.isFinite(r) && r != 0 ? r : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The unrotated corners {@code xtl, ytl, xbr, ybr} of a 4-point polygon that is a box rotated by
     * {@code degrees} about its centre as the reader builds it, or null when it is not one.
     */
    static double[] rotatedBox(Polygon polygon, double degrees) {
        if (polygon.size() != 4) {
            return null;
        }
        double[] p = polygon.points();
        double cx = (p[0] + p[2] + p[4] + p[6]) / 4, cy = (p[1] + p[3] + p[5] + p[7]) / 4;
        double w = Math.hypot(p[2] - p[0], p[3] - p[1]), h = Math.hypot(p[4] - p[2], p[5] - p[3]);
        double scale = scale(p);
        double[] box = {snap(cx - w / 2, scale), snap(cy - h / 2, scale), snap(cx + w / 2, scale),
                snap(cy + h / 2, scale)};
        double[] back = rotatedCorners(box[0], box[1], box[2], box[3], degrees);
        for (int i = 0; i < 8; i++) {
            if (!close(back[i], p[i], scale)) {
                return null;
            }
        }
        return box;
    }

    /** The reader's rotation (CvatFormat): corners of a box rotated clockwise (y down) about its centre. */
    private static double[] rotatedCorners(double xtl, double ytl, double xbr, double ybr, double degrees) {
        double cx = (xtl + xbr) / 2, cy = (ytl + ybr) / 2;
        double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
        double[] corners = {xtl, ytl, xbr, ytl, xbr, ybr, xtl, ybr};
        double[] rotated = new double[8];
        for (int i = 0; i < 8; i += 2) {
            double dx = corners[i] - cx, dy = corners[i + 1] - cy;
            rotated[i] = cx + dx * c - dy * s;
            rotated[i + 1] = cy + dx * s + dy * c;
        }
        return rotated;
    }

    /**
     * {@code cx, cy, rx, ry} of the ellipse rotated by {@code degrees} whose axis-aligned bounds (as the
     * reader computes them) are {@code box}, or null when there is none or the bounds fit many.
     */
    static double[] ellipse(BoundingBox box, double degrees) {
        double cx = box.x() + box.width() / 2, cy = box.y() + box.height() / 2;
        double hx = box.width() / 2, hy = box.height() / 2;
        if (!(hx >= 0 && hy >= 0)) {
            return null;
        }
        double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
        double rx, ry;
        if (degrees == 0) {
            rx = hx;
            ry = hy;
        } else {
            // The reader's half-extents: hx² = rx²c² + ry²s², hy² = rx²s² + ry²c². Solved for rx², ry²; the
            // determinant c² - s² = cos 2t vanishes at 45°, where every ellipse inside the box's corners fits.
            double c2 = c * c, s2 = s * s, det = c2 - s2;
            if (Math.abs(det) < 1e-6) {
                return null;
            }
            double a = (c2 * hx * hx - s2 * hy * hy) / det, b = (c2 * hy * hy - s2 * hx * hx) / det;
            double slack = TOLERANCE * Math.max(1, Math.max(hx * hx, hy * hy));
            if (a < -slack || b < -slack) {
                return null;
            }
            double scale = scale(new double[] {box.x(), box.y(), box.maxX(), box.maxY()});
            rx = snap(Math.sqrt(Math.max(a, 0)), scale);
            ry = snap(Math.sqrt(Math.max(b, 0)), scale);
        }
        double bx = Math.sqrt(rx * rx * c * c + ry * ry * s * s), by = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
        BoundingBox back = BoundingBox.fromCorners(cx - bx, cy - by, cx + bx, cy + by);
        return close(back, box) ? new double[] {cx, cy, rx, ry} : null;
    }

    /** {@code v} without floating-point noise: rounded to 6 decimals when that moves it within the tolerance. */
    private static double snap(double v, double scale) {
        double r = Math.round(v * 1e6) / 1e6;
        return Math.abs(r - v) <= TOLERANCE * scale ? r : v;
    }

    private static BoundingBox bounds(List<Polygon> polygons) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Polygon p : polygons) {
            BoundingBox b = p.bounds();
            minX = Math.min(minX, b.x());
            minY = Math.min(minY, b.y());
            maxX = Math.max(maxX, b.maxX());
            maxY = Math.max(maxY, b.maxY());
        }
        return BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }

    private static boolean close(BoundingBox a, BoundingBox b) {
        double scale = scale(new double[] {a.x(), a.y(), a.maxX(), a.maxY(), b.x(), b.y(), b.maxX(), b.maxY()});
        return close(a.x(), b.x(), scale) && close(a.y(), b.y(), scale)
                && close(a.maxX(), b.maxX(), scale) && close(a.maxY(), b.maxY(), scale);
    }

    private static boolean close(double a, double b, double scale) {
        return Math.abs(a - b) <= TOLERANCE * scale;
    }

    private static double scale(double[] values) {
        double max = 1;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static boolean finite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** CVAT's {@code "x1,y1;x2,y2;..."}. */
    private static String points(Polygon p) {
        double[] xy = p.points();
        StringBuilder sb = new StringBuilder(xy.length * 8);
        for (int i = 0; i < xy.length; i += 2) {
            if (i > 0) {
                sb.append(';');
            }
            sb.append(number(xy[i])).append(',').append(number(xy[i + 1]));
        }
        return sb.toString();
    }

    /**
     * The shortest decimal that parses back to exactly {@code v}, without an exponent: {@code 12}, {@code 0.5},
     * {@code 0.00001}. (CVAT itself writes 2 decimals; exact values keep sub-pixel boxes unchanged.)
     */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        return s.indexOf('E') < 0 ? s : new BigDecimal(s).stripTrailingZeros().toPlainString();
    }

    // ---------------------------------------------------------------- text

    /**
     * {@code s} as an XML attribute value reads back: characters XML 1.0 cannot hold replaced by U+FFFD,
     * and tab, line feed and carriage return by spaces (XML attribute-value normalisation, which
     * XMLStreamWriter does not escape).
     */
    static String attributeSafe(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            String replacement = cp == '\t' || cp == '\n' || cp == '\r' ? " " : isXmlChar(cp) ? null : "\uFFFD";
            if (replacement != null && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            i = next;
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean isXmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }
}
