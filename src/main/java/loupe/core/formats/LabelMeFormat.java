package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

/**
 * LabelMe JSON (wkentaro/labelme, and tools writing its format such as X-AnyLabeling): one JSON file per
 * image, with {@code shapes}, {@code imagePath}, {@code imageWidth}, {@code imageHeight}, optionally the image
 * itself as base64 {@code imageData}, and image-level {@code flags}.
 *
 * <p><b>Which files.</b> Every {@code .json} file whose top level is an object with a {@code shapes} array or
 * an {@code imagePath} string (and no COCO {@code images}, {@code annotations} or {@code categories} array
 * before them) is a LabelMe file; other JSON files (COCO exports, configs) are ignored. A malformed JSON file
 * that breaks off before that can be told is read as LabelMe, and reported, when an image with its name sits
 * beside it or its folder holds LabelMe files. Hidden files and {@code __MACOSX} are ignored.
 *
 * <p><b>Image of a file.</b> {@code imagePath} is resolved against the JSON's folder ({@code ..} into a
 * sibling folder is fine). When it does not name an existing image (labelme's tutorial file names itself; a
 * moved dataset names {@code .png} where a {@code .jpg} is), the image in the JSON's folder named like the JSON
 * (its <em>stem</em>) is used, with a warning when {@code imagePath} named another image. When there is none
 * and the file holds {@code imageData}, the image exists only inside the JSON: it is declared at the JSON's
 * own path with {@code imageWidth} x {@code imageHeight} and an INFO problem (the indexer reads no header from
 * a {@code .json} and finds the file present, so this reports no missing image). Otherwise the path
 * {@code imagePath} names is declared, and the indexer reports it missing. An {@code imagePath} escaping the
 * dataset root (or absolute) is reported ({@code PATH_ESCAPES_ROOT}); the stem image or {@code imageData} is
 * used when there is one (and the problem is a warning), else the file is skipped (an error). Every image in
 * a folder holding LabelMe files or one of their images is declared (unannotated images are reported by the
 * indexer). The split is the nearest {@code train/}, {@code val/}, {@code test/}... folder above the image, or
 * none.
 *
 * <p><b>Shapes.</b> Coordinates are pixels, origin top left, as in {@link BoundingBox}; nothing is converted.
 * {@code rectangle}: the box of its (2) corner points. {@code polygon} (also a missing {@code shape_type}, as
 * labelme reads it): the polygon and its bounds as box. {@code circle}: centre and a point on the circle give
 * the box of the circle, no polygon. {@code line}, {@code linestrip}, {@code point}, {@code points}: the
 * bounds of the points (a point or a horizontal line gives a zero-size box, kept as read; the indexer reports
 * it). {@code mask}: the box of its 2 corner points (the base64 mask is not decoded), or no box when it has no
 * points. Shape types other than rectangle and polygon are kept in attribute {@code shape_type}; an unknown
 * type gets the bounds of its points and a warning. {@code group_id} becomes attribute {@code group_id} (unlike
 * labelme2coco, shapes of one group are not merged into one instance), a shape's {@code flags} become
 * {@code flag.<name>} = {@code true}/{@code false}, a non-empty {@code description} becomes
 * {@code description}, other scalar fields (X-AnyLabeling's {@code difficult}, {@code score}) keep their name.
 * A shape without a label, with points that are not {@code [x, y]} numbers or with too few points for its type
 * (rectangle 2, polygon 3, circle 2, line 2, point 1, mask 0 or 2) is reported ({@code MALFORMED_ANNOTATION}, JSON pointer
 * {@code /shapes/N}) and skipped; malformed JSON is reported with its line and column, the shapes before the
 * error are kept.
 *
 * <p><b>Image-level flags.</b> labelme's classification example ({@code labelme --flags flags.txt}) labels
 * whole images with flags. A flag that is {@code true} on an image becomes an image-level label (no box) of
 * the class of that name; {@code false} flags are nothing. (A dataset that uses image flags as attributes,
 * {@code blurry}, gets them as classes too; the model has no image attributes.)
 *
 * <p><b>Class ids.</b> LabelMe names classes and has no ids. Shape classes are the names of
 * {@code labels.txt} (or {@code class_names.txt}) in the dataset root, in file order, when there is one, else
 * all shape labels sorted by {@link String#compareTo}; flag classes likewise come from {@code flags.txt}, else
 * all image flag names, sorted. Ids are 0.. over the shape classes and then the flag classes not already
 * among them. labelme's reserved names {@code __ignore__} and {@code _background_} (the first lines of its
 * label files) are never classes: shapes labelled so are labelme's ignore regions and are skipped, with an
 * INFO problem per file. With a list file, a label not in it is reported ({@code UNKNOWN_CLASS}) and skipped.
 * The class list needs the whole dataset, and so does the image of a file (which files exist), so the reader
 * first scans every LabelMe file (in parallel), and each unit's key is the JSON's path, {@code #}, and a
 * checksum of the class list and the image resolved: when either changes, the unit is parsed again. A unit's
 * files are the JSON and its image.
 *
 * <p><b>Mixed folders.</b> labelme's {@code examples/} hold the LabelMe sources ({@code data_annotated/})
 * next to labelme's own VOC and COCO exports ({@code data_dataset_voc/}, {@code data_dataset_coco/}). A user
 * pointing Loupe at such a folder means the sources, so the probe (0.92) beats a COCO file or VOC devkit
 * in a sub-folder (0.9, 0.85). When COCO files sit in the same folder as the LabelMe files (sahi's
 * {@code coco_utils}), the LabelMe files are twins of the COCO dataset the folder is about, and the probe
 * says 0.6 so COCO wins. Stateless and thread-safe.
 */
public final class LabelMeFormat implements DatasetFormat {

    /** labelme's reserved names: never classes; shapes so labelled are ignore regions. */
    static final Set<String> RESERVED = Set.of("__ignore__", "_background_");

    private static final int PROBE_SAMPLES = 5;
    private static final int PROBE_BYTES = 8192;
    private static final double CONFIDENCE = 0.92;
    private static final double TWIN_CONFIDENCE = 0.6;
    private static final List<String> SHAPE_LIST_FILES = List.of("labels.txt", "class_names.txt");
    private static final String FLAG_LIST_FILE = "flags.txt";

    @Override
    public String id() {
        return "labelme";
    }

    @Override
    public String displayName() {
        return "LabelMe JSON";
    }

    /** Writes labelme's layout: a JSON beside each image, and labels.txt; see {@link LabelMeWriter}. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new LabelMeWriter());
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Support probe(FileListing files, Path root) {
        List<String> jsons = jsonFiles(files);
        if (jsons.isEmpty()) {
            return Support.none("no .json files");
        }
        Set<String> imageStems = new HashSet<>();
        for (String p : files.images()) {
            if (!ClassFoldersFormat.isHidden(p)) {
                imageStems.add(DatasetPaths.stripExtension(p));
            }
        }
        // labelme saves x.json next to x.jpg: those are the likeliest LabelMe files, so they are peeked first.
        List<String> ordered = new ArrayList<>();
        List<String> withoutImage = new ArrayList<>();
        for (String j : jsons) {
            (imageStems.contains(DatasetPaths.stripExtension(j)) ? ordered : withoutImage).add(j);
        }
        ordered.addAll(withoutImage);
        String found = null;
        int looked = Math.min(PROBE_SAMPLES, ordered.size());
        for (String j : ordered.subList(0, looked)) {
            if (peek(root, j).looksLikeLabelMe()) {
                found = j;
                break;
            }
        }
        if (found == null) {
            return Support.none("no .json file is a LabelMe file (looked at " + looked + " of " + jsons.size()
                    + "): expected an object with a \"shapes\" array of {\"label\", \"points\", \"shape_type\"}");
        }
        String folder = DatasetPaths.parent(found);
        int peeked = 0;
        for (String j : files.in(folder)) {
            if (peeked == PROBE_SAMPLES) {
                break;
            }
            if (DatasetPaths.extension(j).equals("json") && !imageStems.contains(DatasetPaths.stripExtension(j))
                    && !ClassFoldersFormat.isHidden(j)) {
                peeked++;
                if (peek(root, j).foreign()) {
                    return new Support(TWIN_CONFIDENCE, found + " is a LabelMe file, but " + j
                            + " beside it is a COCO file: the LabelMe files look like twins of a COCO dataset");
                }
            }
        }
        return new Support(CONFIDENCE, found + " is a LabelMe file (an object with a \"shapes\" array), "
                + jsons.size() + " .json files");
    }

    private static LabelMeJson.Document peek(Path root, String path) {
        try (InputStream in = Files.newInputStream(root.resolve(path))) {
            return LabelMeJson.parseHead(in.readNBytes(PROBE_BYTES));
        } catch (IOException e) {
            return LabelMeJson.parseHead(new byte[0]);
        }
    }

    // ---------------------------------------------------------------- read

    @Override
    public DatasetReader reader() {
        return LabelMeFormat::read;
    }

    /** What the scan learned of one JSON file. */
    private record Summary(boolean labelMe, boolean malformed, String imagePath, boolean hasImageData,
                           Set<String> labels, Set<String> flagNames) {

        static final Summary UNREADABLE = new Summary(false, true, null, false, Set.of(), Set.of());
    }

    /** How the image of a file was found. */
    private enum Source { IMAGE_PATH, STEM, EMBEDDED, MISSING, NONE }

    /**
     * The image of one file and what to say about how it was found.
     *
     * @param image the image path, or null when the file is skipped
     * @param split its split, or null
     * @param notes problems the unit emits about the choice
     */
    private record Target(String image, String split, Source source, List<Problem> notes) {
    }

    /**
     * The classes, with where each half came from (a list file, or null when scanned), for messages.
     */
    private record ClassList(List<String> names, String shapeSource, String flagSource) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        Map<String, Map<String, List<String>>> imagesByFolderAndStem = imagesByFolderAndStem(files);

        List<String> jsons = jsonFiles(files);
        Map<String, Summary> summaries = scan(ctx, jsons);
        Set<String> labelMeFolders = new HashSet<>();
        for (Map.Entry<String, Summary> e : summaries.entrySet()) {
            if (e.getValue().labelMe()) {
                labelMeFolders.add(DatasetPaths.parent(e.getKey()));
            }
        }
        List<String> labelMeFiles = new ArrayList<>();
        for (String j : jsons) {
            Summary s = summaries.get(j);
            String folder = DatasetPaths.parent(j);
            if (s.labelMe() || (s.malformed() && (labelMeFolders.contains(folder)
                    || !stemImages(imagesByFolderAndStem, j).isEmpty()))) {
                labelMeFiles.add(j);
            }
        }
        if (labelMeFiles.isEmpty()) {
            sink.problem(Problem.of(ProblemKind.OTHER, "",
                    "no LabelMe file found: no .json file is an object with a \"shapes\" array"));
            return;
        }

        ClassList classes = classList(ctx, labelMeFiles, summaries);
        Map<String, Integer> classIds = new HashMap<>();
        for (String name : classes.names()) {
            if (classIds.putIfAbsent(name, classIds.size()) == null) {
                sink.classLabel(new ClassLabel(classIds.get(name), name));
            }
        }

        Map<String, Target> targetOfJson = new LinkedHashMap<>();
        Set<String> imageFolders = new TreeSet<>();
        for (String j : labelMeFiles) {
            ctx.progress().checkCancelled();
            Target t = resolve(files, j, summaries.get(j), imagesByFolderAndStem);
            targetOfJson.put(j, t);
            imageFolders.add(DatasetPaths.parent(j));
            if (t.source() == Source.IMAGE_PATH) {
                imageFolders.add(DatasetPaths.parent(t.image()));
            }
        }
        for (String folder : imageFolders) {
            for (String p : files.in(folder)) {
                if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                    sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                }
            }
        }

        String classDigest = classes.shapeSource() + "\0" + classes.flagSource() + "\0"
                + String.join("\n", classes.names());
        Map<String, Target> targetOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (Map.Entry<String, Target> e : targetOfJson.entrySet()) {
            String json = e.getKey();
            Target t = e.getValue();
            List<String> unitFiles = new ArrayList<>();
            unitFiles.add(json);
            if (t.image() != null && !t.image().equals(json)) {
                unitFiles.add(t.image());
            }
            String key = json + "#" + checksum(classDigest, t);
            units.add(new Unit(key, unitFiles));
            targetOfUnit.put(key, t);
        }
        ctx.parseUnits(units, (unit, unitSink) ->
                parseUnit(ctx.root(), unit, targetOfUnit.get(unit.key()), classIds, classes, unitSink));
    }

    private static List<String> jsonFiles(FileListing files) {
        List<String> jsons = new ArrayList<>();
        for (String p : files.withExtension("json")) {
            if (!ClassFoldersFormat.isHidden(p)) {
                jsons.add(p);
            }
        }
        return jsons;
    }

    /**
     * Reads every JSON file once for its labels, flags and {@code imagePath}. Parallel: it is I/O-bound.
     * NOTE: this runs on every index, also when no unit changed, because class ids and images depend on all
     * files; the units then save the catalog work, not the reading.
     */
    private static Map<String, Summary> scan(ReadContext ctx, List<String> jsons) {
        Map<String, Summary> result = new ConcurrentHashMap<>();
        jsons.parallelStream().forEach(j -> {
            ctx.progress().checkCancelled();
            result.put(j, summarise(ctx.root().resolve(j)));
        });
        return result;
    }

    private static Summary summarise(Path file) {
        LabelMeJson.Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = LabelMeJson.parse(in);
        } catch (IOException e) {
            // the unit reads the file again and reports what is wrong with it
            return Summary.UNREADABLE;
        }
        boolean labelMe = doc.isLabelMe();
        boolean malformed = doc.error() != null && !labelMe && !doc.foreign();
        if (!labelMe) {
            return new Summary(false, malformed, null, false, Set.of(), Set.of());
        }
        Set<String> labels = new HashSet<>();
        for (LabelMeJson.Shape s : doc.shapes()) {
            if (s.label() != null && !s.label().isEmpty() && !RESERVED.contains(s.label())) {
                labels.add(s.label());
            }
        }
        Set<String> flagNames = new HashSet<>(doc.flags().keySet());
        flagNames.removeAll(RESERVED);
        return new Summary(true, doc.error() != null, doc.imagePath(), doc.hasImageData(), labels, flagNames);
    }

    // ---------------------------------------------------------------- images

    private static Map<String, Map<String, List<String>>> imagesByFolderAndStem(FileListing files) {
        Map<String, Map<String, List<String>>> result = new HashMap<>();
        for (String p : files.images()) {
            if (!ClassFoldersFormat.isHidden(p)) {
                result.computeIfAbsent(DatasetPaths.parent(p), k -> new HashMap<>())
                        .computeIfAbsent(stem(p), k -> new ArrayList<>()).add(p);
            }
        }
        for (Map<String, List<String>> byStem : result.values()) {
            for (List<String> candidates : byStem.values()) {
                candidates.sort(LabelMeFormat::compareByExtensionPreference);
            }
        }
        return result;
    }

    private static List<String> stemImages(Map<String, Map<String, List<String>>> imagesByFolderAndStem,
                                           String json) {
        return imagesByFolderAndStem.getOrDefault(DatasetPaths.parent(json), Map.of())
                .getOrDefault(stem(json), List.of());
    }

    /** jpg before jpeg before png before the rest, then by name. */
    private static int compareByExtensionPreference(String a, String b) {
        int c = Integer.compare(extensionRank(a), extensionRank(b));
        return c != 0 ? c : a.compareTo(b);
    }

    private static int extensionRank(String path) {
        return switch (DatasetPaths.extension(path)) {
            case "jpg" -> 0;
            case "jpeg" -> 1;
            case "png" -> 2;
            default -> 3;
        };
    }

    private static Target resolve(FileListing files, String json, Summary s,
                                  Map<String, Map<String, List<String>>> imagesByFolderAndStem) {
        String imagePath = s.imagePath() == null || s.imagePath().isBlank() ? null : s.imagePath();
        String named = imagePath == null ? null : DatasetPaths.resolve(DatasetPaths.parent(json), imagePath);
        boolean escapes = imagePath != null && named == null;
        if (named != null && DatasetPaths.isImage(named) && files.contains(named)) {
            return target(named, Source.IMAGE_PATH, List.of());
        }
        List<Problem> notes = new ArrayList<>();
        if (escapes) {
            notes.add(Problem.of(ProblemKind.PATH_ESCAPES_ROOT, json, "/imagePath", "imagePath '" + imagePath
                    + "' points outside the dataset folder"));
        }
        List<String> stemImages = stemImages(imagesByFolderAndStem, json);
        if (!stemImages.isEmpty()) {
            String chosen = stemImages.get(0);
            String ext = named == null ? "" : DatasetPaths.extension(named);
            for (String candidate : stemImages) {
                if (DatasetPaths.extension(candidate).equals(ext)) {
                    chosen = candidate;
                    break;
                }
            }
            if (escapes) {
                // A warning, not an error: nothing is lost (old labelme versions wrote absolute paths).
                notes.set(0, new Problem(Severity.WARNING, ProblemKind.PATH_ESCAPES_ROOT, json, "/imagePath",
                        "imagePath '" + imagePath + "' points outside the dataset folder; using '" + chosen
                                + "', the image named like this file"));
            } else if (named != null && DatasetPaths.isImage(named)) {
                notes.add(Problem.of(ProblemKind.OTHER, json, "/imagePath", "imagePath '" + imagePath
                        + "' does not exist; using '" + chosen + "', the image named like this file"));
            }
            return target(chosen, Source.STEM, notes);
        }
        if (s.hasImageData()) {
            notes.add(new Problem(Severity.INFO, ProblemKind.OTHER, json, "/imageData",
                    "image is embedded in the JSON (imageData)"
                            + (imagePath == null || escapes ? "" : "; imagePath '" + imagePath + "' names no image")
                            + "; the JSON itself is declared as the image"));
            return target(json, Source.EMBEDDED, notes);
        }
        if (escapes) {
            notes.set(0, Problem.of(ProblemKind.PATH_ESCAPES_ROOT, json, "/imagePath", "imagePath '" + imagePath
                    + "' points outside the dataset folder and no image is named like this file; file skipped"));
            return target(null, Source.NONE, notes);
        }
        if (named == null || (files.contains(named) && !DatasetPaths.isImage(named))) {
            notes.add(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, "/imagePath",
                    (named == null ? "no imagePath" : "imagePath '" + imagePath + "' is not an image")
                            + ", no image named like this file and no imageData; file skipped"));
            return target(null, Source.NONE, notes);
        }
        // Not there: declared anyway, so the indexer reports it missing.
        return target(named, Source.MISSING, notes);
    }

    private static Target target(String image, Source source, List<Problem> notes) {
        return new Target(image, image == null ? null : ClassFoldersFormat.splitOfPath(image), source,
                List.copyOf(notes));
    }

    private static String stem(String path) {
        return DatasetPaths.stripExtension(DatasetPaths.fileName(path));
    }

    // ---------------------------------------------------------------- classes

    private static ClassList classList(ReadContext ctx, List<String> labelMeFiles, Map<String, Summary> summaries) {
        String shapeSource = null;
        List<String> shapeNames = null;
        for (String file : SHAPE_LIST_FILES) {
            if (ctx.files().contains(file)) {
                shapeSource = file;
                shapeNames = readNames(ctx, file);
                break;
            }
        }
        String flagSource = ctx.files().contains(FLAG_LIST_FILE) ? FLAG_LIST_FILE : null;
        List<String> flagNames = flagSource == null ? null : readNames(ctx, flagSource);
        if (shapeNames == null || flagNames == null) {
            Set<String> labels = new TreeSet<>();
            Set<String> flags = new TreeSet<>();
            for (String j : labelMeFiles) {
                labels.addAll(summaries.get(j).labels());
                flags.addAll(summaries.get(j).flagNames());
            }
            shapeNames = shapeNames == null ? List.copyOf(labels) : shapeNames;
            flagNames = flagNames == null ? List.copyOf(flags) : flagNames;
        }
        List<String> names = new ArrayList<>(shapeNames);
        for (String f : flagNames) {
            if (!names.contains(f)) {
                names.add(f);
            }
        }
        return new ClassList(names, shapeSource, flagSource);
    }

    /** The names of a list file, one a line, without blanks, duplicates and labelme's reserved names. */
    private static List<String> readNames(ReadContext ctx, String path) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(ctx.root().resolve(path), StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !RESERVED.contains(t) && !names.contains(t)) {
                    names.add(t);
                }
            }
        } catch (CharacterCodingException e) {
            ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "not a UTF-8 text file"));
        } catch (IOException e) {
            ctx.sink().problem(ReadFailures.problem(path, e));
        }
        return names;
    }

    /** A checksum of everything besides its files that a unit's output depends on. */
    private static String checksum(String classDigest, Target t) {
        StringBuilder s = new StringBuilder(classDigest).append('\0').append(t.image()).append('\0')
                .append(t.source());
        for (Problem p : t.notes()) {
            s.append('\0').append(p.message());
        }
        return UnitChecksum.of(s.toString());
    }

    // ---------------------------------------------------------------- units

    private static void parseUnit(Path root, Unit unit, Target target, Map<String, Integer> classIds,
                                  ClassList classes, DatasetSink sink) {
        String json = unit.files().get(0);
        for (Problem note : target.notes()) {
            sink.problem(note);
        }
        LabelMeJson.Document doc;
        try (InputStream in = Files.newInputStream(root.resolve(json))) {
            doc = LabelMeJson.parse(in);
        } catch (IOException e) {
            sink.problem(ReadFailures.problem(json, e));
            return;
        }
        if (doc.error() != null) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, doc.errorLocation(),
                    "malformed JSON: " + doc.error()
                            + (doc.shapes().isEmpty() ? "" : "; the shapes before this point were read")));
        } else if (!doc.object()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, "the top level is not a JSON object;"
                    + " expected LabelMe's {\"shapes\": [...], \"imagePath\": ...}"));
        }
        for (LabelMeJson.Issue issue : doc.issues()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, issue.pointer(), issue.message()));
        }
        String image = target.image();
        if (image == null) {
            return;
        }
        sink.image(new ImageRef(image, target.split(), doc.width(), doc.height()));

        // NOTE: image flags as image-level labels follows labelme's classification example (flags.txt); labelme
        // itself gives flags no meaning, so a dataset using them as attributes gets classes of them.
        for (Map.Entry<String, Boolean> flag : doc.flags().entrySet()) {
            if (!flag.getValue() || RESERVED.contains(flag.getKey())) {
                continue;
            }
            Integer id = classIds.get(flag.getKey());
            if (id == null) {
                sink.problem(Problem.of(ProblemKind.UNKNOWN_CLASS, json, "/flags/" + flag.getKey(), "flag '"
                        + flag.getKey() + "' is not in " + classes.flagSource() + " (" + classIds.size()
                        + " classes); the image label is skipped"));
            } else {
                sink.annotation(Annotation.imageLabel(image, id));
            }
        }
        int ignored = 0;
        for (LabelMeJson.Shape shape : doc.shapes()) {
            if (shape.label() != null && RESERVED.contains(shape.label()) && shape.defect() == null) {
                ignored++;
            } else {
                emitShape(json, image, shape, classIds, classes, sink);
            }
        }
        if (ignored > 0) {
            sink.problem(new Problem(Severity.INFO, ProblemKind.OTHER, json, "", ignored + (ignored == 1
                    ? " shape is" : " shapes are") + " labelled as labelme's ignore regions (__ignore__ or"
                    + " _background_); not annotations, skipped"));
        }
    }

    /** The box, polygons and shape_type attribute of a shape, or why it cannot be used. */
    private record Geometry(BoundingBox box, List<Polygon> polygons, String shapeType, String defect,
                            String warning) {

        static Geometry defect(String message) {
            return new Geometry(null, List.of(), null, message, null);
        }
    }

    private static void emitShape(String json, String image, LabelMeJson.Shape shape, Map<String, Integer> classIds,
                                  ClassList classes, DatasetSink sink) {
        String at = "/shapes/" + shape.index();
        String named = shape.label() == null ? "shape" : "shape '" + shape.label() + "'";
        if (shape.defect() != null) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, at, named + ": " + shape.defect()
                    + "; shape skipped"));
            return;
        }
        if (shape.label() == null || shape.label().isEmpty()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, at,
                    "shape has no label; expected the class name; shape skipped"));
            return;
        }
        Geometry g = geometry(shape);
        if (g.defect() != null) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, json, at, named + ": " + g.defect()
                    + "; shape skipped"));
            return;
        }
        Integer id = classIds.get(shape.label());
        if (id == null) {
            sink.problem(Problem.of(ProblemKind.UNKNOWN_CLASS, json, at, "label '" + shape.label()
                    + "' is not in " + classes.shapeSource() + " (" + classIds.size() + " classes); shape skipped"));
            return;
        }
        if (g.warning() != null) {
            sink.problem(Problem.of(ProblemKind.OTHER, json, at, named + ": " + g.warning()));
        }
        Map<String, String> attributes = new LinkedHashMap<>(shape.extra());
        if (g.shapeType() != null) {
            attributes.put("shape_type", g.shapeType());
        }
        if (shape.groupId() != null) {
            attributes.put("group_id", shape.groupId());
        }
        if (shape.description() != null && !shape.description().isEmpty()) {
            attributes.put("description", shape.description());
        }
        for (Map.Entry<String, Boolean> flag : shape.flags().entrySet()) {
            attributes.put("flag." + flag.getKey(), String.valueOf(flag.getValue()));
        }
        sink.annotation(new Annotation(image, id, g.box(), g.polygons(), false, attributes));
    }

    private static Geometry geometry(LabelMeJson.Shape shape) {
        double[] pts = shape.points();
        int n = shape.pointCount();
        String type = shape.shapeType() == null ? "polygon" : shape.shapeType();
        switch (type) {
            case "rectangle" -> {
                return n < 2 ? Geometry.defect(count(type, n, "its 2 corners"))
                        : new Geometry(bounds(pts), List.of(), null, null, null);
            }
            case "polygon" -> {
                return n < 3 ? Geometry.defect(count(type, n, "at least 3"))
                        : new Geometry(bounds(pts), List.of(new Polygon(pts)), null, null, null);
            }
            case "circle" -> {
                if (n < 2) {
                    return Geometry.defect(count(type, n, "the centre and a point on the circle"));
                }
                double r = Math.hypot(pts[2] - pts[0], pts[3] - pts[1]);
                return new Geometry(new BoundingBox(pts[0] - r, pts[1] - r, 2 * r, 2 * r), List.of(), type, null,
                        null);
            }
            case "line", "linestrip" -> {
                return n < 2 ? Geometry.defect(count(type, n, "at least 2"))
                        : new Geometry(bounds(pts), List.of(), type, null, null);
            }
            case "point", "points" -> {
                return n < 1 ? Geometry.defect(count(type, n, "at least 1"))
                        : new Geometry(bounds(pts), List.of(), type, null, null);
            }
            case "mask" -> {
                if (n == 0) {
                    return new Geometry(null, List.of(), type, null, "mask without points, so its place in the"
                            + " image is unknown; kept as an image-level label");
                }
                return n < 2 ? Geometry.defect(count(type, n, "its 2 box corners"))
                        : new Geometry(bounds(pts), List.of(), type, null, null);
            }
            default -> {
                return n < 1 ? Geometry.defect(count("shape_type '" + type + "'", n, "at least 1"))
                        : new Geometry(bounds(pts), List.of(), type, null, "shape_type '" + type
                                + "' is not one labelme writes; its box is the bounds of its points");
            }
        }
    }

    private static String count(String type, int n, String expected) {
        return type + " has " + n + (n == 1 ? " point" : " points") + "; expected " + expected;
    }

    private static BoundingBox bounds(double[] pts) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i + 1 < pts.length; i += 2) {
            minX = Math.min(minX, pts[i]);
            maxX = Math.max(maxX, pts[i]);
            minY = Math.min(minY, pts[i + 1]);
            maxY = Math.max(maxY, pts[i + 1]);
        }
        return BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }
}
