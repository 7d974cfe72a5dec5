package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * COCO detection results ({@code loadRes} input, what detectron2, mmdetection and the COCO evaluation tools
 * write): a JSON array of {@code {"image_id", "category_id", "bbox": [x, y, w, h], "score"}}. A results file
 * names images and classes only by id, so it is read together with the COCO annotation file that defines them.
 *
 * <p><b>Layout.</b> Results files are the {@code .json} files whose top level is an array whose first element
 * has {@code image_id}, {@code category_id} and {@code bbox}, anywhere in the dataset (COCO's own names are
 * {@code instances_val2014_fakebbox100_results.json}; detectron2 writes {@code coco_instances_results.json},
 * mmdetection {@code results.bbox.json}). The <em>companions</em> are the COCO files {@link CocoFormat} selects
 * in the same dataset ({@code annotations/instances_val2017.json}): their {@code images} (paths found as the
 * COCO reader finds them, see {@link CocoReader#bases}; with the split of the file) are the dataset's images and
 * their {@code categories} its classes; their own annotations are <em>not</em> read. A results file whose name
 * contains a companion's split as written ({@code val2017}) is paired with that companion only; otherwise with
 * all companions, an image id defined by two of them going to the first (in path order).
 *
 * <p><b>Records.</b> {@code bbox} is COCO's top-left corner and size in pixels, taken as it is; {@code score}
 * becomes the attribute {@code "score"} as written. A {@code segmentation} is kept as the COCO reader keeps it:
 * polygons, or an RLE mask (compressed or uncompressed counts) in the {@link CocoRle} attributes; a result with a
 * mask but no {@code bbox} gets the mask's bounds. A record without a usable {@code image_id},
 * {@code category_id} or four-number {@code bbox} (keypoint-only results among them) is
 * reported ({@code MALFORMED_ANNOTATION} at its JSON pointer) and skipped; one for an image id no companion
 * defines is reported ({@code ORPHAN_ANNOTATION}); an unknown category id is kept and left to the indexer. At
 * most {@value #MAX_LISTED_PROBLEMS} problems a file are listed.
 *
 * <p><b>Detection.</b> A folder with results always holds a COCO file too, and a user pointing Loupe at it
 * most likely means the ground truth: the probe gives 0.7, below the COCO format's own confidence, and
 * {@code --format coco-results} shows the detections. Each results file is one {@link Unit}; its key carries a
 * checksum of the image ids and paths and the classes of its companions, which are parsed (images and categories
 * only) on every read. Stateless and thread-safe.
 */
public final class CocoResultsFormat implements DatasetFormat {

    static final int MAX_LISTED_PROBLEMS = 20;
    private static final int PROBE_BYTES = 16 * 1024;
    private static final int PROBE_FILES = 16;
    private static final Pattern WORDS = Pattern.compile("[^A-Za-z0-9]+");

    @Override
    public String id() {
        return "coco-results";
    }

    @Override
    public String displayName() {
        return "COCO results JSON";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        List<String> results = resultsFiles(files, root, PROBE_FILES);
        if (results.isEmpty()) {
            return Support.none("no .json file is an array of {image_id, category_id, bbox} records");
        }
        List<CocoFormat.CocoFile> companions = companions(files, root, results);
        if (companions.isEmpty()) {
            return Support.none(results.get(0) + " holds COCO results, but no COCO annotation file defines their"
                    + " images and categories");
        }
        return new Support(0.7, results.get(0) + " holds COCO results for the images of "
                + companions.get(0).path() + " (the COCO format reads the ground truth itself)");
    }

    @Override
    public DatasetReader reader() {
        return CocoResultsFormat::read;
    }

    // ---------------------------------------------------------------- layout

    /** The JSON files that start like a results array; at most {@code limit} files are peeked. */
    private static List<String> resultsFiles(FileListing files, Path root, int limit) {
        List<String> result = new ArrayList<>();
        int peeked = 0;
        for (String p : files.withExtension("json")) {
            if (ClassFoldersFormat.isHidden(p)) {
                continue;
            }
            if (peeked++ == limit) {
                break;
            }
            if (isResults(root.resolve(p))) {
                result.add(p);
            }
        }
        return result;
    }

    /** True when the file's top level is an array whose first element has image_id, category_id and bbox. */
    static boolean isResults(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PROBE_BYTES);
        } catch (IOException e) {
            return false;
        }
        Set<String> keys = new HashSet<>();
        try (JsonParser p = CocoReader.JSON.createParser(head, 0, head.length)) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            // the end of the peeked head: judge by the keys seen
        }
        return keys.contains("image_id") && keys.contains("category_id") && keys.contains("bbox");
    }

    /** The COCO files of the dataset, minus results files the COCO format would take by their name. */
    private static List<CocoFormat.CocoFile> companions(FileListing files, Path root, List<String> results) {
        List<CocoFormat.CocoFile> result = new ArrayList<>();
        for (CocoFormat.CocoFile f : CocoFormat.select(files, root)) {
            if (!results.contains(f.path()) && !isResults(root.resolve(f.path()))) {
                result.add(f);
            }
        }
        return result;
    }

    /** The companions a results file belongs to: the one whose split its name contains, else all. */
    private static List<CocoFormat.CocoFile> pair(String results, List<CocoFormat.CocoFile> companions) {
        Set<String> words = new HashSet<>();
        for (String w : WORDS.split(DatasetPaths.stripExtension(DatasetPaths.fileName(results)))) {
            words.add(w.toLowerCase(Locale.ROOT));
        }
        List<CocoFormat.CocoFile> matching = new ArrayList<>();
        for (CocoFormat.CocoFile c : companions) {
            if (c.rawSplit() != null && words.contains(c.rawSplit().toLowerCase(Locale.ROOT))) {
                matching.add(c);
            }
        }
        return matching.isEmpty() ? companions : matching;
    }

    // ---------------------------------------------------------------- companions

    /** What a companion defines: image id (Long or String) to path, in file order. */
    private record Companion(String path, Map<Object, String> images) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        List<String> results = resultsFiles(files, ctx.root(), Integer.MAX_VALUE);
        List<CocoFormat.CocoFile> cocoFiles = companions(files, ctx.root(), results);
        if (cocoFiles.isEmpty()) {
            sink.problem(Problem.of(ProblemKind.OTHER, "", results.isEmpty()
                    ? "no COCO results file found: no .json file is an array of {image_id, category_id, bbox}"
                    : "no COCO annotation file defines the images and categories of " + results.get(0)
                            + "; results are not read"));
            return;
        }
        Map<String, Companion> byPath = new LinkedHashMap<>();
        for (CocoFormat.CocoFile c : cocoFiles) {
            ctx.progress().checkCancelled();
            byPath.put(c.path(), readCompanion(ctx, c));
        }

        Map<String, List<Companion>> pairs = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (String r : results) {
            List<Companion> paired = new ArrayList<>();
            UnitChecksum checksum = new UnitChecksum();
            for (CocoFormat.CocoFile c : pair(r, cocoFiles)) {
                Companion companion = byPath.get(c.path());
                paired.add(companion);
                checksum.add(companion.path());
                for (Map.Entry<Object, String> e : companion.images().entrySet()) {
                    checksum.add(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
            String key = r + "#" + checksum.hex();
            units.add(new Unit(key, List.of(r)));
            pairs.put(key, paired);
        }
        ctx.parseUnits(units, (unit, unitSink) ->
                parseResults(ctx, unit.files().get(0), pairs.get(unit.key()), unitSink));
    }

    /**
     * Reads a companion's images and categories (declaring them) and skips its annotations. Image paths are
     * resolved against {@link CocoReader#bases}: the first folder holding the file, else the folder holding the
     * most of the companion's images (so a missing image is declared where its siblings are).
     */
    private static Companion readCompanion(ReadContext ctx, CocoFormat.CocoFile c) {
        DatasetSink sink = ctx.sink();
        Map<Object, String> names = new LinkedHashMap<>();
        Map<Object, int[]> sizes = new HashMap<>();
        ListedProblems problems = new ListedProblems(c.path(), sink, MAX_LISTED_PROBLEMS);
        try (InputStream in = Files.newInputStream(ctx.root().resolve(c.path()));
             JsonParser p = CocoReader.JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, "", "expected a COCO JSON object");
                return new Companion(c.path(), Map.of());
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("images") && value == JsonToken.START_ARRAY) {
                    readImages(p, names, sizes, problems);
                } else if (field.equals("categories") && value == JsonToken.START_ARRAY) {
                    readCategories(p, sink, problems);
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonParseException e) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, JsonValues.location(e.getLocation()),
                    "malformed JSON: " + e.getOriginalMessage() + "; what came before was read");
        } catch (IOException e) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, "", "cannot read: " + e.getMessage());
        }
        problems.summarise();

        String[] bases = CocoReader.bases(c.path(), c.rawSplit(), c.split());
        int[] hits = new int[bases.length];
        Map<Object, String> found = new LinkedHashMap<>();
        for (Map.Entry<Object, String> e : names.entrySet()) {
            for (int i = 0; i < bases.length; i++) {
                String path = DatasetPaths.resolve(bases[i], e.getValue());
                if (path != null && ctx.files().contains(path)) {
                    found.put(e.getKey(), path);
                    hits[i]++;
                    break;
                }
            }
        }
        int best = 0;
        for (int i = 1; i < bases.length; i++) {
            best = hits[i] > hits[best] ? i : best;
        }
        Map<Object, String> images = new LinkedHashMap<>();
        for (Map.Entry<Object, String> e : names.entrySet()) {
            String path = found.containsKey(e.getKey()) ? found.get(e.getKey())
                    : DatasetPaths.resolve(bases[best], e.getValue());
            if (path == null) {
                sink.problem(Problem.of(ProblemKind.PATH_ESCAPES_ROOT, c.path(), "", "file_name '" + e.getValue()
                        + "' of image " + e.getKey() + " points outside the dataset root; its results are skipped"));
                continue;
            }
            images.put(e.getKey(), path);
            int[] size = sizes.get(e.getKey());
            sink.image(new ImageRef(path, c.split(), size[0], size[1]));
        }
        return new Companion(c.path(), images);
    }

    private static void readImages(JsonParser p, Map<Object, String> names, Map<Object, int[]> sizes,
                                   ListedProblems problems) throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            String pointer = "/images/" + index++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "expected an image object");
                continue;
            }
            CocoReader.ImageEntry image = CocoReader.ImageEntry.read(p);
            if (image.id() == null || image.fileName() == null || image.fileName().isBlank()) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer,
                        "image without a usable id and file_name; results for it cannot be placed");
            } else if (names.putIfAbsent(image.id(), image.fileName()) == null) {
                sizes.put(image.id(), new int[] {image.width(), image.height()});
            }
        }
    }

    private static void readCategories(JsonParser p, DatasetSink sink, ListedProblems problems)
            throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            String pointer = "/categories/" + index++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "expected a category object");
                continue;
            }
            Long id = null;
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = JsonValues.longValue(p, value);
                    case "name" -> {
                        name = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (id == null || id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "category without a usable id");
            } else {
                sink.classLabel(new ClassLabel(id.intValue(), name == null ? String.valueOf(id) : name));
            }
        }
    }

    // ---------------------------------------------------------------- results

    private static void parseResults(ReadContext ctx, String path, List<Companion> companions, DatasetSink sink) {
        ListedProblems problems = new ListedProblems(path, sink, MAX_LISTED_PROBLEMS);
        int orphans = 0;
        Object firstOrphan = null;
        try (InputStream in = Files.newInputStream(ctx.root().resolve(path));
             JsonParser p = CocoReader.JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, "", "expected a JSON array of results");
                return;
            }
            int index = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                String pointer = "/" + index++;
                if (index % 8192 == 0) {
                    ctx.progress().checkCancelled();
                }
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "expected a result object");
                    continue;
                }
                Object imageId = null;
                Long categoryId = null;
                double[] bbox = null;
                String score = null;
                boolean badBbox = false;
                Segmentation segmentation = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "image_id" -> imageId = JsonValues.idValue(p, value);
                        case "category_id" -> categoryId = JsonValues.longValue(p, value);
                        case "bbox" -> {
                            bbox = bbox(p, value);
                            badBbox = bbox == null;
                        }
                        case "score" -> {
                            score = value.isScalarValue() ? p.getText() : null;
                            p.skipChildren();
                        }
                        case "segmentation" -> segmentation = segmentation(p, value, pointer + "/segmentation", problems);
                        default -> p.skipChildren();
                    }
                }
                if (bbox == null && !badBbox && segmentation != null && segmentation.bounds() != null) {
                    // A segmentation result without a box (some tools write only the mask): the mask's bounds.
                    BoundingBox b = segmentation.bounds();
                    bbox = new double[] {b.x(), b.y(), b.width(), b.height()};
                }
                if (imageId == null || categoryId == null || bbox == null
                        || categoryId < Integer.MIN_VALUE || categoryId > Integer.MAX_VALUE) {
                    List<String> missing = new ArrayList<>();
                    if (imageId == null) {
                        missing.add("image_id");
                    }
                    if (categoryId == null || categoryId < Integer.MIN_VALUE || categoryId > Integer.MAX_VALUE) {
                        missing.add("category_id");
                    }
                    if (bbox == null) {
                        missing.add(badBbox ? "bbox (not four numbers)" : "bbox");
                    }
                    problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "result without a usable "
                            + String.join(", ", missing) + "; expected {\"image_id\", \"category_id\", \"bbox\": "
                            + "[x, y, w, h], \"score\"}; skipped");
                    continue;
                }
                String image = null;
                for (Companion c : companions) {
                    image = c.images().get(imageId);
                    if (image != null) {
                        break;
                    }
                }
                if (image == null) {
                    orphans++;
                    firstOrphan = firstOrphan == null ? imageId : firstOrphan;
                    continue;
                }
                Map<String, String> attributes = new HashMap<>();
                if (score != null) {
                    attributes.put("score", score);
                }
                List<Polygon> polygons = List.of();
                if (segmentation != null) {
                    polygons = segmentation.polygons();
                    if (segmentation.rleAttribute() != null) {
                        attributes.put(CocoRle.SOURCE_FORM, segmentation.sourceForm());
                        attributes.put(CocoRle.ATTRIBUTE, segmentation.rleAttribute());
                    }
                }
                sink.annotation(new Annotation(image, categoryId.intValue(),
                        new BoundingBox(bbox[0], bbox[1], bbox[2], bbox[3]), polygons, false, attributes));
            }
        } catch (JsonParseException e) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, JsonValues.location(e.getLocation()),
                    "malformed JSON: " + e.getOriginalMessage() + "; the results before this point were read");
        } catch (IOException e) {
            problems.addReadFailure(e);
        }
        if (orphans > 0) {
            List<String> names = new ArrayList<>();
            companions.forEach(c -> names.add(c.path()));
            sink.problem(Problem.of(ProblemKind.ORPHAN_ANNOTATION, path, "", orphans
                    + (orphans == 1 ? " result is" : " results are") + " for image ids that "
                    + String.join(", ", names) + " does not define (the first: " + firstOrphan + "); skipped"));
        }
        problems.summarise();
    }

    /** A result's mask: polygons, or an RLE kept as COCO's reader keeps it (see {@link CocoRle}). */
    private record Segmentation(List<Polygon> polygons, String rleAttribute, String sourceForm, BoundingBox bounds) {
    }

    /**
     * Reads a {@code segmentation}: a list of flat polygons, or an RLE object with compressed (string) or
     * uncompressed (list) counts. Null, with a problem, when it is neither; the result keeps its box.
     */
    private static Segmentation segmentation(JsonParser p, JsonToken value, String pointer, ListedProblems problems)
            throws IOException {
        if (value == JsonToken.START_ARRAY) {
            List<Polygon> polygons = new ArrayList<>();
            JsonToken t;
            boolean ok = true;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                double[] points = t == JsonToken.START_ARRAY ? numbers(p) : null;
                if (points == null || points.length % 2 != 0) {
                    ok = false;
                    if (t != JsonToken.START_ARRAY) {
                        p.skipChildren();
                    }
                } else if (points.length > 0) {
                    polygons.add(new Polygon(points));
                }
            }
            if (!ok) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "segmentation has a polygon that is not a list"
                        + " of x, y numbers; expected [[x0, y0, x1, y1, ...], ...]; that polygon is skipped");
            }
            BoundingBox bounds = polygons.isEmpty() ? null : Polygon.boundsOf(polygons);
            return new Segmentation(List.copyOf(polygons), null, null, bounds);
        }
        if (value != JsonToken.START_OBJECT) {
            if (value != JsonToken.VALUE_NULL) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "segmentation is "
                        + JsonValues.describe(value, p) + "; expected a list of polygons or an RLE object");
            }
            p.skipChildren();
            return null;
        }
        double[] size = null;
        double[] counts = null;
        String text = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("size") && v == JsonToken.START_ARRAY) {
                size = numbers(p);
            } else if (field.equals("counts") && v == JsonToken.VALUE_STRING) {
                text = p.getText();
            } else if (field.equals("counts") && v == JsonToken.START_ARRAY) {
                counts = numbers(p);
            } else {
                p.skipChildren();
            }
        }
        String bad;
        if (size == null || size.length != 2 || size[0] != (int) size[0] || size[1] != (int) size[1]
                || (text == null && counts == null)) {
            bad = "it needs \"size\": [height, width] and \"counts\" (a string or a list of integers)";
        } else {
            try {
                int h = (int) size[0], w = (int) size[1];
                CocoRle rle;
                String compressed;
                if (text != null) {
                    rle = CocoRle.fromString(h, w, text);
                    compressed = text;
                } else {
                    long[] runs = new long[counts.length];
                    for (int i = 0; i < runs.length; i++) {
                        if (counts[i] != Math.rint(counts[i])) {
                            throw new IllegalArgumentException("counts has a value that is not an integer");
                        }
                        runs[i] = (long) counts[i];
                    }
                    rle = new CocoRle(h, w, runs);
                    compressed = rle.toCompressedString();
                }
                return new Segmentation(List.of(), CocoRle.toAttribute(h, w, compressed),
                        text != null ? CocoRle.COMPRESSED : CocoRle.UNCOMPRESSED, rle.bounds());
            } catch (IllegalArgumentException e) {
                bad = e.getMessage();
            }
        }
        problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "RLE segmentation is malformed: " + bad
                + "; the mask is dropped (the bbox is kept when there is one)");
        return null;
    }

    /** The numbers of an array up to its closing bracket; null when something else was in it (consumed). */
    private static double[] numbers(JsonParser p) throws IOException {
        DoubleBuffer values = new DoubleBuffer();
        boolean ok = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t.isNumeric() && Double.isFinite(p.getDoubleValue())) {
                values.add(p.getDoubleValue());
            } else {
                ok = false;
                p.skipChildren();
            }
        }
        return ok ? java.util.Arrays.copyOf(values.values, values.size) : null;
    }

    /** A bbox of four finite numbers, or null (the value is consumed either way). */
    private static double[] bbox(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        double[] v = new double[4];
        int n = 0;
        boolean ok = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t.isNumeric() && n < 4 && Double.isFinite(p.getDoubleValue())) {
                v[n++] = p.getDoubleValue();
            } else {
                ok = false;
                p.skipChildren();
            }
        }
        return ok && n == 4 ? v : null;
    }
}
