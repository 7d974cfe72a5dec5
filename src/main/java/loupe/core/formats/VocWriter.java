package loupe.core.formats;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * Writes a Pascal VOC devkit: {@code JPEGImages/NAME}, {@code Annotations/STEM.xml} (one {@code <annotation>}
 * per image, also for images without objects, so their size and split survive), {@code ImageSets/Main/SPLIT.txt}
 * (the image ids, i.e. stems, of each split) and {@code labelmap.txt} (datumaro's {@code name:color:parts:actions},
 * colours left empty) with every class in source id order, so that {@link VocFormat} and datumaro give the
 * classes back in the same order, with ids 0..N-1 (VOC itself names classes and has no ids; the report lists
 * how source ids map to these).
 *
 * <p><b>Boxes.</b> {@code xmin = x + 1}, {@code ymin = y + 1}, {@code xmax = x + width},
 * {@code ymax = y + height}: the devkit's 1-based inclusive corners, exactly inverse to
 * {@link VocFormat#toPixels}. Integral values are written as integers, others with up to 9 decimals.
 * Objects carry {@code pose}, {@code truncated}, {@code difficult} and {@code occluded} from the attributes of
 * those names (defaults {@code Unspecified}, 0, 0, 0); {@code action.NAME} attributes go into
 * {@code <actions>}, every other attribute into datumaro/CVAT's {@code <attributes><attribute><name/><value/>},
 * which VOC readers that do not know it skip.
 *
 * <p><b>Names.</b> Images are flattened into {@code JPEGImages/} under their file name. Whitespace in a name is
 * replaced by '_' (the split lists are whitespace-separated; reported as a loss). When two images would get
 * the same stem (compared ignoring case, so the output also works on case-insensitive file systems, and
 * ignoring the extension, because the stem names the XML file), the later one in path order is prefixed
 * with its sub-folder (or its split) and, if needed, numbered: {@code val/a.jpg} after {@code train/a.jpg}
 * becomes {@code val_a.jpg}. Nothing is overwritten; the renames are counted in a note.
 *
 * <p><b>Splits.</b> Images without a split are listed in {@code ImageSets/Main/default.txt}: datumaro, the
 * devkit and torchvision only read images that a split list names, and "default" is datumaro's name for data
 * without a subset. {@link VocFormat} therefore reads them back in split "default" (a note says so).
 *
 * <p><b>Losses</b>, each reported per kind: polygons (kept as their box), crowd flags, image-level labels
 * (skipped), annotations of a class id not in the class list (skipped), boxes with non-finite coordinates
 * (skipped), attributes with an empty value (VOC readers ignore empty elements), characters XML cannot hold.
 * Class names that {@code labelmap.txt} cannot hold (a ':' or a leading '#') make the writer fall back to
 * labelme's {@code class_names.txt}, one name a line, which {@link VocFormat} reads in the same role (datumaro
 * does not). Class names are trimmed (VOC readers trim {@code <name>}); two classes with the same name merge
 * into one. Stateless and thread-safe.
 */
final class VocWriter implements DatasetWriter {

    /** The split list of images that have no split. */
    static final String DEFAULT_SPLIT = "default";
    private static final int DECIMALS = 9;
    private static final Set<String> OBJECT_FIELDS = Set.of("pose", "truncated", "difficult", "occluded");
    private static final String ACTION_PREFIX = "action.";
    private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        // One factory per write: StAX does not promise that a shared factory is thread-safe.
        XMLOutputFactory factory = XMLOutputFactory.newFactory();
        ClassNames classes = ClassNames.of(source.classes(), report);
        Map<String, List<String>> idsBySplit = new TreeMap<>();
        Names names = new Names();
        long total = source.imageCount();
        long[] done = {0};
        long[] unsplit = {0};
        source.forEachImage((image, annotations) -> {
            target.progress().checkCancelled();
            report.imageIn();
            String name = names.of(image, report);
            String stem = DatasetPaths.stripExtension(name);
            target.placeImage(image, "JPEGImages/" + name);
            writeXml(factory, target, "Annotations/" + stem + ".xml", image, name, annotations, classes, report);
            String split = image.split();
            if (split == null) {
                unsplit[0]++;
                split = DEFAULT_SPLIT;
            }
            idsBySplit.computeIfAbsent(split, k -> new ArrayList<>()).add(stem);
            report.imageOut();
            target.progress().update("writing", ++done[0], total);
        });
        writeSplitLists(target, idsBySplit, report);
        classes.writeList(target);
        if (unsplit[0] > 0) {
            report.note(unsplit[0] + " images without a split are listed in ImageSets/Main/" + DEFAULT_SPLIT
                    + ".txt (VOC tools only read images a split list names); Loupe reads them back in split '"
                    + DEFAULT_SPLIT + "'");
        }
        names.reportRenames(report);
    }

    // ---------------------------------------------------------------- classes

    /** Source class id to the name written, and the list file that fixes the order of the names. */
    private record ClassNames(Map<Integer, String> nameOfId, List<String> ordered) {

        static ClassNames of(List<ClassLabel> classes, ConversionReport report) {
            Map<Integer, String> nameOfId = new HashMap<>();
            Map<String, Integer> written = new LinkedHashMap<>();
            for (ClassLabel c : classes) {
                String original = c.name() == null ? "" : c.name();
                String name = xmlText(original, report).replaceAll("[\\p{Cntrl}]", " ").strip();
                if (name.isEmpty()) {
                    name = "class_" + c.id();
                }
                if (!name.equals(original)) {
                    report.note("class " + c.id() + " '" + original + "' is written as '" + name
                            + "' (VOC readers trim names; control characters cannot be held)");
                }
                Integer id = written.get(name);
                if (id == null) {
                    id = written.size();
                    written.put(name, id);
                } else {
                    report.loss("duplicate class name", "merged: VOC identifies classes by name, so classes"
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

        /** labelmap.txt when datumaro's format can hold every name, else labelme's class_names.txt. */
        void writeList(WriteTarget target) throws IOException {
            boolean labelMapSafe = ordered.stream().noneMatch(n -> n.indexOf(':') >= 0 || n.startsWith("#"));
            if (labelMapSafe) {
                try (BufferedWriter out = target.writer("labelmap.txt")) {
                    out.write("# label:color_rgb:parts:actions\n");
                    for (String name : ordered) {
                        out.write(name);
                        out.write(":::\n");
                    }
                }
            } else {
                target.report().note("class names with ':' or a leading '#' cannot be written to datumaro's"
                        + " labelmap.txt; the class order is in class_names.txt (labelme's one name a line),"
                        + " which Loupe reads and datumaro does not");
                try (BufferedWriter out = target.writer("class_names.txt")) {
                    for (String name : ordered) {
                        out.write(name);
                        out.write('\n');
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- image names

    /** Gives each image a file name in JPEGImages/ whose stem no other image has (ignoring case). */
    private static final class Names {

        private final Set<String> usedStems = new HashSet<>();
        private long renamed;
        private String example;

        String of(ImageItem image, ConversionReport report) {
            String relative = WriteTarget.imageName(image);
            String file = DatasetPaths.fileName(relative);
            String clean = WHITESPACE.matcher(xmlText(file, report)).replaceAll("_");
            if (!clean.equals(file)) {
                report.loss("whitespace in image name", "renamed: replaced by '_', because VOC's ImageSets"
                        + " lists are whitespace-separated");
            }
            if (claim(clean)) {
                return clean;
            }
            String folder = DatasetPaths.parent(relative);
            if (folder.isEmpty()) {
                folder = image.split() != null ? image.split() : DatasetPaths.parent(image.path());
            }
            String prefix = WHITESPACE.matcher(xmlText(folder, report)).replaceAll("_").replace('/', '_');
            String candidate = prefix.isEmpty() ? clean : prefix + "_" + clean;
            String stem = DatasetPaths.stripExtension(candidate);
            String extension = candidate.substring(stem.length());
            for (int n = 2; !claim(candidate); n++) {
                candidate = stem + "_" + n + extension;
            }
            renamed++;
            if (example == null) {
                example = image.path() + " -> JPEGImages/" + candidate;
            }
            return candidate;
        }

        private boolean claim(String file) {
            return usedStems.add(DatasetPaths.stripExtension(file).toLowerCase(Locale.ROOT));
        }

        void reportRenames(ConversionReport report) {
            if (renamed > 0) {
                report.note(renamed + " images were renamed because another image already had their name in"
                        + " JPEGImages/ (VOC keeps all images in one folder), e.g. " + example);
            }
        }
    }

    // ---------------------------------------------------------------- XML

    private static void writeXml(XMLOutputFactory factory, WriteTarget target, String relative, ImageItem image,
                                 String name, List<Annotation> annotations, ClassNames classes,
                                 ConversionReport report) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target.file(relative)))) {
            Xml xml = new Xml(factory.createXMLStreamWriter(out, "UTF-8"));
            xml.w.writeStartDocument("UTF-8", "1.0");
            xml.start("annotation");
            xml.leaf("folder", "JPEGImages");
            xml.leaf("filename", name);
            xml.start("size");
            xml.leaf("width", Integer.toString(Math.max(0, image.width())));
            xml.leaf("height", Integer.toString(Math.max(0, image.height())));
            // NOTE: the image header gives no channel count here; VOC's own images are all RGB.
            xml.leaf("depth", "3");
            xml.end();
            xml.leaf("segmented", "0");
            StringBuilder number = new StringBuilder(24);
            for (Annotation a : annotations) {
                report.annotationIn(a.classId());
                if (writeObject(xml, a, classes, report, number)) {
                    report.annotationOut(a.classId());
                }
            }
            xml.end();
            xml.w.writeCharacters("\n");
            xml.w.writeEndDocument();
            xml.w.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + relative + ": " + e.getMessage(), e);
        }
    }

    /** Writes one {@code <object>}; false when the annotation cannot be written (the loss is reported). */
    private static boolean writeObject(Xml xml, Annotation a, ClassNames classes, ConversionReport report,
                                       StringBuilder number) throws XMLStreamException {
        String name = classes.name(a.classId());
        if (name == null) {
            report.loss("unknown class id", "annotation skipped: VOC needs a class name, and the class list"
                    + " has none for it");
            return false;
        }
        BoundingBox box = a.box();
        if (box == null) {
            box = bounds(a.polygons());
            if (box == null) {
                report.loss("image-level label", "skipped: VOC XML has objects with boxes only");
                return false;
            }
        }
        if (!Double.isFinite(box.x()) || !Double.isFinite(box.y()) || !Double.isFinite(box.width())
                || !Double.isFinite(box.height())) {
            report.loss("box with non-finite coordinates", "skipped: VOC corners are numbers");
            return false;
        }
        if (!a.polygons().isEmpty()) {
            report.loss("polygon", "kept as its box only (VOC XML has boxes; no segmentation masks are written)");
        }
        if (a.crowd()) {
            report.loss("crowd flag", "dropped; the region is written as an ordinary object");
        }
        Map<String, String> fields = new HashMap<>();
        Map<String, String> actions = new TreeMap<>();
        Map<String, String> others = new TreeMap<>();
        for (Map.Entry<String, String> e : a.attributes().entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : xmlText(e.getValue(), report);
            if (value.isBlank() || key.isBlank()) {
                report.loss("attribute '" + key + "'", "dropped where its name or value is empty: VOC readers"
                        + " ignore empty elements");
                continue;
            }
            if (!value.equals(value.strip())) {
                report.loss("attribute '" + key + "' whitespace", "written, but VOC readers trim the value");
            }
            if (OBJECT_FIELDS.contains(key)) {
                fields.put(key, value);
            } else if (key.startsWith(ACTION_PREFIX)
                    && XML_NAME.matcher(key.substring(ACTION_PREFIX.length())).matches()) {
                actions.put(key.substring(ACTION_PREFIX.length()), value);
            } else {
                others.put(xmlText(key, report), value);
            }
        }
        xml.start("object");
        xml.leaf("name", name);
        xml.leaf("pose", fields.getOrDefault("pose", "Unspecified"));
        xml.leaf("truncated", fields.getOrDefault("truncated", "0"));
        xml.leaf("difficult", fields.getOrDefault("difficult", "0"));
        xml.leaf("occluded", fields.getOrDefault("occluded", "0"));
        xml.start("bndbox");
        xml.leaf("xmin", format(number, box.x() + 1));
        xml.leaf("ymin", format(number, box.y() + 1));
        xml.leaf("xmax", format(number, box.x() + box.width()));
        xml.leaf("ymax", format(number, box.y() + box.height()));
        xml.end();
        if (!actions.isEmpty()) {
            xml.start("actions");
            for (Map.Entry<String, String> e : actions.entrySet()) {
                xml.leaf(e.getKey(), e.getValue());
            }
            xml.end();
        }
        if (!others.isEmpty()) {
            xml.start("attributes");
            for (Map.Entry<String, String> e : others.entrySet()) {
                xml.start("attribute");
                xml.leaf("name", e.getKey());
                xml.leaf("value", e.getValue());
                xml.end();
            }
            xml.end();
        }
        xml.end();
        return true;
    }

    /** The box around all polygons, or null when there are none. */
    private static BoundingBox bounds(List<Polygon> polygons) {
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

    private static String format(StringBuilder sb, double value) {
        sb.setLength(0);
        return Numbers.append(sb, value, DECIMALS).toString();
    }

    /** The text without characters XML 1.0 cannot hold (control characters, lone surrogates); reports a loss. */
    static String xmlText(String s, ConversionReport report) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int next = i + Character.charCount(c);
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
            if (!ok && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (ok && sb != null) {
                sb.appendCodePoint(c);
            }
            i = next;
        }
        if (sb == null) {
            return s;
        }
        report.loss("character not allowed in XML", "removed (control characters and lone surrogates)");
        return sb.toString();
    }

    /** An indenting wrapper: XMLStreamWriter escapes text but does not lay it out. */
    private static final class Xml {

        private final XMLStreamWriter w;
        private int depth;

        Xml(XMLStreamWriter w) {
            this.w = w;
        }

        void start(String element) throws XMLStreamException {
            indent();
            w.writeStartElement(element);
            depth++;
        }

        void end() throws XMLStreamException {
            depth--;
            indent();
            w.writeEndElement();
        }

        void leaf(String element, String text) throws XMLStreamException {
            indent();
            w.writeStartElement(element);
            w.writeCharacters(text);
            w.writeEndElement();
        }

        private void indent() throws XMLStreamException {
            w.writeCharacters("\n" + "  ".repeat(depth));
        }
    }

    // ---------------------------------------------------------------- split lists

    private static void writeSplitLists(WriteTarget target, Map<String, List<String>> idsBySplit,
                                        ConversionReport report) throws IOException {
        // Split names become file names: make them safe, and merge names that differ only in case, which
        // would be one file on a case-insensitive file system.
        Map<String, String> fileOfKey = new LinkedHashMap<>();
        Map<String, List<String>> idsOfKey = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : idsBySplit.entrySet()) {
            String split = e.getKey();
            String file = split.replaceAll("[\\s/\\\\\\p{Cntrl}:]", "_");
            if (file.isEmpty() || file.startsWith(".")) {
                file = "_" + file;
            }
            String key = file.toLowerCase(Locale.ROOT);
            String chosen = fileOfKey.putIfAbsent(key, file);
            if (chosen != null || !file.equals(split)) {
                report.note("split '" + split + "' is listed in ImageSets/Main/" + (chosen != null ? chosen : file)
                        + ".txt");
            }
            idsOfKey.computeIfAbsent(key, k -> new ArrayList<>()).addAll(e.getValue());
        }
        for (Map.Entry<String, String> e : fileOfKey.entrySet()) {
            try (BufferedWriter out = target.writer("ImageSets/Main/" + e.getValue() + ".txt")) {
                for (String id : idsOfKey.get(e.getKey())) {
                    out.write(id);
                    out.write('\n');
                }
            }
        }
    }
}
