package loupe.core.formats;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * CVAT for images 1.1 XML: one {@code <annotations>} file (usually {@code annotations.xml}) holding
 * {@code <version>}, {@code <meta>} and one {@code <image>} element per image with its shapes. CVAT exports it
 * for tasks, jobs and projects; datumaro writes one such file per subset ({@code train.xml}, ...).
 *
 * <p><b>Files.</b> Every {@code .xml} file whose root element is {@code <annotations>} is read, each as one
 * {@link Unit}, streamed with StAX (no DOM: a file of a million images costs one image of memory). XML is read
 * with DTDs and external entities disabled (see {@link CvatXml}); a {@code <!DOCTYPE>} is reported.
 *
 * <p><b>Images.</b> {@code <image name>} (which may hold sub-folders) is looked up relative to the XML's
 * folder, first match in the listing wins: {@code images/<subset>/<name>} (datumaro's and CVAT's project
 * export), {@code images/<name>} (task export), {@code <name>}. When none exists the path is declared under
 * the first of those folders that exists, so the indexer reports it missing. A name escaping the dataset root
 * is reported ({@link ProblemKind#PATH_ESCAPES_ROOT}) and its image skipped. {@code width}/{@code height} are
 * the declared size. Besides the images the XML lists, every image file under an {@code images/} folder beside
 * a CVAT XML is declared (CVAT's video export lists no images, only tracks of frames).
 *
 * <p><b>Splits</b>, first of: the image's {@code subset} attribute (project exports); the {@code <subset>} of
 * the {@code <task>} its {@code task_id} names, or of the only task of {@code <meta>}; the XML file's name when
 * it is a split name ({@code train.xml}) or when its folder holds several CVAT XML files (datumaro writes one
 * file per subset, {@code <subset>.xml}). CVAT's placeholder subset {@code default} means none.
 *
 * <p><b>Coordinates.</b> CVAT writes absolute pixel coordinates with continuous, 0-based corners (the top-left
 * corner of the image is 0,0 and its bottom-right corner is width,height), which is Loupe's convention already:
 * a {@code <box xtl ytl xbr ybr>} is {@code x = xtl, y = ytl, width = xbr - xtl, height = ybr - ytl}, with no
 * +1. A box with {@code rotation} (degrees, clockwise about its centre) becomes its four corners as a polygon
 * plus their bounds. A {@code <polygon points="x1,y1;x2,y2;...">} keeps its polygon, with its bounds as the
 * box. {@code <polyline>}, {@code <points>}, {@code <ellipse>}, {@code <cuboid>} and {@code <skeleton>} (its
 * points not {@code outside}) become their bounds, with attribute {@code shape_type}; {@code <mask>} becomes
 * its {@code left, top, width, height} box (the RLE is not decoded), with {@code shape_type=mask}. A
 * {@code <tag>} is an image-level label (no box). The shape's {@code occluded}, {@code z_order},
 * {@code group_id}, {@code source} and a non-zero {@code rotation}, and its {@code <attribute name="...">} children become
 * attributes.
 *
 * <p><b>Class ids.</b> 0.. in the order of the {@code <label>}s of the {@code <meta>} of all CVAT XML files,
 * files in path order, each name once (a project lists its labels once for all its tasks; datumaro's
 * per-subset files repeat the same list). Sub-labels of skeletons are not classes. A shape whose label is not
 * in that list is reported ({@code UNKNOWN_CLASS}) and skipped; a shape without a label (datumaro writes
 * {@code label=""}) is reported ({@code MALFORMED_ANNOTATION}) and skipped, since Loupe has no unlabelled
 * annotations. Only when no file declares any label are the shapes' label names collected in a full scan and
 * sorted. Because the ids (and the splits by file name and the image lookup) depend on more than one file,
 * each unit's key is the XML path followed by {@code #} and a checksum of the class list, the XML's file split
 * and the image files under its folder: when any of them changes, the unit is parsed again.
 *
 * <p><b>Not read.</b> {@code <track>}s (CVAT for video 1.1): one problem per file says they are not supported
 * yet. Unknown elements inside {@code <image>}: one problem per element name and file. A file that is not
 * well-formed is reported with the line of the error; the images before it are kept. Stateless and
 * thread-safe.
 */
public final class CvatFormat implements DatasetFormat {

    private static final String IMAGES = "images";
    private static final int PROBE_SAMPLES = 4;
    private static final int PROBE_BYTES = 4096;
    private static final int CANCEL_CHECK_INTERVAL = 256;
    private static final Pattern FIRST_ELEMENT = Pattern.compile("<([A-Za-z_][\\w.:-]*)");
    private static final Pattern VERSION = Pattern.compile("<version>\\s*([^<\\s]*)\\s*</version>");
    /** XML attributes of a shape that are kept as annotation attributes, as written. */
    private static final List<String> SHAPE_ATTRIBUTES = List.of("occluded", "z_order", "group_id", "source");

    @Override
    public String id() {
        return "cvat";
    }

    @Override
    public String displayName() {
        return "CVAT for images XML";
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        List<String> xmls = xmlFiles(files);
        if (xmls.isEmpty()) {
            return Support.none("no .xml files");
        }
        // annotations.xml first, then the shallowest: a VOC tree's thousands of <annotation> files (or a
        // labelme folder's per-image XML) must not hide the one CVAT file at the top.
        List<String> sample = new ArrayList<>(xmls);
        sample.sort(Comparator.comparing((String p) -> !DatasetPaths.fileName(p).equalsIgnoreCase("annotations.xml"))
                .thenComparingInt(CvatFormat::depth)
                .thenComparing(Comparator.naturalOrder()));
        String notCvat = null;
        for (String x : sample.subList(0, Math.min(PROBE_SAMPLES, sample.size()))) {
            String head = head(root.resolve(x));
            if (looksLikeCvat(head)) {
                Matcher v = VERSION.matcher(head);
                String version = v.find() ? v.group(1) : null;
                if ("1.1".equals(version)) {
                    return new Support(0.95, x + " is a CVAT XML file (<annotations> with <version>1.1</version>)");
                }
                return new Support(0.9, x + " is a CVAT XML file (<annotations> with "
                        + (version == null ? "<meta> or <image>" : "<version>" + version + "</version>") + ")");
            }
            notCvat = x;
        }
        return Support.none(notCvat + " is not a CVAT <annotations> XML file");
    }

    /** Reads the first bytes of a file as text (CVAT writes UTF-8). */
    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(PROBE_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException | AccessDeniedException e) {
            return "";
        }
    }

    /**
     * The root element is {@code <annotations>} (VOC's and MIT LabelMe's is {@code <annotation>}) and one of
     * CVAT's top-level elements follows.
     */
    static boolean looksLikeCvat(String head) {
        String body = head.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?s)<[?!][^>]*>", "");
        Matcher m = FIRST_ELEMENT.matcher(body);
        if (!m.find() || !m.group(1).equals(CvatXml.ROOT)) {
            return false;
        }
        return body.contains("<version") || body.contains("<meta") || body.contains("<image")
                || body.contains("<track");
    }

    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new CvatWriter());
    }

    // ---------------------------------------------------------------- reader

    @Override
    public DatasetReader reader() {
        return CvatFormat::read;
    }

    /** One CVAT XML file and what its unit needs besides the file. */
    private record Source(String xml, String fileSplit) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        List<String> xmls = xmlFiles(files);
        List<CvatXml.Outcome> heads = readHeads(ctx, xmls);

        List<String> cvat = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < xmls.size(); i++) {
            CvatXml.Outcome head = heads.get(i);
            if (head.isCvat()) {
                cvat.add(xmls.get(i));
                if (head.meta() != null) {
                    names.addAll(head.meta().labels());
                }
            } else if (head.rootName() == null && head.error() != null) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xmls.get(i),
                        head.errorLine() > 0 ? "line " + head.errorLine() : "", "not well-formed XML before its "
                                + "root element (" + head.error() + "); cannot tell whether it is a CVAT file, skipped"));
            }
        }
        if (cvat.isEmpty()) {
            sink.problem(Problem.of(ProblemKind.OTHER, "",
                    "no CVAT XML file found: no .xml file has an <annotations> root element"));
            return;
        }
        String classSource = "the <labels> of <meta>";
        if (names.isEmpty()) {
            names.addAll(scanLabels(ctx, cvat));
            classSource = null;
        }
        Map<String, Integer> classIds = new HashMap<>();
        for (String name : names) {
            classIds.put(name, classIds.size());
            sink.classLabel(new ClassLabel(classIds.get(name), name));
        }

        Map<String, Integer> cvatPerFolder = new HashMap<>();
        for (String x : cvat) {
            cvatPerFolder.merge(DatasetPaths.parent(x), 1, Integer::sum);
        }
        Set<String> imageFolders = new TreeSet<>();
        for (String x : cvat) {
            imageFolders.add(join(DatasetPaths.parent(x), IMAGES));
        }
        for (String folder : imageFolders) {
            for (String p : files.under(folder)) {
                if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                    sink.image(ImageRef.of(p, null));
                }
            }
        }

        String classDigest = String.join("\n", names);
        Map<String, Source> sourceOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (String x : cvat) {
            ctx.progress().checkCancelled();
            String folder = DatasetPaths.parent(x);
            String stem = DatasetPaths.stripExtension(DatasetPaths.fileName(x));
            // NOTE: datumaro names each subset's file <subset>.xml and reads the stem as the subset; a lone
            // annotations.xml (CVAT's own export) is no subset.
            String fileSplit = ClassFoldersFormat.isSplitName(stem) || cvatPerFolder.get(folder) > 1 ? stem : null;
            String key = x + "#" + checksum(classDigest, fileSplit, files, folder);
            units.add(new Unit(key, List.of(x)));
            sourceOfUnit.put(key, new Source(x, fileSplit));
        }
        String source = classSource;
        ctx.parseUnits(units, (unit, unitSink) ->
                new UnitParse(ctx, sourceOfUnit.get(unit.key()), classIds, source, unitSink).run());
    }

    /**
     * The head (up to the end of {@code <meta>}) of every XML file, in parallel: it is I/O-bound. A file that
     * cannot be read is reported and has an outcome without a root, so it is not read as CVAT.
     */
    private static List<CvatXml.Outcome> readHeads(ReadContext ctx, List<String> xmls) {
        CvatXml.Outcome[] heads = new CvatXml.Outcome[xmls.size()];
        IntStream.range(0, xmls.size()).parallel().forEach(i -> {
            ctx.progress().checkCancelled();
            String x = xmls.get(i);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ctx.root().resolve(x)))) {
                heads[i] = CvatXml.readHead(in);
                return;
            } catch (IOException e) {
                ctx.sink().problem(ReadFailures.problem(x, e, ProblemKind.OTHER));
            }
            heads[i] = new CvatXml.Outcome(null, null, null, false, 0, null);
        });
        return List.of(heads);
    }

    /** The sorted label names of all shapes of all files; only used when no file's {@code <meta>} has labels. */
    private static List<String> scanLabels(ReadContext ctx, List<String> cvat) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        cvat.parallelStream().forEach(x -> {
            ctx.progress().checkCancelled();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ctx.root().resolve(x)))) {
                CvatXml.read(in, new CvatXml.Handler() {
                    @Override
                    public void meta(CvatXml.Meta meta) {
                    }

                    @Override
                    public void image(CvatXml.Image image) {
                        for (CvatXml.Shape s : image.shapes()) {
                            if (s.label() != null && !s.label().isEmpty()) {
                                names.add(s.label());
                            }
                        }
                    }

                    @Override
                    public void track(int line) {
                    }
                });
            } catch (IOException e) {
                // the unit reads this file again and reports what is wrong with it
            }
        });
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        return sorted;
    }

    /**
     * A checksum of everything besides its file that a unit's output depends on: the class list, the split the
     * file name gives, and which image files exist under the XML's folder (the image lookup).
     */
    private static String checksum(String classDigest, String fileSplit, FileListing files, String folder) {
        return new UnitChecksum().add(classDigest + "\0" + fileSplit + "\0").addImagesUnder(files, folder).hex();
    }

    private static List<String> xmlFiles(FileListing files) {
        List<String> xmls = new ArrayList<>();
        for (String p : files.withExtension("xml")) {
            if (!ClassFoldersFormat.isHidden(p)) {
                xmls.add(p);
            }
        }
        return xmls;
    }

    private static int depth(String path) {
        return path.length() - path.replace("/", "").length();
    }

    private static String join(String folder, String name) {
        if (folder.isEmpty()) {
            return name;
        }
        return name.isEmpty() ? folder : folder + "/" + name;
    }

    // ---------------------------------------------------------------- one file

    /** Parsing one CVAT XML file; used by one thread. */
    private static final class UnitParse implements CvatXml.Handler {

        private final ReadContext ctx;
        private final FileListing files;
        private final String xml;
        private final String folder;
        private final String fileSplit;
        private final Map<String, Integer> classIds;
        private final String classSource;
        private final DatasetSink sink;

        private final Map<String, String> subsetOfTask = new HashMap<>();
        private String onlyTaskSubset;
        private int imagesRead;
        private int tracks;
        private int firstTrackLine;
        /** Unknown elements inside images: name to [count, first line]. */
        private final Map<String, int[]> unknown = new LinkedHashMap<>();
        private int listedProblems;
        private long unlistedProblems;

        UnitParse(ReadContext ctx, Source source, Map<String, Integer> classIds, String classSource,
                  DatasetSink sink) {
            this.ctx = ctx;
            this.files = ctx.files();
            this.xml = source.xml();
            this.folder = DatasetPaths.parent(xml);
            this.fileSplit = source.fileSplit();
            this.classIds = classIds;
            this.classSource = classSource;
            this.sink = sink;
        }

        void run() {
            CvatXml.Outcome outcome;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ctx.root().resolve(xml)))) {
                outcome = CvatXml.read(in, this);
            } catch (IOException e) {
                sink.problem(ReadFailures.problem(xml, e));
                return;
            }
            if (outcome.doctype()) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "the file has a <!DOCTYPE>, which is ignored: DTDs "
                        + "and entities are not processed, so nothing outside the file is read"));
            }
            if (outcome.error() != null) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml,
                        outcome.errorLine() > 0 ? "line " + outcome.errorLine() : "",
                        "not well-formed XML: " + outcome.error()
                                + (imagesRead == 0 ? "" : "; the " + imagesRead + " images before it were read")));
            }
            if (outcome.rootName() != null && !outcome.isCvat()) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "root element is <" + outcome.rootName()
                        + ">, not CVAT's <annotations>; file skipped"));
                return;
            }
            if (outcome.version() != null && !outcome.version().equals("1.1")) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "<version> is '" + outcome.version()
                        + "'; expected 1.1, read as CVAT for images 1.1"));
            }
            if (tracks > 0) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "line " + firstTrackLine, tracks
                        + " <track> elements (CVAT for video): tracks are not supported yet and were not read"));
            }
            for (Map.Entry<String, int[]> e : unknown.entrySet()) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "line " + e.getValue()[1], e.getValue()[0] + " <"
                        + e.getKey() + "> elements inside <image> are not a CVAT shape Loupe knows; skipped"));
            }
            if (unlistedProblems > 0) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml, "", unlistedProblems
                        + " more problems in this file are not listed (only the first "
                        + CocoReader.MAX_LISTED_PROBLEMS + " are)"));
            }
        }

        @Override
        public void meta(CvatXml.Meta meta) {
            for (CvatXml.Task t : meta.tasks()) {
                if (t.id() != null) {
                    subsetOfTask.putIfAbsent(t.id(), t.subset());
                }
            }
            onlyTaskSubset = meta.tasks().size() == 1 ? meta.tasks().get(0).subset() : null;
        }

        @Override
        public void track(int line) {
            if (tracks++ == 0) {
                firstTrackLine = line;
            }
        }

        @Override
        public void image(CvatXml.Image image) {
            if (++imagesRead % CANCEL_CHECK_INTERVAL == 0) {
                ctx.progress().checkCancelled();
            }
            String at = "line " + image.line();
            Map<String, String> a = image.xmlAttributes();
            String name = a.get("name");
            if (name == null || name.isEmpty()) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at, "<image> without a name attribute; its "
                        + image.shapes().size() + " shapes are skipped");
                return;
            }
            String subset = subset(a.get("subset"));
            String taskSubset = a.get("task_id") != null ? subset(subsetOfTask.get(a.get("task_id"))) : null;
            String split = subset != null ? subset
                    : taskSubset != null ? taskSubset
                    : subset(onlyTaskSubset) != null ? subset(onlyTaskSubset) : fileSplit;
            String path = imagePath(name, split);
            if (path == null) {
                problem(ProblemKind.PATH_ESCAPES_ROOT, at, "<image name='" + name
                        + "'> points outside the dataset folder; image and its shapes skipped");
                return;
            }
            sink.image(new ImageRef(path, split, size(a.get("width"), "width", at),
                    size(a.get("height"), "height", at)));
            for (CvatXml.Shape shape : image.shapes()) {
                emit(path, shape);
            }
        }

        /** A subset as written, or null for none (absent, empty, or CVAT's placeholder "default"). */
        private static String subset(String value) {
            if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("default")) {
                return null;
            }
            return value.trim();
        }

        /** The first existing of images/<split>/name, images/name, name; else the first whose folder exists. */
        private String imagePath(String name, String split) {
            List<String> bases = new ArrayList<>();
            if (split != null) {
                bases.add(join(join(folder, IMAGES), split));
            }
            bases.add(join(folder, IMAGES));
            bases.add(folder);
            List<String> candidates = new ArrayList<>();
            for (String base : bases) {
                String p = DatasetPaths.resolve(base, name);
                if (p != null && files.contains(p)) {
                    return p;
                }
                candidates.add(p);
            }
            for (int i = 0; i < bases.size(); i++) {
                String base = bases.get(i);
                boolean exists = base.isEmpty() || !files.under(base).isEmpty();
                if (exists && candidates.get(i) != null) {
                    return candidates.get(i);
                }
            }
            return candidates.get(candidates.size() - 1);
        }

        private int size(String text, String what, String at) {
            if (text == null || text.isEmpty()) {
                return 0;
            }
            try {
                double v = Double.parseDouble(text);
                if (Double.isFinite(v) && v >= 0 && v <= Integer.MAX_VALUE) {
                    return (int) Math.round(v);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(ProblemKind.MALFORMED_ANNOTATION, at, "<image " + what + "='" + text
                    + "'>; expected a whole number of pixels");
            return 0;
        }

        private void emit(String image, CvatXml.Shape shape) {
            String at = "line " + shape.line();
            String element = shape.element();
            if (!isShape(element)) {
                unknown.computeIfAbsent(element, k -> new int[] {0, shape.line()})[0]++;
                return;
            }
            String label = shape.label();
            if (label == null || label.isEmpty()) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at, "<" + element
                        + "> without a label; expected label=\"<class name>\", shape skipped");
                return;
            }
            Integer classId = classIds.get(label);
            if (classId == null) {
                problem(ProblemKind.UNKNOWN_CLASS, at, "label '" + label + "' is not in "
                        + (classSource == null ? "the class list" : classSource) + " (" + classIds.size()
                        + " labels); " + element + " skipped");
                return;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String key : SHAPE_ATTRIBUTES) {
                String v = shape.xmlAttributes().get(key);
                if (v != null) {
                    attributes.put(key, v);
                }
            }
            Geometry g;
            try {
                g = geometry(shape, attributes);
            } catch (IllegalArgumentException e) {
                problem(ProblemKind.MALFORMED_ANNOTATION, at, "<" + element + " label='" + label + "'>: "
                        + e.getMessage() + "; shape skipped");
                return;
            }
            if (g == null) {
                return;
            }
            attributes.putAll(shape.attributes());
            sink.annotation(new Annotation(image, classId, g.box(), g.polygons(), false, attributes));
        }

        private static boolean isShape(String element) {
            return switch (element) {
                case "box", "polygon", "polyline", "points", "mask", "ellipse", "cuboid", "skeleton", "tag" -> true;
                default -> false;
            };
        }

        /** A shape in Loupe's pixel space. */
        private record Geometry(BoundingBox box, List<Polygon> polygons) {
        }

        /**
         * The box (and polygon) of a shape, adding {@code shape_type} and {@code rotation} to {@code attributes};
         * null when the shape is reported and skipped for another reason.
         *
         * @throws IllegalArgumentException with what is wrong, for a missing or non-numeric coordinate
         */
        private Geometry geometry(CvatXml.Shape shape, Map<String, String> attributes) {
            Map<String, String> a = shape.xmlAttributes();
            String element = shape.element();
            switch (element) {
                case "tag" -> {
                    return new Geometry(null, List.of());
                }
                case "box" -> {
                    double xtl = number(a, "xtl"), ytl = number(a, "ytl");
                    double xbr = number(a, "xbr"), ybr = number(a, "ybr");
                    double rotation = optionalNumber(a, "rotation");
                    if (rotation == 0) {
                        return new Geometry(BoundingBox.fromCorners(xtl, ytl, xbr, ybr), List.of());
                    }
                    attributes.put("rotation", a.get("rotation"));
                    Polygon corners = rotatedCorners(xtl, ytl, xbr, ybr, rotation);
                    return new Geometry(corners.bounds(), List.of(corners));
                }
                case "polygon" -> {
                    Polygon p = new Polygon(points(a.get("points")));
                    return new Geometry(p.bounds(), List.of(p));
                }
                case "polyline", "points" -> {
                    attributes.put("shape_type", element);
                    return new Geometry(new Polygon(points(a.get("points"))).bounds(), List.of());
                }
                case "mask" -> {
                    attributes.put("shape_type", element);
                    return new Geometry(new BoundingBox(number(a, "left"), number(a, "top"), number(a, "width"),
                            number(a, "height")), List.of());
                }
                case "ellipse" -> {
                    attributes.put("shape_type", element);
                    double cx = number(a, "cx"), cy = number(a, "cy"), rx = number(a, "rx"), ry = number(a, "ry");
                    double rotation = optionalNumber(a, "rotation");
                    if (rotation != 0) {
                        attributes.put("rotation", a.get("rotation"));
                    }
                    // The axis-aligned bounds of an ellipse rotated by t: half-extents sqrt(rx²cos²t + ry²sin²t)
                    // and sqrt(rx²sin²t + ry²cos²t).
                    double t = Math.toRadians(rotation), c = Math.cos(t), s = Math.sin(t);
                    double hx = Math.sqrt(rx * rx * c * c + ry * ry * s * s);
                    double hy = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
                    return new Geometry(BoundingBox.fromCorners(cx - hx, cy - hy, cx + hx, cy + hy), List.of());
                }
                case "cuboid" -> {
                    attributes.put("shape_type", element);
                    List<Double> xy = new ArrayList<>();
                    for (String corner : List.of("tl1", "bl1", "tr1", "br1", "tl2", "bl2", "tr2", "br2")) {
                        xy.add(number(a, "x" + corner));
                        xy.add(number(a, "y" + corner));
                    }
                    double[] points = xy.stream().mapToDouble(Double::doubleValue).toArray();
                    return new Geometry(new Polygon(points).bounds(), List.of());
                }
                case "skeleton" -> {
                    attributes.put("shape_type", element);
                    List<Double> xy = new ArrayList<>();
                    for (CvatXml.Shape part : shape.parts()) {
                        if (part.element().equals("points") && !"1".equals(part.xmlAttributes().get("outside"))) {
                            for (double v : points(part.xmlAttributes().get("points"))) {
                                xy.add(v);
                            }
                        }
                    }
                    if (xy.isEmpty()) {
                        problem(ProblemKind.OTHER, "line " + shape.line(), "<skeleton label='" + shape.label()
                                + "'> has no points inside the image; skipped");
                        return null;
                    }
                    double[] points = xy.stream().mapToDouble(Double::doubleValue).toArray();
                    return new Geometry(new Polygon(points).bounds(), List.of());
                }
                default -> throw new IllegalStateException("not a shape: " + element);
            }
        }

        /** The corners of a box rotated clockwise (y points down) by {@code degrees} about its centre. */
        private static Polygon rotatedCorners(double xtl, double ytl, double xbr, double ybr, double degrees) {
            double cx = (xtl + xbr) / 2, cy = (ytl + ybr) / 2;
            double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
            double[] corners = {xtl, ytl, xbr, ytl, xbr, ybr, xtl, ybr};
            double[] rotated = new double[8];
            for (int i = 0; i < 8; i += 2) {
                double dx = corners[i] - cx, dy = corners[i + 1] - cy;
                rotated[i] = cx + dx * c - dy * s;
                rotated[i + 1] = cy + dx * s + dy * c;
            }
            return new Polygon(rotated);
        }

        private static double number(Map<String, String> a, String name) {
            String text = a.get(name);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException(name + " is missing; expected a number");
            }
            return parse(text, name + "='" + text + "'");
        }

        private static double optionalNumber(Map<String, String> a, String name) {
            String text = a.get(name);
            return text == null || text.isBlank() ? 0 : number(a, name);
        }

        private static double parse(String text, String what) {
            try {
                double v = Double.parseDouble(text.trim());
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(what + " is not a number");
        }

        /** CVAT's {@code "x1,y1;x2,y2;..."}. */
        private static double[] points(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("points is missing; expected \"x1,y1;x2,y2;...\"");
            }
            String[] pairs = text.trim().split("\\s*;\\s*");
            double[] result = new double[pairs.length * 2];
            for (int i = 0; i < pairs.length; i++) {
                String[] xy = pairs[i].split(",");
                if (xy.length != 2) {
                    throw new IllegalArgumentException("points='" + abbreviate(text) + "' has '" + pairs[i]
                            + "'; expected \"x1,y1;x2,y2;...\"");
                }
                result[2 * i] = parse(xy[0], "point '" + pairs[i] + "'");
                result[2 * i + 1] = parse(xy[1], "point '" + pairs[i] + "'");
            }
            return result;
        }

        private static String abbreviate(String text) {
            return text.length() <= 60 ? text : text.substring(0, 57) + "...";
        }

        // NOTE: a broken export can fail every shape of a million images; the first problems of a file are listed
        // and the rest counted in one summary (as CocoReader does), so the audit stays readable.
        private void problem(ProblemKind kind, String at, String message) {
            if (listedProblems < CocoReader.MAX_LISTED_PROBLEMS) {
                listedProblems++;
                sink.problem(Problem.of(kind, xml, at, message));
            } else {
                unlistedProblems++;
            }
        }
    }
}
