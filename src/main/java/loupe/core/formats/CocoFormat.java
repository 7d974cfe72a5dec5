package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * COCO object detection / instance segmentation JSON ({@code instances_*.json} and look-alikes).
 *
 * <p><b>Layouts.</b> Any number of COCO JSON files anywhere in the dataset; each one is parsed on its own
 * (one {@link Unit} per file) by {@link CocoReader}. Recognised layouts include the standard one
 * ({@code annotations/instances_<split>.json} with {@code images/<split>/} or {@code <split>2017/}), Roboflow
 * ({@code <split>/_annotations.coco.json} with the images beside it), mmdetection
 * ({@code annotations/instances_train.json} with {@code train/}) and a single JSON file anywhere. A
 * {@code file_name} (which may contain sub-folders) is looked up in the listing under these folders, first
 * match wins: {@code images/<split>/}, {@code images/}, {@code <split>/}, {@code <split>2017/}, the JSON's own
 * folder, the root (the first four relative to the folder above {@code annotations/} when the JSON is in one;
 * see {@link CocoReader} for images that are not found).
 *
 * <p><b>Splits</b> come from the file name: {@code instances_val2017.json} is "val" (a trailing year is
 * dropped), {@code _annotations.coco.json} in folder {@code valid} is "valid", a file named like a split
 * ({@code train.json}) is that split; anything else has no split.
 *
 * <p><b>Which files are read.</b> A JSON file is COCO when its top level is an object with an {@code images}
 * array. Its kind comes from its first annotation (boxes or polygons: detection; {@code keypoints}: keypoints;
 * {@code caption}: captions; {@code segments_info}: panoptic; only a {@code category_id}: image labels) and,
 * when the first annotation lies beyond the peeked head of a big file, from COCO's file naming. For each split
 * only the files of the best kind present are read, in this order: instances, person keypoints, stuff,
 * image labels, image lists ({@code image_info_*}), captions/panoptic (images only). So COCO's own
 * {@code annotations/} folder, which holds instances, keypoints and captions of the same images, yields the
 * instances once, while a keypoints-only dataset still yields its person boxes.
 *
 * <p>Stateless and thread-safe.
 */
public final class CocoFormat implements DatasetFormat {

    /** How much of a JSON file {@link #probe} looks at. */
    static final int PROBE_PEEK_BYTES = 16 * 1024;
    /** How much of a JSON file the reader looks at to decide whether and how to read it. */
    static final int READ_PEEK_BYTES = 64 * 1024;
    private static final int PROBE_MAX_FILES = 8;
    /** With at most this many JSON files, every one of them is a candidate, wherever it lies. */
    private static final int ALL_JSONS_LIMIT = 32;

    private static final Pattern YEAR_SUFFIX = Pattern.compile("(.*?[^\\d_\\-])[_\\-]?(?:19|20)\\d\\d");
    private static final Set<String> SPLIT_NAMES =
            Set.of("train", "val", "valid", "validation", "test", "trainval", "minival", "test-dev", "dev");

    @Override
    public String id() {
        return "coco";
    }

    @Override
    public String displayName() {
        return "COCO JSON";
    }

    @Override
    public Support probe(FileListing files, Path root) {
        List<String> candidates = candidates(files);
        if (candidates.isEmpty()) {
            return Support.none("no .json file where COCO keeps them "
                    + "(annotations/*.json, instances_*.json, _annotations.coco.json)");
        }
        candidates.sort(Comparator.comparingInt(CocoFormat::probePriority));
        CocoFile best = null;
        for (String path : candidates.subList(0, Math.min(PROBE_MAX_FILES, candidates.size()))) {
            CocoFile file = classify(path, peek(root.resolve(path), PROBE_PEEK_BYTES));
            if (file != null && (best == null || file.confidence() > best.confidence())) {
                best = file;
            }
        }
        if (best == null) {
            return Support.none("no .json file has a top-level \"images\" array (looked at "
                    + Math.min(PROBE_MAX_FILES, candidates.size()) + " of " + candidates.size() + ")");
        }
        return new Support(best.confidence(), best.reason());
    }

    @Override
    public DatasetReader reader() {
        return new CocoReader();
    }

    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new CocoWriter());
    }

    /** What a COCO file holds, best first; for one split only the files of the best kind present are read. */
    enum Kind {
        INSTANCES, KEYPOINTS, STUFF, LABELS, IMAGE_INFO,
        /** Captions or panoptic: no boxes at the top level of annotations; only their images are read. */
        IMAGES_ONLY
    }

    /**
     * A JSON file chosen as COCO.
     *
     * @param path       relative path
     * @param kind       what it holds
     * @param split      split from the file name, or null
     * @param rawSplit   the split as written in the name ("train2017"), or null
     * @param confidence how sure the peek is that this is a COCO detection file
     * @param reason     why, in plain words
     */
    record CocoFile(String path, Kind kind, String split, String rawSplit, double confidence, String reason) {
    }

    /**
     * The COCO files to read: every candidate JSON that looks like COCO, keeping for each split only the files
     * of the best {@link Kind}. In listing order.
     */
    static List<CocoFile> select(FileListing files, Path root) {
        List<CocoFile> all = new ArrayList<>();
        for (String path : candidates(files)) {
            CocoFile file = classify(path, peek(root.resolve(path), READ_PEEK_BYTES));
            if (file != null) {
                all.add(file);
            }
        }
        // NOTE: COCO ships instances, person_keypoints and captions of the same images side by side, and the
        // keypoint files carry person boxes too. Reading all of them would count every person twice, so per split
        // only the best kind present is read: instances_*.json wins, keypoints/stuff/labels are the fallback.
        Map<String, Kind> best = new HashMap<>();
        for (CocoFile file : all) {
            best.merge(String.valueOf(file.split()), file.kind(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        all.removeIf(file -> file.kind() != best.get(String.valueOf(file.split())));
        return all;
    }

    // NOTE: a dataset may hold thousands of per-image JSON sidecars (LabelMe twins, metadata). Only JSON files
    // that could plausibly be COCO are peeked: COCO-named ones, those in an annotations/ folder, those whose
    // name mentions coco, and those at most one folder deep; all of them when there are only a few.
    private static List<String> candidates(FileListing files) {
        List<String> jsons = new ArrayList<>(files.withExtension("json"));
        if (jsons.size() <= ALL_JSONS_LIMIT) {
            return jsons;
        }
        List<String> result = new ArrayList<>();
        for (String path : jsons) {
            String lower = path.toLowerCase(Locale.ROOT);
            String name = DatasetPaths.fileName(lower);
            int depth = path.length() - path.replace("/", "").length();
            if (nameKind(name) != null || lower.startsWith("annotations/") || lower.contains("/annotations/")
                    || name.contains("coco") || depth <= 1) {
                result.add(path);
            }
        }
        return result;
    }

    private static int probePriority(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = DatasetPaths.fileName(lower);
        int depth = path.length() - path.replace("/", "").length();
        Kind kind = nameKind(name);
        int group = kind == Kind.INSTANCES ? 0
                : kind != null ? 1
                : lower.startsWith("annotations/") || lower.contains("/annotations/") ? 2
                : name.contains("coco") ? 3 : 4;
        return group * 100 + Math.min(depth, 99);
    }

    /** The kind COCO's naming gives a file, or null for a name COCO does not use. */
    static Kind nameKind(String lowerName) {
        if (lowerName.startsWith("instances") || lowerName.endsWith(".coco.json")) {
            return Kind.INSTANCES;
        } else if (lowerName.startsWith("person_keypoints")) {
            return Kind.KEYPOINTS;
        } else if (lowerName.startsWith("stuff_")) {
            return Kind.STUFF;
        } else if (lowerName.startsWith("labels_")) {
            return Kind.LABELS;
        } else if (lowerName.startsWith("image_info")) {
            return Kind.IMAGE_INFO;
        } else if (lowerName.startsWith("captions_") || lowerName.startsWith("panoptic_")) {
            return Kind.IMAGES_ONLY;
        }
        return null;
    }

    /**
     * The split as written in a COCO file's name ("train2017" for {@code instances_train2017.json}, the folder
     * name for Roboflow's {@code _annotations.coco.json}), or null.
     */
    static String rawSplit(String path) {
        String name = DatasetPaths.fileName(path);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("_annotations.coco.json")) {
            String folder = DatasetPaths.parent(path);
            return folder.isEmpty() ? null : DatasetPaths.fileName(folder);
        }
        String base = name.substring(0, name.length() - ".json".length());
        for (String prefix : List.of("instances_", "person_keypoints_", "stuff_", "labels_", "image_info_",
                "captions_", "panoptic_")) {
            if (lower.startsWith(prefix) && base.length() > prefix.length()) {
                return base.substring(prefix.length());
            }
        }
        // NOTE: not in the brief, but common in hand-made datasets: annotations/train.json, val2017.json.
        String bare = splitWithoutYear(base);
        return SPLIT_NAMES.contains(bare.toLowerCase(Locale.ROOT)) ? base : null;
    }

    /** "val2017" to "val", "test-dev2017" to "test-dev", "train" unchanged. */
    static String splitWithoutYear(String raw) {
        Matcher m = YEAR_SUFFIX.matcher(raw);
        return m.matches() ? m.group(1) : raw;
    }

    /**
     * What the first bytes of a JSON file show. {@code topKeys} holds the top-level keys seen, with an
     * {@code images} key that is not an array recorded as {@code "images:<token>"}.
     */
    record Peek(boolean readable, boolean object, boolean complete, Set<String> topKeys,
                boolean annotationsEmpty, Set<String> firstAnnotationKeys, boolean firstAnnotationComplete) {
    }

    /**
     * Reads at most {@code maxBytes} of a JSON file and records its top-level keys and the keys of its first
     * annotation. Never throws: an unreadable file gives {@code readable == false}, a truncated or malformed
     * head gives what was seen before the error.
     */
    static Peek peek(Path file, int maxBytes) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(maxBytes);
        } catch (IOException e) {
            return new Peek(false, false, false, Set.of(), false, Set.of(), false);
        }
        boolean object = false, complete = false, annotationsEmpty = false, firstComplete = false;
        Set<String> topKeys = new HashSet<>();
        Set<String> annotationKeys = new HashSet<>();
        try (JsonParser p = CocoReader.JSON.createParser(head, 0, head.length)) {
            object = p.nextToken() == JsonToken.START_OBJECT;
            if (object) {
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    // "images" counts only as an array (a stats file may have "images": 120000).
                    topKeys.add(name.equals("images") && value != JsonToken.START_ARRAY ? "images:" + value : name);
                    if (name.equals("annotations") && value == JsonToken.START_ARRAY && !firstComplete) {
                        JsonToken first = p.nextToken();
                        if (first == JsonToken.END_ARRAY) {
                            annotationsEmpty = true;
                            continue;
                        }
                        if (first == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                annotationKeys.add(p.currentName());
                                p.nextToken();
                                p.skipChildren();
                            }
                            firstComplete = true;
                        } else {
                            p.skipChildren();
                        }
                        skipToEndOfArray(p);
                    } else {
                        p.skipChildren();
                    }
                }
                complete = t == JsonToken.END_OBJECT;
            }
        } catch (IOException e) {
            // The end of the peeked head, or malformed JSON: what was seen so far is the answer.
        }
        return new Peek(true, object, complete, topKeys, annotationsEmpty, annotationKeys, firstComplete);
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

    /** Decides whether a peeked JSON file is COCO, of which kind, and how sure that is; null if it is not. */
    static CocoFile classify(String path, Peek peek) {
        String name = DatasetPaths.fileName(path).toLowerCase(Locale.ROOT);
        Kind byName = nameKind(name);
        String raw = rawSplit(path);
        String split = raw == null ? null : splitWithoutYear(raw);
        Set<String> first = peek.firstAnnotationKeys();
        boolean images = peek.topKeys().contains("images");
        boolean boxes = first.contains("bbox") || first.contains("segmentation");

        if (!peek.readable() || !peek.object() || (!images && peek.complete())) {
            // Named like COCO but unreadable or not COCO inside: read it anyway so its problems get reported.
            return byName == null ? null : new CocoFile(path, byName, split, raw, 0.3,
                    path + " is named like a COCO file but does not start like one");
        }
        if (!images && !(boxes && first.contains("image_id"))) {
            // Neither an images array nor detection records in the peeked head.
            return byName == null ? null : new CocoFile(path, byName, split, raw, 0.3,
                    path + " is named like a COCO file but shows no images array in its first "
                            + READ_PEEK_BYTES / 1024 + " KB");
        }
        String has = describeKeys(peek);
        if (first.contains("segments_info") || first.contains("caption")) {
            return new CocoFile(path, Kind.IMAGES_ONLY, split, raw, 0.2,
                    path + " holds COCO " + (first.contains("caption") ? "captions" : "panoptic segments")
                            + ", not boxes; only its images are read");
        }
        if (first.contains("keypoints")) {
            return new CocoFile(path, Kind.KEYPOINTS, split, raw, 0.85, path + " has " + has + " (keypoints)");
        }
        if (boxes) {
            Kind kind = byName == Kind.STUFF || byName == Kind.KEYPOINTS ? byName : Kind.INSTANCES;
            double confidence = byName == Kind.INSTANCES ? 0.95 : kind == Kind.INSTANCES ? 0.9 : 0.85;
            return new CocoFile(path, kind, split, raw, confidence, path + " has " + has);
        }
        if (peek.firstAnnotationComplete()) {
            if (!first.contains("category_id")) {
                return null;
            }
            return new CocoFile(path, Kind.LABELS, split, raw, 0.7, path + " has " + has + " (image labels)");
        }
        // The annotations are empty or beyond the peeked head: trust the name; an unknown name is assumed
        // to be detection, the common case for big custom files.
        Kind kind = byName == null ? Kind.INSTANCES : byName;
        double confidence = switch (kind) {
            case INSTANCES -> byName != null ? 0.9 : 0.7;
            case KEYPOINTS, STUFF -> 0.85;
            case LABELS -> 0.7;
            case IMAGE_INFO -> 0.6;
            case IMAGES_ONLY -> 0.2;
        };
        return new CocoFile(path, kind, split, raw, confidence, path + " has " + has);
    }

    private static String describeKeys(Peek peek) {
        Set<String> keys = peek.topKeys();
        Set<String> first = peek.firstAnnotationKeys();
        List<String> parts = new ArrayList<>();
        if (keys.contains("images")) {
            parts.add("images");
        }
        if (first.contains("bbox") || first.contains("segmentation")) {
            parts.add("annotations with " + (first.contains("bbox") ? "bbox" : "segmentation"));
        } else if (peek.annotationsEmpty()) {
            parts.add("an empty annotations array");
        } else if (keys.contains("annotations")) {
            parts.add("annotations");
        }
        if (keys.contains("categories")) {
            parts.add("categories");
        }
        return parts.size() <= 1 ? String.join("", parts)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }
}
