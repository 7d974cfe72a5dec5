package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.ProblemKind;

/**
 * Apple Create ML object detection JSON: an array of
 * {@code {"image": "a.jpg", "annotations": [{"label": "cat", "coordinates": {"x", "y", "width", "height"}}]}},
 * where {@code x, y} is the <em>centre</em> of the box in pixels (Create ML's default
 * {@code MLBoundingBoxAnchor.center}, origin top left, pixel units). Apple's current documentation spells the
 * keys {@code imagefilename} and {@code annotation}; both spellings are read. Roboflow exports it as
 * {@code <split>/_annotations.createml.json}.
 *
 * <p><b>Files.</b> Every {@code .json} file whose top level is an array whose first element has an image key
 * and an annotations key is read, each as one {@link Unit}. <b>Images</b> are resolved against the JSON's
 * folder (Create ML keeps the annotation file among the images), an {@code images/} folder inside it or one
 * beside it, the first that holds the file; otherwise the image is declared in the first of those holding
 * images, so the indexer reports it missing. Images directly in that folder are declared too. A name leaving
 * the dataset is reported ({@code PATH_ESCAPES_ROOT}) and its entry skipped. <b>Splits</b> come from the file
 * name or a split folder above it, as for {@link TfodCsvFormat}. No image size is declared (the format has none).
 *
 * <p><b>Boxes:</b> {@code x - width / 2, y - height / 2, width, height}. <b>Class ids</b> are 0..N-1 over the
 * sorted ({@link String#compareTo}) labels of all files, collected in a scan before the units; unit keys carry
 * a checksum of that list and of the images in the lookup folders (see {@link VocFormat}).
 *
 * <p><b>Problems.</b> An entry or annotation without its keys, or with a coordinate that is not a number, is
 * reported ({@code MALFORMED_ANNOTATION} at its JSON pointer, "/3/annotations/1") and skipped; malformed JSON
 * is reported with its line and column, and the entries before the error are kept. At most
 * {@value #MAX_LISTED_PROBLEMS} problems a file are listed. Stateless and thread-safe.
 */
public final class CreateMlFormat implements DatasetFormat {

    static final int MAX_LISTED_PROBLEMS = 20;
    private static final int PROBE_BYTES = 16 * 1024;
    private static final int PROBE_FILES = 8;
    /** Made on first use: an ObjectMapper costs ~200 ms of class loading, which format detection need not pay. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper(CocoReader.JSON);
    }
    private static final List<String> IMAGE_KEYS = List.of("image", "imagefilename");
    private static final List<String> ANNOTATION_KEYS = List.of("annotations", "annotation");

    @Override
    public String id() {
        return "createml";
    }

    @Override
    public String displayName() {
        return "Create ML JSON";
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        List<String> jsons = jsonFiles(files);
        if (jsons.isEmpty()) {
            return Support.none("no .json files");
        }
        // Roboflow's name first, then shallow files: a dataset may hold thousands of per-image JSON sidecars.
        jsons.sort((a, b) -> Integer.compare(probePriority(a), probePriority(b)));
        int looked = Math.min(PROBE_FILES, jsons.size());
        Peek best = Peek.NONE;
        String bestPath = null;
        for (String json : jsons.subList(0, looked)) {
            Peek peek = peek(root.resolve(json));
            if (peek.ordinal() > best.ordinal()) {
                best = peek;
                bestPath = json;
            }
        }
        return switch (best) {
            case NONE -> Support.none("no .json file is an array of {image, annotations} entries (looked at "
                    + looked + " of " + jsons.size() + ")");
            case ENTRY -> new Support(0.6, bestPath + " is an array of {image, annotations} entries, but its first "
                    + "entries have no annotation to confirm Create ML's label and coordinates");
            case ANNOTATION -> new Support(0.9, bestPath + " is a Create ML array of {image, annotations} entries "
                    + "with label and coordinates");
        };
    }

    private static int probePriority(String path) {
        String name = DatasetPaths.fileName(path).toLowerCase(Locale.ROOT);
        int depth = path.length() - path.replace("/", "").length();
        return (name.contains("createml") ? 0 : name.contains("annotation") ? 100 : 200) + Math.min(depth, 99);
    }

    /** What the head of a JSON file shows, weakest first. */
    enum Peek {
        NONE,
        /** An array whose first element has an image key and an annotations array, with no annotation seen. */
        ENTRY,
        /** ... and an annotation with label and coordinates was seen. */
        ANNOTATION
    }

    /** Reads the first {@value #PROBE_BYTES} bytes of a JSON file; never throws. */
    static Peek peek(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PROBE_BYTES);
        } catch (IOException e) {
            return Peek.NONE;
        }
        Peek result = Peek.NONE;
        try (JsonParser p = CocoReader.JSON.createParser(head, 0, head.length)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return Peek.NONE;
            }
            // Look at entries until one has an annotation or the head ends.
            while (p.nextToken() == JsonToken.START_OBJECT) {
                boolean image = false, annotations = false, annotation = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (IMAGE_KEYS.contains(name) && value == JsonToken.VALUE_STRING) {
                        image = true;
                    } else if (ANNOTATION_KEYS.contains(name) && value == JsonToken.START_ARRAY) {
                        annotations = true;
                        if (p.nextToken() == JsonToken.START_OBJECT) {
                            Set<String> keys = new HashSet<>();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                keys.add(p.currentName());
                                p.nextToken();
                                p.skipChildren();
                            }
                            annotation = keys.contains("label") && keys.contains("coordinates");
                        }
                        if (p.currentToken() != JsonToken.END_ARRAY) {
                            skipToEndOfArray(p);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                if (!image || !annotations) {
                    return Peek.NONE;
                }
                result = Peek.ENTRY;
                if (annotation) {
                    return Peek.ANNOTATION;
                }
            }
        } catch (IOException e) {
            // the end of the peeked head, or malformed JSON: what was seen so far is the answer
        }
        return result;
    }

    private static void skipToEndOfArray(JsonParser p) throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return;
            } else if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        }
    }

    private static List<String> jsonFiles(FileListing files) {
        List<String> result = new ArrayList<>();
        for (String p : files.withExtension("json")) {
            if (!ClassFoldersFormat.isHidden(p)) {
                result.add(p);
            }
        }
        return result;
    }

    @Override
    public DatasetReader reader() {
        return CreateMlFormat::read;
    }

    /** Writes a folder per split with its JSON; see {@link CreateMlWriter} for the layout and the losses. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new CreateMlWriter());
    }

    // ---------------------------------------------------------------- reading

    /** A Create ML file to read, with its split and where its image names are looked up. */
    private record JsonFile(String path, String split, List<String> folders, String defaultFolder) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        List<JsonFile> selected = new ArrayList<>();
        for (String path : jsonFiles(files)) {
            ctx.progress().checkCancelled();
            if (peek(ctx.root().resolve(path)) == Peek.NONE) {
                continue;
            }
            String fromName = TfodCsvFormat.splitOfName(path);
            String split = fromName != null ? fromName : ClassFoldersFormat.splitOfPath(path);
            List<String> folders = TfodCsvFormat.imageFolders(files, DatasetPaths.parent(path));
            selected.add(new JsonFile(path, split, folders, TfodCsvFormat.defaultFolder(files, folders)));
        }

        Set<String> names = new TreeSet<>();
        for (JsonFile file : selected) {
            parseFile(ctx, file, null, null, names);
        }
        Map<String, Integer> classIds = new HashMap<>();
        for (String name : names) {
            classIds.put(name, classIds.size());
            sink.classLabel(new ClassLabel(classIds.get(name), name));
        }

        Set<String> declaredFolders = new TreeSet<>();
        for (JsonFile file : selected) {
            if (declaredFolders.add(file.defaultFolder())) {
                for (String p : files.in(file.defaultFolder())) {
                    if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                        sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                    }
                }
            }
        }

        String classDigest = String.join("\n", names);
        Map<String, JsonFile> fileOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (JsonFile file : selected) {
            String key = file.path() + "#"
                    + TfodCsvFormat.checksum(classDigest + "\0" + file.split(), file.folders(), files);
            units.add(new Unit(key, List.of(file.path())));
            fileOfUnit.put(key, file);
        }
        ctx.parseUnits(units, (unit, unitSink) -> parseFile(ctx, fileOfUnit.get(unit.key()), classIds, unitSink, null));
    }

    /**
     * Streams one file, entry by entry. With {@code names} set, only collects the labels (the class scan, which
     * reports nothing); otherwise emits images, annotations and problems to {@code sink}.
     */
    private static void parseFile(ReadContext ctx, JsonFile file, Map<String, Integer> classIds, DatasetSink sink,
                                  Set<String> names) {
        ListedProblems problems = new ListedProblems(file.path(), names == null ? sink : null, MAX_LISTED_PROBLEMS);
        Map<String, String> resolved = new HashMap<>();
        try (InputStream in = Files.newInputStream(ctx.root().resolve(file.path()));
             JsonParser p = CocoReader.JSON.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, "", "expected a JSON array of "
                        + "{image, annotations} entries, found " + (first == null ? "an empty file"
                        : first == JsonToken.START_OBJECT ? "an object" : "a single value"));
                return;
            }
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (index % 1024 == 0) {
                    ctx.progress().checkCancelled();
                }
                JsonNode entry = Mapper.MAPPER.readTree(p);
                if (names != null) {
                    collectNames(entry, names);
                } else {
                    emitEntry(ctx.files(), file, "/" + index, entry, classIds, resolved, sink, problems);
                }
                index++;
            }
        } catch (JsonParseException e) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, JsonValues.location(e.getLocation()),
                    "malformed JSON: " + e.getOriginalMessage() + "; the entries before this point were read");
        } catch (IOException e) {
            problems.addReadFailure(e);
        }
        problems.summarise();
    }

    private static void collectNames(JsonNode entry, Set<String> names) {
        JsonNode annotations = field(entry, ANNOTATION_KEYS);
        if (annotations != null && annotations.isArray()) {
            for (JsonNode a : annotations) {
                JsonNode label = a.get("label");
                if (label != null && label.isTextual() && !label.asText().isEmpty()) {
                    names.add(label.asText());
                }
            }
        }
    }

    private static void emitEntry(FileListing files, JsonFile file, String pointer, JsonNode entry,
                                  Map<String, Integer> classIds, Map<String, String> resolved, DatasetSink sink,
                                  ListedProblems problems) {
        if (!entry.isObject()) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "expected an object with image and "
                    + "annotations, found " + describe(entry));
            return;
        }
        JsonNode imageNode = field(entry, IMAGE_KEYS);
        if (imageNode == null || !imageNode.isTextual() || imageNode.asText().isBlank()) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer, "entry without an \"image\" file name"
                    + (imageNode == null ? "" : " (found " + describe(imageNode) + ")") + "; entry skipped");
            return;
        }
        String name = imageNode.asText();
        String image = resolved.get(name);
        if (image == null) {
            image = TfodCsvFormat.resolve(files, file.folders(), file.defaultFolder(), name);
            if (image == null) {
                problems.add(ProblemKind.PATH_ESCAPES_ROOT, pointer, "image '" + name
                        + "' points outside the dataset folder; entry skipped");
                return;
            }
            resolved.put(name, image);
            sink.image(ImageRef.of(image, file.split()));
        }
        String annotationsKey = entry.has("annotations") || !entry.has("annotation") ? "annotations" : "annotation";
        JsonNode annotations = entry.get(annotationsKey);
        if (annotations == null || annotations.isNull()) {
            return;     // an image without objects
        }
        if (!annotations.isArray()) {
            problems.add(ProblemKind.MALFORMED_ANNOTATION, pointer + "/" + annotationsKey,
                    "expected an array of annotations, found " + describe(annotations));
            return;
        }
        for (int j = 0; j < annotations.size(); j++) {
            String at = pointer + "/" + annotationsKey + "/" + j;
            String error = emitAnnotation(image, annotations.get(j), classIds, sink);
            if (error != null) {
                problems.add(ProblemKind.MALFORMED_ANNOTATION, at, error);
            }
        }
    }

    /** Emits one annotation; returns what is wrong with it (it is then skipped), or null. */
    private static String emitAnnotation(String image, JsonNode a, Map<String, Integer> classIds, DatasetSink sink) {
        if (!a.isObject()) {
            return "expected an object with label and coordinates, found " + describe(a);
        }
        JsonNode label = a.get("label");
        if (label == null || !label.isTextual() || label.asText().isEmpty()) {
            return "annotation without a \"label\"" + (label == null ? "" : " (found " + describe(label) + ")");
        }
        JsonNode c = a.get("coordinates");
        if (c == null || !c.isObject()) {
            return "'" + label.asText() + "' has no \"coordinates\" object with x, y, width, height";
        }
        List<String> bad = new ArrayList<>();
        double x = number(c, "x", bad), y = number(c, "y", bad);
        double w = number(c, "width", bad), h = number(c, "height", bad);
        if (!bad.isEmpty()) {
            return "'" + label.asText() + "': " + String.join(", ", bad) + "; expected numbers";
        }
        Integer classId = classIds.get(label.asText());
        if (classId == null) {
            return "label '" + label.asText() + "' appeared after the class scan; index again";
        }
        // x, y is the centre (Create ML's default anchor)
        sink.annotation(Annotation.box(image, classId, new BoundingBox(x - w / 2, y - h / 2, w, h)));
        return null;
    }

    private static double number(JsonNode object, String key, List<String> bad) {
        JsonNode v = object.get(key);
        if (v == null || v.isNull()) {
            bad.add(key + " is missing");
            return Double.NaN;
        }
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            return v.asDouble();
        }
        if (v.isTextual() && TfodCsvFormat.NUMBER.matcher(v.asText().strip()).matches()) {
            return Double.parseDouble(v.asText().strip());
        }
        bad.add(key + " is " + describe(v));
        return Double.NaN;
    }

    private static JsonNode field(JsonNode object, List<String> keys) {
        for (String k : keys) {
            JsonNode v = object.get(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        String text = v.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
