package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import loupe.core.imaging.ImageHeader;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

/**
 * Open Images bounding boxes (V4 to V7 CSV files, and datumaro's {@code open_images} layout):
 * {@code annotations/<subset>-annotations-bbox.csv} (or {@code oidv6-train-annotations-bbox.csv}) with the
 * columns {@code ImageID, Source, LabelName, Confidence, XMin, XMax, YMin, YMax, IsOccluded, ...}, class names
 * in {@code class-descriptions*.csv} / {@code oidv*-class-descriptions*.csv}, and images in
 * {@code images/<subset>/<ImageID>.<ext>}.
 *
 * <p><b>Files.</b> Every CSV named {@code ...annotations-bbox...csv} whose header has {@code ImageID},
 * {@code LabelName}, {@code XMin}, {@code XMax}, {@code YMin} and {@code YMax} is read, each as one
 * {@link Unit}; its subset (the split) is the first split word of its name ({@code oidv6-train-...} is
 * "train"). The dataset folder of a bbox file is the folder above it when that is called {@code annotations},
 * else its own folder; its images are in {@code images/} there. Image-level labels
 * ({@code *-human-imagelabels*.csv}), the segmentation table and its masks, relationship files, image lists
 * ({@code *-images-with-rotation.csv}), {@code images.meta} and the class hierarchy JSON are not read.
 *
 * <p><b>Images.</b> Every image under {@code images/} is declared, with the split of its folder
 * ({@code images/validation/d.png} is "validation"). A row's image is {@code images/<subset>/<ImageID>.*} (any
 * image extension), else {@code images/<ImageID>.*}; for a bbox file without a subset in its name, any image
 * of that name under {@code images/}. NOTE: Open Images publishes one annotation file for a whole subset (the
 * train boxes are 14.6 million rows for 1.7 million images), and local copies nearly always hold only some of
 * the images. Rows whose image is not there are therefore not declared as missing images one by one: they are
 * counted in one {@code ORPHAN_ANNOTATION} warning per file, with the first few ids. Their boxes are not placed
 * either, since the coordinates are fractions of the image's size.
 *
 * <p><b>Coordinates.</b> {@code XMin, XMax, YMin, YMax} are fractions of the image's width and height (Open
 * Images' convention, 0 to 1); they are converted with the size from the image's header:
 * {@code x = XMin * W, width = (XMax - XMin) * W}, the same for y. Hence the format needs image headers, and a
 * unit's files are its CSV, the class descriptions file and <em>every</em> image it may look a row's image up
 * in: a bbox file for a whole subset is one unit that is parsed again when any of its images changes. The
 * images' EXIF rotation ({@code Rotation} in the image lists) is not applied.
 *
 * <p><b>Classes.</b> Ids are the line order (0..N-1, header excluded) of the class descriptions file
 * ({@code LabelName,DisplayName}; with or without a header row) found beside a bbox file or in its dataset
 * folder, a {@code boxable} list preferred, then path order; the class name is the display name (the MID when
 * it has none). A row whose {@code LabelName} is not in the list is reported ({@code UNKNOWN_CLASS}) and
 * skipped. Without a descriptions file the ids are 0..N-1 over the sorted MIDs of all rows, collected in a
 * scan; unit keys carry a checksum of the class list either way (see {@link VocFormat}).
 *
 * <p><b>Attributes.</b> Every other column ({@code Source}, {@code Confidence}, {@code IsOccluded},
 * {@code IsTruncated}, {@code IsGroupOf}, {@code IsDepiction}, {@code IsInside}, ...) is kept as written when
 * not empty; {@code IsGroupOf = 1} (a box around a group of objects) also sets the annotation's crowd flag,
 * COCO's closest notion. A row with a missing field or a coordinate that is not a number is reported
 * ({@code MALFORMED_ANNOTATION}, "line N") and skipped; at most {@value #MAX_ROW_PROBLEMS} a file are listed.
 * Stateless and thread-safe.
 */
public final class OpenImagesFormat implements DatasetFormat {

    static final int MAX_ROW_PROBLEMS = 20;
    private static final int MAX_LISTED_IDS = 5;
    private static final List<String> REQUIRED = List.of("imageid", "labelname", "xmin", "xmax", "ymin", "ymax");
    private static final Pattern BBOX_NAME = Pattern.compile("(?i).*annotations-bbox.*\\.csv");
    private static final Pattern CLASS_NAME = Pattern.compile("(?i)(oidv\\d+-)?class-descriptions.*\\.csv");
    private static final String ANNOTATIONS = "annotations";
    private static final String IMAGES = "images";

    @Override
    public String id() {
        return "openimages";
    }

    @Override
    public String displayName() {
        return "Open Images CSV";
    }

    @Override
    public boolean needsImageHeaders() {
        return true;
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        String bbox = null;
        int bboxFiles = 0;
        String classes = null;
        for (String p : files.withExtension("csv")) { // box and class files are .csv
            String name = DatasetPaths.fileName(p);
            if (ClassFoldersFormat.isHidden(p)) {
                continue;
            }
            if (BBOX_NAME.matcher(name).matches()) {
                bboxFiles++;
                if (bbox == null && TfodCsvFormat.headerOf(root, p, REQUIRED) != null) {
                    bbox = p;
                }
            } else if (classes == null && CLASS_NAME.matcher(name).matches()) {
                classes = p;
            }
        }
        if (bbox != null) {
            return new Support(classes != null ? 0.95 : 0.9, bbox + " has Open Images box columns (ImageID, "
                    + "LabelName, XMin, XMax, YMin, YMax)" + (classes != null ? "; " + classes + " names the classes"
                    : "; no class descriptions file"));
        }
        if (bboxFiles > 0) {
            return Support.none("files named like Open Images box files lack the ImageID, LabelName, XMin, XMax, "
                    + "YMin, YMax columns");
        }
        if (classes != null) {
            String base = baseOf(classes);
            if (files.under(join(base, IMAGES)).stream().anyMatch(DatasetPaths::isImage)) {
                return new Support(0.6, classes + " lists Open Images classes beside an images/ folder, but there is"
                        + " no *-annotations-bbox.csv file: images and classes only");
            }
        }
        return Support.none("no *-annotations-bbox.csv file with Open Images columns");
    }

    @Override
    public DatasetReader reader() {
        return OpenImagesFormat::read;
    }

    // ---------------------------------------------------------------- layout

    /** The dataset folder of an annotation file: above an annotations/ folder, else its own folder. */
    private static String baseOf(String path) {
        String folder = DatasetPaths.parent(path);
        return DatasetPaths.fileName(folder).equalsIgnoreCase(ANNOTATIONS) ? DatasetPaths.parent(folder) : folder;
    }

    /**
     * A bbox file to read.
     *
     * @param path    relative path
     * @param header  lower-cased column name to index
     * @param split   its subset, or null
     * @param lookups the folders where a row's image is looked up by ImageID, in order
     */
    private record BboxFile(String path, Map<String, Integer> header, String split, List<String> lookups) {
    }

    /** The class list: MID to id, the labels, and the descriptions file it came from (null: scanned MIDs). */
    private record ClassList(Map<String, Integer> ids, List<ClassLabel> labels, String source) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();

        List<BboxFile> bboxFiles = new ArrayList<>();
        Set<String> bases = new TreeSet<>();
        for (String p : files.withExtension("csv")) { // box and class files are .csv
            if (ClassFoldersFormat.isHidden(p) || !BBOX_NAME.matcher(DatasetPaths.fileName(p)).matches()) {
                continue;
            }
            Map<String, Integer> header = TfodCsvFormat.headerOf(ctx.root(), p, REQUIRED);
            if (header == null) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, p, "line 1", "named like an Open Images"
                        + " box file, but the header lacks some of ImageID, LabelName, XMin, XMax, YMin, YMax; "
                        + "not read"));
                continue;
            }
            String base = baseOf(p);
            bases.add(base);
            String split = TfodCsvFormat.splitOfName(p);
            String images = join(base, IMAGES);
            List<String> lookups = split != null ? List.of(join(images, split), images) : List.of(images);
            bboxFiles.add(new BboxFile(p, header, split, lookups));
        }
        if (bboxFiles.isEmpty()) {
            // The probe's "images and classes only" case: a class descriptions file beside images/.
            for (String p : files.withExtension("csv")) { // box and class files are .csv
                if (CLASS_NAME.matcher(DatasetPaths.fileName(p)).matches() && !ClassFoldersFormat.isHidden(p)) {
                    bases.add(baseOf(p));
                }
            }
        }

        // Images: every image under <base>/images, indexed by folder and ImageID (the file name's stem).
        Map<String, Map<String, String>> byFolderAndId = new HashMap<>();
        Map<String, Map<String, String>> byBaseAndId = new HashMap<>();
        for (String base : bases) {
            String images = join(base, IMAGES);
            for (String p : files.under(images)) {
                if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                    sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                    String id = DatasetPaths.stripExtension(DatasetPaths.fileName(p));
                    byFolderAndId.computeIfAbsent(DatasetPaths.parent(p), k -> new HashMap<>()).putIfAbsent(id, p);
                    byBaseAndId.computeIfAbsent(images, k -> new HashMap<>()).putIfAbsent(id, p);
                }
            }
        }

        ClassList classes = descriptions(ctx, bboxFiles, bases);
        if (classes == null) {
            classes = scanMids(ctx, bboxFiles);
        }
        for (ClassLabel label : classes.labels()) {
            sink.classLabel(label);
        }

        StringBuilder digest = new StringBuilder(String.valueOf(classes.source()));
        classes.ids().entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> digest.append('\n').append(e.getValue()).append(':').append(e.getKey()));
        String classDigest = UnitChecksum.of(digest.toString());

        Map<String, BboxFile> fileOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (BboxFile bbox : bboxFiles) {
            ctx.progress().checkCancelled();
            List<String> unitFiles = new ArrayList<>();
            unitFiles.add(bbox.path());
            if (classes.source() != null) {
                unitFiles.add(classes.source());
            }
            if (bbox.split() != null) {
                for (String folder : bbox.lookups()) {
                    unitFiles.addAll(new TreeSet<>(byFolderAndId.getOrDefault(folder, Map.of()).values()));
                }
            } else {
                unitFiles.addAll(new TreeSet<>(byBaseAndId.getOrDefault(bbox.lookups().get(0), Map.of()).values()));
            }
            String key = bbox.path() + "#" + classDigest;
            units.add(new Unit(key, unitFiles));
            fileOfUnit.put(key, bbox);
        }
        ClassList finalClasses = classes;
        ctx.parseUnits(units, (unit, unitSink) -> {
            BboxFile bbox = fileOfUnit.get(unit.key());
            List<Map<String, String>> lookups = new ArrayList<>();
            if (bbox.split() != null) {
                for (String folder : bbox.lookups()) {
                    lookups.add(byFolderAndId.getOrDefault(folder, Map.of()));
                }
            } else {
                lookups.add(byBaseAndId.getOrDefault(bbox.lookups().get(0), Map.of()));
            }
            parseUnit(ctx, bbox, lookups, finalClasses, unitSink);
        });
    }

    // ---------------------------------------------------------------- classes

    /** The class descriptions beside a bbox file or in a dataset folder: boxable lists first, then path order. */
    private static ClassList descriptions(ReadContext ctx, List<BboxFile> bboxFiles, Set<String> bases) {
        Set<String> folders = new TreeSet<>();
        for (BboxFile b : bboxFiles) {
            folders.add(DatasetPaths.parent(b.path()));
        }
        for (String base : bases) {
            folders.add(base);
            folders.add(join(base, ANNOTATIONS));
        }
        List<String> candidates = new ArrayList<>();
        for (String folder : folders) {
            for (String p : ctx.files().in(folder)) {
                if (CLASS_NAME.matcher(DatasetPaths.fileName(p)).matches() && !ClassFoldersFormat.isHidden(p)) {
                    candidates.add(p);
                }
            }
        }
        candidates.sort(Comparator.comparing((String p) -> !p.toLowerCase(Locale.ROOT).contains("boxable"))
                .thenComparing(Comparator.naturalOrder()));
        for (String p : candidates) {
            ClassList list = readDescriptions(ctx, p);
            if (list != null) {
                return list;
            }
        }
        return null;
    }

    private static ClassList readDescriptions(ReadContext ctx, String path) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<ClassLabel> labels = new ArrayList<>();
        try (CsvRows parser = CsvRows.open(ctx.root().resolve(path))) {
            boolean first = true;
            for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                boolean header = first && row.size() >= 1 && row.get(0).strip().equalsIgnoreCase("LabelName");
                first = false;
                if (header) {
                    continue;
                }
                String mid = row.get(0).strip();
                if (row.error() != null || row.size() < 2 || mid.isEmpty()) {
                    ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "line " + row.line(),
                            row.error() != null ? row.error() : "expected LabelName,DisplayName"));
                    continue;
                }
                if (ids.putIfAbsent(mid, ids.size()) != null) {
                    ctx.sink().problem(Problem.of(ProblemKind.OTHER, path, "line " + row.line(),
                            "class " + mid + " is listed again; the first line keeps its id"));
                    continue;
                }
                String display = row.get(1).strip();
                labels.add(new ClassLabel(ids.get(mid), display.isEmpty() ? mid : display));
            }
        } catch (IOException e) {
            ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "cannot read: " + e.getMessage()));
            return null;
        }
        return labels.isEmpty() ? null : new ClassList(ids, labels, path);
    }

    /** Ids 0..N-1 over the sorted MIDs of all rows of all bbox files. */
    private static ClassList scanMids(ReadContext ctx, List<BboxFile> bboxFiles) {
        Set<String> mids = new TreeSet<>();
        for (BboxFile bbox : bboxFiles) {
            int column = bbox.header().get("labelname");
            try (CsvRows parser = CsvRows.open(ctx.root().resolve(bbox.path()))) {
                parser.next();
                int n = 0;
                for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                    if (++n % 4096 == 0) {
                        ctx.progress().checkCancelled();
                    }
                    String mid = row.error() == null ? row.get(column) : null;
                    if (mid != null && !mid.isBlank()) {
                        mids.add(mid.strip());
                    }
                }
            } catch (IOException e) {
                // the unit reads this file again and reports what is wrong with it
            }
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<ClassLabel> labels = new ArrayList<>();
        for (String mid : mids) {
            ids.put(mid, ids.size());
            labels.add(new ClassLabel(ids.get(mid), mid));
        }
        return new ClassList(ids, labels, null);
    }

    // ---------------------------------------------------------------- units

    private static void parseUnit(ReadContext ctx, BboxFile bbox, List<Map<String, String>> lookups,
                                  ClassList classes, DatasetSink sink) {
        String path = bbox.path();
        Map<String, Integer> h = bbox.header();
        int cId = h.get("imageid"), cLabel = h.get("labelname");
        int cXmin = h.get("xmin"), cXmax = h.get("xmax"), cYmin = h.get("ymin"), cYmax = h.get("ymax");
        Integer cGroup = h.get("isgroupof");
        Map<String, Integer> extras = new LinkedHashMap<>();
        List<String> headerNames = new ArrayList<>();
        // Attribute names as written in the header (IsOccluded), not lower-cased.
        Map<Integer, String> written = new HashMap<>();
        int bad = 0, rows = 0, orphanRows = 0;
        Map<String, ImageHeader> headers = new HashMap<>();
        Set<String> orphanIds = new LinkedHashSet<>();
        Map<String, Integer> unplaced = new TreeMap<>();
        try (CsvRows parser = CsvRows.open(ctx.root().resolve(path))) {
            CsvRows.Row header = parser.next();
            if (header == null) {
                return;
            }
            for (int i = 0; i < header.size(); i++) {
                written.put(i, header.get(i).strip());
                headerNames.add(header.get(i).strip());
            }
            for (Map.Entry<String, Integer> e : h.entrySet()) {
                if (!REQUIRED.contains(e.getKey())) {
                    extras.put(written.get(e.getValue()), e.getValue());
                }
            }
            for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                if (++rows % 4096 == 0) {
                    ctx.progress().checkCancelled();
                }
                String error = null;
                if (row.error() != null) {
                    error = row.error();
                } else if (row.size() != header.size()) {
                    error = "found " + row.size() + (row.size() == 1 ? " field" : " fields") + ", expected "
                            + header.size() + " (" + String.join(",", headerNames) + ")";
                }
                String imageId = error == null ? row.get(cId).strip() : "";
                String mid = error == null ? row.get(cLabel).strip() : "";
                if (error == null && imageId.isEmpty()) {
                    error = "ImageID is empty";
                } else if (error == null && mid.isEmpty()) {
                    error = "LabelName is empty";
                }
                double[] v = new double[4];
                if (error == null) {
                    List<String> badFields = new ArrayList<>();
                    int[] columns = {cXmin, cXmax, cYmin, cYmax};
                    for (int i = 0; i < 4; i++) {
                        String text = row.get(columns[i]).strip();
                        if (TfodCsvFormat.NUMBER.matcher(text).matches()) {
                            v[i] = Double.parseDouble(text);
                        } else {
                            badFields.add(written.get(columns[i]) + " is '" + text + "'");
                        }
                    }
                    if (!badFields.isEmpty()) {
                        error = String.join(", ", badFields) + "; expected numbers (fractions of the image size)";
                    }
                }
                if (error != null) {
                    if (++bad <= MAX_ROW_PROBLEMS) {
                        sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "line " + row.line(), error));
                    }
                    continue;
                }
                Integer classId = classes.ids().get(mid);
                if (classId == null) {
                    if (++bad <= MAX_ROW_PROBLEMS) {
                        sink.problem(Problem.of(ProblemKind.UNKNOWN_CLASS, path, "line " + row.line(), "LabelName "
                                + mid + " is not in " + (classes.source() == null ? "the class list" : classes.source())
                                + " (" + classes.labels().size() + " classes); row skipped"));
                    }
                    continue;
                }
                String image = null;
                for (Map<String, String> lookup : lookups) {
                    image = lookup.get(imageId);
                    if (image != null) {
                        break;
                    }
                }
                if (image == null) {
                    orphanRows++;
                    if (orphanIds.size() < MAX_LISTED_IDS) {
                        orphanIds.add(imageId);
                    }
                    continue;
                }
                if (!headers.containsKey(image)) {
                    headers.put(image, ctx.header(image));      // null (unreadable) is remembered too
                }
                ImageHeader size = headers.get(image);
                if (size == null) {
                    unplaced.merge(image, 1, Integer::sum);
                    continue;
                }
                Map<String, String> attributes = new LinkedHashMap<>();
                for (Map.Entry<String, Integer> e : extras.entrySet()) {
                    String value = row.get(e.getValue()).strip();
                    if (!value.isEmpty()) {
                        attributes.put(e.getKey(), value);
                    }
                }
                boolean group = cGroup != null && row.get(cGroup).strip().equals("1");
                BoundingBox box = new BoundingBox(v[0] * size.width(), v[2] * size.height(),
                        (v[1] - v[0]) * size.width(), (v[3] - v[2]) * size.height());
                sink.annotation(new Annotation(image, classId, box, List.of(), group, attributes));
            }
        } catch (IOException e) {
            sink.problem(ReadFailures.problem(path, e));
        }
        if (bad > MAX_ROW_PROBLEMS) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "", (bad - MAX_ROW_PROBLEMS)
                    + " more bad rows not listed (" + bad + " of " + rows + " rows are bad)"));
        }
        if (orphanRows > 0) {
            sink.problem(Problem.of(ProblemKind.ORPHAN_ANNOTATION, path, "", orphanRows
                    + (orphanRows == 1 ? " box is" : " boxes are") + " for images not in "
                    + String.join(" or ", bbox.lookups().stream().map(f -> f + "/").toList())
                    + " (first ImageIDs: " + String.join(", ", orphanIds) + "); not placed: Open Images "
                    + "coordinates are fractions of the image's size"));
        }
        int listed = 0;
        for (Map.Entry<String, Integer> e : unplaced.entrySet()) {
            if (listed++ == MAX_ROW_PROBLEMS) {
                break;
            }
            sink.problem(new Problem(Severity.WARNING, ProblemKind.OTHER, path, "", e.getValue()
                    + (e.getValue() == 1 ? " box" : " boxes") + " not placed: the size of " + e.getKey()
                    + " cannot be read, and Open Images coordinates are fractions of it"));
        }
    }

    private static String join(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }
}
