package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

/**
 * TensorFlow Object Detection CSV: the {@code filename,width,height,class,xmin,ymin,xmax,ymax} table that
 * datitran's {@code xml_to_csv.py} writes from labelImg's VOC files (and {@code generate_tfrecord.py} turns
 * into TFRecords), one row per box, with a header row. Roboflow exports the same columns as
 * {@code <split>/_annotations.csv}.
 *
 * <p><b>Files.</b> Every {@code .csv} file whose header names at least {@code filename}, {@code class},
 * {@code xmin}, {@code ymin}, {@code xmax} and {@code ymax} (any order, any case; {@code width} and
 * {@code height} are optional) is read; other CSV files are ignored. Each file is one {@link Unit}.
 * Columns beyond the eight become attributes of the row's annotation.
 *
 * <p><b>Splits</b> come from the file name ({@code train_labels.csv} is "train": the first word of the name
 * that is a split name, as {@link ClassFoldersFormat} knows them) or else from a split folder above it
 * ({@code valid/_annotations.csv} is "valid"). In a folder holding CSV files named for splits, a CSV file
 * whose name names no split is <em>not</em> read and is reported (INFO): datitran's
 * {@code raccoon_labels.csv} is exactly the union of {@code train_labels.csv} and {@code test_labels.csv}
 * beside it, and reading all three would count every box twice.
 *
 * <p><b>Images.</b> {@code filename} is resolved (it may hold sub-folders) against, in order, the CSV's
 * folder, an {@code images/} folder inside it, and an {@code images/} folder beside it (raccoon:
 * {@code tfod_csv/*.csv} with {@code images/}); the first that holds the file wins. A file found in none is
 * declared in the first of those folders that holds images directly (else the CSV's folder), so the indexer
 * reports it missing. Images directly in that folder are declared too, with the split of their path, so
 * images that no row mentions are seen. A name that leaves the dataset ({@code ../}, absolute) is reported
 * ({@code PATH_ESCAPES_ROOT}) and its row skipped. {@code width} and {@code height} are the declared size.
 *
 * <p><b>Coordinates.</b> The corners are read as Pascal VOC's 1-based inclusive pixel indices and converted
 * exactly as {@link VocFormat} does ({@link VocFormat#toPixels}). NOTE: the format has no specification; its
 * numbers are whatever the tool that wrote it had. xml_to_csv.py copies labelImg's VOC values unchanged, and
 * raccoon's CSV files hold exactly the numbers of its XML files (all 217 rows equal the 217
 * {@code <object>}s; no coordinate is 0, and labelImg clamps to 1), so reading them the VOC way gives the
 * same boxes as the VOC reader gives for the same images. generate_tfrecord.py itself divides
 * {@code xmin / width} without subtracting 1, i.e. it treats the numbers as 0-based pixel edges: a model
 * trained from such a TFRecord sees each box one pixel further right and down and one pixel smaller than
 * Loupe shows it. A CSV written 0-based (xmin 0 is the left edge) comes out one pixel left and up, and the
 * indexer reports a box that starts at 0 as out of bounds, as it does for such VOC files.
 *
 * <p><b>Class ids.</b> A TensorFlow label map ({@code label_map.pbtxt}, {@code *_label_map.pbtxt}, holding
 * {@code item { id: 1 name: 'raccoon' }}) in
 * the root, a CSV's folder or the folder above it gives the ids (the first such file in path order); a row
 * whose class is in neither its {@code name}s nor its {@code display_name}s is reported
 * ({@code UNKNOWN_CLASS}) and skipped. Without a label map the ids are 0..N-1 over the sorted class names of
 * all rows of all CSV files read, which the reader collects in a scan before parsing units. As in
 * {@link VocFormat}, each unit's key is the CSV path followed by {@code #} and a checksum of the class list
 * and of the images where its names are looked up, so a cached unit never keeps stale ids or image paths.
 *
 * <p><b>Problems.</b> A row with a missing or extra field, an empty filename or class, or a coordinate that
 * is not a number is reported ({@code MALFORMED_ANNOTATION}, "line N") and skipped; a bad width or height
 * is reported and the box kept, with no declared size. Only the first {@value #MAX_ROW_PROBLEMS} bad rows of a
 * file are listed one by one. Stateless and thread-safe.
 */
public final class TfodCsvFormat implements DatasetFormat {

    /** The columns a TFOD CSV header must have; width and height are optional. */
    static final List<String> REQUIRED = List.of("filename", "class", "xmin", "ymin", "xmax", "ymax");
    private static final List<String> KNOWN =
            List.of("filename", "width", "height", "class", "xmin", "ymin", "xmax", "ymax");
    /** Bad rows reported one by one per file; the rest are counted. */
    static final int MAX_ROW_PROBLEMS = 20;
    private static final int PROBE_FILES = 8;
    private static final int HEAD_BYTES = 64 * 1024;
    /** A plain decimal number; Double.parseDouble alone would also take "NaN", "Infinity", "0x1p3" and "1f". */
    static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern WORD_SEPARATOR = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern LABEL_MAP_ITEM = Pattern.compile("(?s)\\bitem\\s*\\{(.*?)\\}");
    private static final Pattern LABEL_MAP_ID = Pattern.compile("\\bid\\s*:\\s*(-?\\d+)");
    private static final Pattern LABEL_MAP_NAME = Pattern.compile("\\bname\\s*:\\s*(['\"])(.*?)\\1");
    private static final Pattern LABEL_MAP_DISPLAY = Pattern.compile("\\bdisplay_name\\s*:\\s*(['\"])(.*?)\\1");

    @Override
    public String id() {
        return "tfod-csv";
    }

    @Override
    public String displayName() {
        return "TensorFlow Object Detection CSV";
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        List<String> csvs = csvFiles(files);
        if (csvs.isEmpty()) {
            return Support.none("no .csv files");
        }
        // Names that TFOD tools write first (train_labels.csv, _annotations.csv), then shallow files.
        csvs.sort(Comparator.comparingInt(TfodCsvFormat::probePriority).thenComparing(Comparator.naturalOrder()));
        int looked = Math.min(PROBE_FILES, csvs.size());
        String found = null;
        for (String csv : csvs.subList(0, looked)) {
            if (header(root, csv) != null) {
                found = csv;
                break;
            }
        }
        if (found == null) {
            return Support.none("no .csv file has a header with filename, class, xmin, ymin, xmax, ymax (looked at "
                    + looked + " of " + csvs.size() + ")");
        }
        String reason = found + " has the TensorFlow Object Detection CSV header (filename, class, xmin, ymin, "
                + "xmax, ymax)";
        long xmls = files.withExtension("xml").size();
        if (xmls > 0) {
            // NOTE: a TFOD CSV is usually made from VOC files (raccoon ships both); a user pointing at such a
            // folder most likely means the VOC originals, which also carry per-object flags. --format tfod-csv
            // still reads the CSV.
            return new Support(0.75, reason + "; the dataset also holds " + xmls
                    + " .xml files, probably the Pascal VOC files it was made from");
        }
        return new Support(0.9, reason);
    }

    private static int probePriority(String csv) {
        String name = DatasetPaths.fileName(csv).toLowerCase(Locale.ROOT);
        int depth = csv.length() - csv.replace("/", "").length();
        boolean named = name.contains("label") || name.contains("annotation");
        return (named ? 0 : 100) + Math.min(depth, 99);
    }

    @Override
    public DatasetReader reader() {
        return TfodCsvFormat::read;
    }

    /** Writes split tables and a label map; see {@link TfodCsvWriter} for the layout and what it cannot hold. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new TfodCsvWriter());
    }

    // ---------------------------------------------------------------- layout

    /**
     * A TFOD CSV file to read.
     *
     * @param path          relative path
     * @param header        lower-cased column name to index
     * @param split         its split, or null
     * @param folders       where its file names are looked up, in order
     * @param defaultFolder where a name found in none of them is declared
     */
    record CsvFile(String path, Map<String, Integer> header, String split, List<String> folders,
                   String defaultFolder) {
    }

    /** A class list: name to id, the labels to declare, and where it came from (null: scanned names). */
    private record ClassList(Map<String, Integer> ids, List<ClassLabel> labels, String source) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        List<CsvFile> csvs = select(ctx);

        ClassList classes = labelMap(ctx, csvs);
        if (classes == null) {
            classes = scanClasses(ctx, csvs);
        }
        for (ClassLabel label : classes.labels()) {
            sink.classLabel(label);
        }

        Set<String> declaredFolders = new TreeSet<>();
        for (CsvFile csv : csvs) {
            if (declaredFolders.add(csv.defaultFolder())) {
                for (String p : files.in(csv.defaultFolder())) {
                    if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                        sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                    }
                }
            }
        }

        StringBuilder classDigest = new StringBuilder(String.valueOf(classes.source()));
        for (ClassLabel label : classes.labels()) {
            classDigest.append('\n').append(label.id()).append(':').append(label.name());
        }
        Map<String, CsvFile> csvOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (CsvFile csv : csvs) {
            ctx.progress().checkCancelled();
            String key = csv.path() + "#" + checksum(classDigest.toString(), csv, files);
            units.add(new Unit(key, List.of(csv.path())));
            csvOfUnit.put(key, csv);
        }
        ClassList finalClasses = classes;
        ctx.parseUnits(units, (unit, unitSink) ->
                parseUnit(ctx, csvOfUnit.get(unit.key()), finalClasses, unitSink));
    }

    /** The CSV files with a TFOD header, minus union files beside split files (reported). */
    static List<CsvFile> select(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        Map<String, List<CsvFile>> byFolder = new LinkedHashMap<>();
        Map<String, Boolean> namedSplit = new HashMap<>();
        for (String path : csvFiles(files)) {
            ctx.progress().checkCancelled();
            Map<String, Integer> header = header(ctx.root(), path);
            if (header == null) {
                continue;
            }
            String fromName = splitOfName(path);
            String split = fromName != null ? fromName : ClassFoldersFormat.splitOfPath(path);
            namedSplit.put(path, fromName != null);
            List<String> folders = imageFolders(files, DatasetPaths.parent(path));
            byFolder.computeIfAbsent(DatasetPaths.parent(path), k -> new ArrayList<>())
                    .add(new CsvFile(path, header, split, folders, defaultFolder(files, folders)));
        }
        List<CsvFile> result = new ArrayList<>();
        for (List<CsvFile> inFolder : byFolder.values()) {
            List<String> splitFiles = new ArrayList<>();
            for (CsvFile c : inFolder) {
                if (namedSplit.get(c.path())) {
                    splitFiles.add(DatasetPaths.fileName(c.path()));
                }
            }
            for (CsvFile c : inFolder) {
                if (splitFiles.isEmpty() || namedSplit.get(c.path())) {
                    result.add(c);
                } else {
                    ctx.sink().problem(new Problem(Severity.INFO, ProblemKind.OTHER, c.path(), "",
                            "not read: " + String.join(", ", splitFiles) + " beside it are per-split files, and a "
                                    + "CSV without a split in its name next to them is taken to be their union"));
                }
            }
        }
        return result;
    }

    private static List<String> csvFiles(FileListing files) {
        List<String> csvs = new ArrayList<>();
        for (String p : files.withExtension("csv")) {
            if (!ClassFoldersFormat.isHidden(p)) {
                csvs.add(p);
            }
        }
        return csvs;
    }

    /**
     * Where names written in an annotation file in {@code folder} are looked up: the folder, its images/ folder,
     * and the images/ folder beside it, those that exist (the first always).
     */
    static List<String> imageFolders(FileListing files, String folder) {
        Set<String> result = new LinkedHashSet<>();
        result.add(folder);
        List<String> more = new ArrayList<>();
        more.add(join(folder, "images"));
        if (!folder.isEmpty()) {
            more.add(join(DatasetPaths.parent(folder), "images"));
        }
        for (String f : more) {
            if (!files.under(f).isEmpty()) {
                result.add(f);
            }
        }
        return List.copyOf(result);
    }

    /** The first word of the file name that is a split name ("train_labels.csv" is "train"), or null. */
    static String splitOfName(String path) {
        String stem = DatasetPaths.stripExtension(DatasetPaths.fileName(path));
        for (String word : WORD_SEPARATOR.split(stem)) {
            if (!word.isEmpty() && ClassFoldersFormat.isSplitName(word)) {
                return word;
            }
        }
        return null;
    }

    /** The header of a CSV file when it is a TFOD header (see {@link #headerOf}), else null. */
    static Map<String, Integer> header(Path root, String csv) throws IOException {
        return headerOf(root, csv, REQUIRED);
    }

    /**
     * The header of a CSV file as lower-cased, trimmed column name to index (the first of a repeated name),
     * when it has every column of {@code required} (lower case); else null. Reads only the first record (at
     * most the first {@value #HEAD_BYTES} bytes).
     */
    static Map<String, Integer> headerOf(Path root, String csv, List<String> required) throws IOException {
        String head;
        try (InputStream in = Files.newInputStream(root.resolve(csv))) {
            head = new String(in.readNBytes(HEAD_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException | AccessDeniedException e) {
            return null;
        }
        CsvRows.Row first = CsvRows.of(head).next();
        if (first == null) {
            return null;
        }
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < first.size(); i++) {
            columns.putIfAbsent(first.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        return columns.keySet().containsAll(required) ? columns : null;
    }

    // ---------------------------------------------------------------- classes

    /** The first TensorFlow label map in the root, a CSV's folder or the folder above it, or null. */
    private static ClassList labelMap(ReadContext ctx, List<CsvFile> csvs) {
        Set<String> folders = new TreeSet<>();
        folders.add("");
        for (CsvFile csv : csvs) {
            String folder = DatasetPaths.parent(csv.path());
            folders.add(folder);
            folders.add(DatasetPaths.parent(folder));
        }
        List<String> maps = new ArrayList<>();
        for (String folder : folders) {
            for (String p : ctx.files().in(folder)) {
                // NOTE: only label maps by name (label_map.pbtxt, Roboflow's <name>_label_map.pbtxt): other
                // .pbtxt files are TensorFlow graphs, which can be hundreds of megabytes.
                if (DatasetPaths.extension(p).equals("pbtxt") && !ClassFoldersFormat.isHidden(p)
                        && DatasetPaths.fileName(p).toLowerCase(Locale.ROOT).replace("_", "").contains("labelmap")) {
                    maps.add(p);
                }
            }
        }
        maps.sort(Comparator.naturalOrder());
        for (String map : maps) {
            ClassList list = readLabelMap(ctx, map);
            if (list != null) {
                return list;
            }
        }
        return null;
    }

    /** Parses a label map; null when it has no item with an id and a name (not a label map). */
    private static ClassList readLabelMap(ReadContext ctx, String map) {
        String text;
        try {
            text = Files.readString(ctx.root().resolve(map), StandardCharsets.UTF_8);
        } catch (IOException e) {
            ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, map, "cannot read: " + e.getMessage()));
            return null;
        }
        String noComments = text.replaceAll("(?m)#.*$", "");
        Map<String, Integer> ids = new HashMap<>();
        List<ClassLabel> labels = new ArrayList<>();
        Matcher item = LABEL_MAP_ITEM.matcher(noComments);
        while (item.find()) {
            String body = item.group(1);
            Matcher id = LABEL_MAP_ID.matcher(body);
            Matcher name = LABEL_MAP_NAME.matcher(body);
            Matcher display = LABEL_MAP_DISPLAY.matcher(body);
            String line = "line " + (1 + noComments.substring(0, item.start()).chars().filter(c -> c == '\n').count());
            if (!id.find() || !name.find()) {
                ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, map, line,
                        "label map item without an id or a quoted name; expected item { id: 1 name: 'cat' }"));
                continue;
            }
            int classId;
            try {
                classId = Integer.parseInt(id.group(1));
            } catch (NumberFormatException e) {
                ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, map, line,
                        "label map id " + id.group(1) + " is too large"));
                continue;
            }
            labels.add(new ClassLabel(classId, name.group(2)));
            ids.putIfAbsent(name.group(2), classId);
            if (display.find()) {
                ids.putIfAbsent(display.group(2), classId);
            }
        }
        return labels.isEmpty() ? null : new ClassList(ids, labels, map);
    }

    /** Ids 0..N-1 over the sorted class names of all rows of all files. */
    private static ClassList scanClasses(ReadContext ctx, List<CsvFile> csvs) {
        Set<String> names = new TreeSet<>();
        for (CsvFile csv : csvs) {
            int column = csv.header().get("class");
            try (CsvRows parser = CsvRows.open(ctx.root().resolve(csv.path()))) {
                parser.next();      // the header
                int n = 0;
                for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                    if (++n % 4096 == 0) {
                        ctx.progress().checkCancelled();
                    }
                    String name = row.error() == null && row.size() == csv.header().size() ? row.get(column) : null;
                    if (name != null && !name.strip().isEmpty()) {
                        names.add(name.strip());
                    }
                }
            } catch (IOException e) {
                // the unit reads this file again and reports what is wrong with it
            }
        }
        Map<String, Integer> ids = new HashMap<>();
        List<ClassLabel> labels = new ArrayList<>();
        for (String name : names) {
            ids.put(name, ids.size());
            labels.add(new ClassLabel(ids.get(name), name));
        }
        return new ClassList(ids, labels, null);
    }

    /** The first of the lookup folders that holds images directly, else the first: where missing images go. */
    static String defaultFolder(FileListing files, List<String> folders) {
        for (String f : folders) {
            if (files.in(f).stream().anyMatch(DatasetPaths::isImage)) {
                return f;
            }
        }
        return folders.get(0);
    }

    /** A checksum of everything besides the CSV that a unit's output depends on. */
    private static String checksum(String classDigest, CsvFile csv, FileListing files) {
        return checksum(classDigest + "\0" + csv.split(), csv.folders(), files);
    }

    /**
     * A checksum of {@code digest} and of the images in the lookup {@code folders}: which file a written name
     * resolves to depends on the images present there, which a unit's files cannot express.
     */
    static String checksum(String digest, List<String> folders, FileListing files) {
        UnitChecksum checksum = new UnitChecksum().add(digest + "\0" + folders);
        for (String folder : folders) {
            checksum.addImagesUnder(files, folder);
        }
        return checksum.hex();
    }

    // ---------------------------------------------------------------- units

    /** Where the columns are; {@code extras} are the columns beyond the eight, which become attributes. */
    private record Columns(int file, int cls, int xmin, int ymin, int xmax, int ymax, int width, int height,
                           int count, Map<String, Integer> extras) {

        static Columns of(Map<String, Integer> header, int count) {
            Map<String, Integer> extras = new LinkedHashMap<>(header);
            extras.keySet().removeAll(KNOWN);
            return new Columns(header.get("filename"), header.get("class"), header.get("xmin"), header.get("ymin"),
                    header.get("xmax"), header.get("ymax"), header.getOrDefault("width", -1),
                    header.getOrDefault("height", -1), count, extras);
        }
    }

    private static void parseUnit(ReadContext ctx, CsvFile csv, ClassList classes, DatasetSink sink) {
        String path = csv.path();
        Map<String, String> resolved = new HashMap<>();
        int bad = 0, rows = 0;
        try (CsvRows parser = CsvRows.open(ctx.root().resolve(path))) {
            CsvRows.Row header = parser.next();
            if (header == null) {
                return;
            }
            Columns columns = Columns.of(csv.header(), header.size());
            for (CsvRows.Row row = parser.next(); row != null; row = parser.next()) {
                rows++;
                String error = parseRow(ctx, csv, classes, columns, row, resolved, sink);
                if (error != null && ++bad <= MAX_ROW_PROBLEMS) {
                    sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "line " + row.line(), error));
                }
            }
        } catch (IOException e) {
            sink.problem(ReadFailures.problem(path, e));
        }
        if (bad > MAX_ROW_PROBLEMS) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "", (bad - MAX_ROW_PROBLEMS)
                    + " more malformed rows not listed (" + bad + " of " + rows + " rows are bad)"));
        }
    }

    /** Emits one row; returns what is malformed about it (the row is then skipped), or null. */
    private static String parseRow(ReadContext ctx, CsvFile csv, ClassList classes, Columns c, CsvRows.Row row,
                                   Map<String, String> resolved, DatasetSink sink) {
        if (row.error() != null) {
            return row.error();
        }
        if (row.size() != c.count()) {
            return "found " + row.size() + (row.size() == 1 ? " field" : " fields") + ", expected " + c.count()
                    + " (" + String.join(",", csv.header().keySet()) + ")";
        }
        String filename = row.get(c.file()).strip();
        String className = row.get(c.cls()).strip();
        if (filename.isEmpty()) {
            return "filename is empty";
        }
        if (className.isEmpty()) {
            return "class is empty";
        }
        List<String> badFields = new ArrayList<>();
        double xmin = number(row, c.xmin(), "xmin", badFields);
        double ymin = number(row, c.ymin(), "ymin", badFields);
        double xmax = number(row, c.xmax(), "xmax", badFields);
        double ymax = number(row, c.ymax(), "ymax", badFields);
        if (!badFields.isEmpty()) {
            return String.join(", ", badFields) + "; expected numbers";
        }
        String image = resolved.get(filename);
        if (image == null) {
            image = resolve(ctx.files(), csv, filename);
            if (image == null) {
                sink.problem(Problem.of(ProblemKind.PATH_ESCAPES_ROOT, csv.path(), "line " + row.line(),
                        "filename '" + filename + "' points outside the dataset folder; row skipped"));
                return null;
            }
            resolved.put(filename, image);
            int width = size(row, c.width(), "width", csv.path(), sink);
            int height = size(row, c.height(), "height", csv.path(), sink);
            sink.image(new ImageRef(image, csv.split(), width, height));
        }
        Integer classId = classes.ids().get(className);
        if (classId == null) {
            sink.problem(Problem.of(ProblemKind.UNKNOWN_CLASS, csv.path(), "line " + row.line(), "class '"
                    + className + "' is not in " + (classes.source() == null ? "the class list" : classes.source())
                    + " (" + classes.labels().size() + " classes); row skipped"));
            return null;
        }
        Map<String, String> attributes = Map.of();
        if (!c.extras().isEmpty()) {
            attributes = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : c.extras().entrySet()) {
                String value = row.get(e.getValue()).strip();
                if (!value.isEmpty()) {
                    attributes.put(e.getKey(), value);
                }
            }
        }
        sink.annotation(new Annotation(image, classId, VocFormat.toPixels(xmin, ymin, xmax, ymax), List.of(),
                false, attributes));
        return null;
    }

    private static String resolve(FileListing files, CsvFile csv, String filename) {
        return resolve(files, csv.folders(), csv.defaultFolder(), filename);
    }

    /**
     * Where a written image name points: the first lookup folder holding it, else {@code defaultFolder} (see
     * {@link #defaultFolder}); null when it escapes the dataset or is absolute.
     */
    static String resolve(FileListing files, List<String> folders, String defaultFolder, String name) {
        for (String folder : folders) {
            String p = DatasetPaths.resolve(folder, name);
            if (p != null && files.contains(p)) {
                return p;
            }
        }
        return DatasetPaths.resolve(defaultFolder, name);
    }

    private static double number(CsvRows.Row row, int column, String name, List<String> bad) {
        String text = row.get(column).strip();
        if (text.isEmpty()) {
            bad.add(name + " is empty");
            return Double.NaN;
        }
        if (!NUMBER.matcher(text).matches()) {
            bad.add(name + " is '" + text + "'");
            return Double.NaN;
        }
        return Double.parseDouble(text);
    }

    /** A declared width or height: 0 when the column is absent; reported and 0 when not a whole number. */
    private static int size(CsvRows.Row row, int column, String name, String csv, DatasetSink sink) {
        if (column < 0) {
            return 0;
        }
        String text = row.get(column).strip();
        if (NUMBER.matcher(text).matches()) {
            double v = Double.parseDouble(text);
            if (v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v)) {
                return (int) v;
            }
        }
        sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, csv, "line " + row.line(), name + " is '" + text
                + "'; expected a whole number of pixels (the box is kept, the image's size is read from its file)"));
        return 0;
    }

    private static String join(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }
}
