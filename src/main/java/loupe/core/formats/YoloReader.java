package loupe.core.formats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;
import loupe.core.task.Progress;

/**
 * Finds the parts of a YOLO dataset: the class names (Ultralytics {@code data.yaml}, darknet {@code obj.data},
 * {@code obj.names}, {@code classes.txt}), the images with their splits, and which label {@code .txt} belongs
 * to which image. The label lines themselves are parsed and converted to pixels by {@link YoloFormat}.
 *
 * <p>Images and labels are paired the way Ultralytics does it: the label of {@code .../images/<rest>.jpg} is
 * {@code .../labels/<rest>.txt} (the last {@code images} folder swapped for {@code labels}), and an image
 * outside any {@code images} folder has its label beside it (darknet's {@code obj_train_data/1.jpg} +
 * {@code 1.txt}). Folder names match case-insensitively, and {@code Annotations/} counts as a labels folder
 * (datumaro's loose YOLO layout: {@code Images/} + {@code Annotations/}).
 *
 * <p>Paths written in {@code data.yaml}, {@code obj.data} and list files are often wrong for the copy on disk
 * (written on another machine, or relative to the training tool's working folder). They are looked up as
 * written first, then by their trailing components; what cannot be found is reported and the folders on
 * disk are used instead.
 */
final class YoloReader implements DatasetReader {

    /** Folder names that mark a split when no config names one; digits may follow ("train2017"). */
    private static final Pattern SPLIT_NAME =
            Pattern.compile("(?i)(train|training|val|valid|validation|test|testing|dev|eval)\\d*");
    /** Darknet / CVAT split folders: {@code obj_train_data}. */
    private static final Pattern DARKNET_SPLIT_FOLDER = Pattern.compile("obj_(.+)_data");
    /** Text files that are never label files, wherever they are. */
    private static final Pattern NOT_A_LABEL =
            Pattern.compile("(?i)(classes|readme.*|license.*|licence.*|notes|requirements.*)\\.txt");
    private static final Set<String> LABEL_FOLDERS = Set.of("labels", "annotations");
    private static final Set<String> IMAGE_FOLDERS = Set.of("images");
    private static final List<String> YAML_SPLIT_KEYS = List.of("train", "val", "test");
    /** obj.data keys that do not name a subset list. */
    private static final Set<String> DARKNET_RESERVED_KEYS = Set.of("classes", "names", "backup", "eval", "results");
    /** Replaces the images / labels folder in pairing keys; cannot occur in a file name. */
    private static final char MARK = '\u0000';
    static final long MAX_CONFIG_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        Progress progress = ctx.progress();

        // Everything a split is known by from a config file wins over a split guessed from folder names.
        Map<String, String> configSplits = new LinkedHashMap<>();
        Set<String> notLabels = new HashSet<>();

        YamlConfig yaml = readYaml(ctx.root(), files, sink);
        DarknetConfig darknet = readDarknetData(ctx.root(), files, sink);
        if (yaml != null) {
            yamlSplits(ctx, yaml, configSplits, notLabels);
        }
        if (darknet != null) {
            for (Map.Entry<String, String> list : darknet.lists().entrySet()) {
                notLabels.add(list.getValue());
                readImageList(ctx, list.getValue(), list.getKey(), List.of(parent(darknet.path())), configSplits);
            }
        }
        String namesFile = declareClasses(ctx.root(), files, yaml, darknet, sink);
        if (namesFile != null) {
            notLabels.add(namesFile);
        }

        Pairing pairing = pair(files, notLabels, progress, true);

        Set<String> declared = new LinkedHashSet<>(configSplits.keySet());
        for (String file : files.all()) {
            progress.checkCancelled();
            if (DatasetPaths.isImage(file) && (lastFolderSpan(file, IMAGE_FOLDERS) >= 0
                    || pairing.pairedFolders().contains(parent(file)))) {
                declared.add(file);
            }
        }
        for (List<String> images : pairing.labels().values()) {
            declared.addAll(images);
        }
        for (String image : declared) {
            String split = configSplits.get(image);
            sink.image(ImageRef.of(image, split != null ? split : splitFromPath(image)));
        }

        for (String orphan : pairing.orphans()) {
            sink.problem(Problem.of(ProblemKind.ORPHAN_ANNOTATION, orphan,
                    "label file has no image: looked for " + expectedImage(orphan) + " with an image extension"));
        }

        // kpt_shape changes how label lines are read, so data.yaml then becomes part of every unit.
        int keypointValues = yaml != null ? yaml.keypointValues() : 0;
        List<Unit> units = new ArrayList<>(pairing.labels().size());
        for (Map.Entry<String, List<String>> label : pairing.labels().entrySet()) {
            List<String> unitFiles = new ArrayList<>();
            unitFiles.add(label.getKey());
            unitFiles.addAll(label.getValue());
            if (keypointValues > 0) {
                unitFiles.add(yaml.path());
            }
            units.add(new Unit(label.getKey(), unitFiles));
        }
        String yamlPath = keypointValues > 0 ? yaml.path() : null;
        ctx.parseUnits(units, (unit, unitSink) -> {
            List<String> unitFiles = unit.files();
            List<String> images = unitFiles.subList(1, unitFiles.size() - (yamlPath != null ? 1 : 0));
            YoloFormat.parseLabelFile(ctx, unitFiles.get(0), images, keypointValues, unitSink);
        });
    }

    // ---------------------------------------------------------------- pairing labels with images

    /**
     * Labels paired with their images.
     *
     * @param labels        label path to the images it annotates (usually one; two when a.jpg and a.png share a.txt)
     * @param orphans       label files in a labels folder, or beside other labelled images, that have no image
     * @param pairedFolders folders holding images with their labels side by side (all their images count)
     * @param parallel      how many labels were found in a labels folder next to an images folder
     */
    record Pairing(Map<String, List<String>> labels, List<String> orphans, Set<String> pairedFolders,
                   int parallel) {
    }

    /**
     * The last pairing made and what it was made of. Detection's probe pairs the whole listing, and the read
     * that follows pairs it again with (nearly always) the same list files left out: for 120k images and their
     * labels that was a second of work done twice. The listing is held weakly and the pairing softly, so an
     * unused entry never keeps a big listing alive; a read takes the entry it uses.
     */
    private record LastPairing(java.lang.ref.WeakReference<FileListing> files, Set<String> notLabels,
                               java.lang.ref.SoftReference<Pairing> pairing) {
    }

    private static volatile LastPairing lastPairing;

    /** Pairs every label .txt in the listing with its images. {@code notLabels} are config and list files. */
    static Pairing pair(FileListing files, Set<String> notLabels, Progress progress) {
        return pair(files, notLabels, progress, false);
    }

    /**
     * {@link #pair}; with {@code last}, the pairing the probe made of the same listing is taken when it left
     * out the same label candidates (files in {@code notLabels} that are .txt files of the listing: others
     * never pair), and not kept for another caller.
     */
    static Pairing pair(FileListing files, Set<String> notLabels, Progress progress, boolean last) {
        Set<String> relevant = new HashSet<>();
        for (String file : notLabels) {
            if (DatasetPaths.extension(file).equals("txt") && files.contains(file)) {
                relevant.add(file);
            }
        }
        LastPairing previous = lastPairing;
        if (previous != null && previous.files().get() == files && previous.notLabels().equals(relevant)) {
            Pairing pairing = previous.pairing().get();
            if (pairing != null) {
                if (last) {
                    lastPairing = null;
                }
                return pairing;
            }
        }
        Pairing pairing = pairAll(files, relevant, progress);
        lastPairing = last ? null : new LastPairing(new java.lang.ref.WeakReference<>(files), Set.copyOf(relevant),
                new java.lang.ref.SoftReference<>(pairing));
        return pairing;
    }

    private static Pairing pairAll(FileListing files, Set<String> notLabels, Progress progress) {
        Map<String, List<String>> byParallelKey = new HashMap<>();
        Map<String, List<String>> bySideKey = new HashMap<>();
        int n = 0;
        for (String file : files.all()) {
            if ((++n & 4095) == 0) {
                progress.checkCancelled();
            }
            if (!DatasetPaths.isImage(file)) {
                continue;
            }
            String stem = DatasetPaths.stripExtension(file);
            bySideKey.computeIfAbsent(stem, k -> new ArrayList<>(1)).add(file);
            long imagesFolder = lastFolderSpan(file, IMAGE_FOLDERS);
            if (imagesFolder >= 0) {
                byParallelKey.computeIfAbsent(markFolder(stem, imagesFolder), k -> new ArrayList<>(1)).add(file);
            }
        }
        // The listing is sorted, so labels are added in the order a sorted map would keep them in.
        Map<String, List<String>> labels = new LinkedHashMap<>();
        List<String> orphans = new ArrayList<>();
        List<String> unpaired = new ArrayList<>();
        Set<String> pairedFolders = new LinkedHashSet<>();
        int parallel = 0;
        for (String file : files.all()) {
            if ((++n & 4095) == 0) {
                progress.checkCancelled();
            }
            if (!DatasetPaths.extension(file).equals("txt") || notLabels.contains(file)
                    || NOT_A_LABEL.matcher(DatasetPaths.fileName(file)).matches()) {
                continue;
            }
            String stem = DatasetPaths.stripExtension(file);
            long labelsFolder = lastFolderSpan(file, LABEL_FOLDERS);
            List<String> images = null;
            if (labelsFolder >= 0) {
                images = byParallelKey.get(markFolder(stem, labelsFolder));
                if (images != null) {
                    parallel++;
                }
            }
            if (images == null) {
                images = bySideKey.get(stem);
                if (images != null) {
                    pairedFolders.add(parent(file));
                }
            }
            if (images != null) {
                labels.put(file, images);
            } else if (labelsFolder >= 0) {
                orphans.add(file);
            } else {
                unpaired.add(file);
            }
        }
        // A stray .txt counts as an orphan label only among other labelled images; at the root it is more
        // likely a list or a note (train.txt, README.txt).
        for (String file : unpaired) {
            String folder = parent(file);
            if (!folder.isEmpty() && pairedFolders.contains(folder)) {
                orphans.add(file);
            }
        }
        orphans.sort(null);
        return new Pairing(java.util.Collections.unmodifiableMap(labels), java.util.Collections.unmodifiableList(orphans),
                java.util.Collections.unmodifiableSet(pairedFolders), parallel);
    }

    /** Where an orphan label's image was expected, for the problem message. */
    private static String expectedImage(String label) {
        String stem = DatasetPaths.stripExtension(label);
        int labelsFolder = lastFolder(label, LABEL_FOLDERS);
        if (labelsFolder < 0) {
            return "'" + stem + ".*'";
        }
        String[] parts = stem.split("/");
        parts[labelsFolder] = parts[labelsFolder].equalsIgnoreCase("annotations") ? "Images" : "images";
        return "'" + String.join("/", parts) + ".*'";
    }

    /** Index of the last folder component (not the file name) whose lower-case name is in {@code names}, or -1. */
    static int lastFolder(String path, Set<String> names) {
        long span = lastFolderSpan(path, names);
        if (span < 0) {
            return -1;
        }
        int component = 0;
        for (int i = (int) (span >>> 32) - 1; i >= 0; i--) {
            if (path.charAt(i) == '/') {
                component++;
            }
        }
        return component;
    }

    /**
     * Where the last folder component of {@code path} (not the file name) whose lower-case name is in
     * {@code names} lies: {@code start << 32 | end}, or -1. Walks the path without splitting it (this runs for
     * every file of the listing, twice).
     */
    private static long lastFolderSpan(String path, Set<String> names) {
        int end = path.lastIndexOf('/');
        while (end >= 0) {
            int start = path.lastIndexOf('/', end - 1) + 1;
            if (named(path, start, end, names)) {
                return (long) start << 32 | end;
            }
            end = start - 1;
        }
        return -1;
    }

    /** True when {@code path[start, end)} in lower case is one of {@code names} (lower-case ASCII words). */
    private static boolean named(String path, int start, int end, Set<String> names) {
        for (int i = start; i < end; i++) {
            if (path.charAt(i) >= 0x80) {
                // Lower-casing may change the length of such text: the exact test.
                return names.contains(path.substring(start, end).toLowerCase(Locale.ROOT));
            }
        }
        for (String name : names) {
            if (name.length() == end - start && path.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }

    /** {@code path} with the folder component at {@code span} ({@link #lastFolderSpan}) replaced by {@link #MARK}. */
    private static String markFolder(String path, long span) {
        return path.substring(0, (int) (span >>> 32)) + MARK + path.substring((int) span);
    }

    /**
     * The split a path's folders suggest: {@code obj_<split>_data}; else the folder right inside an
     * {@code images} folder ({@code images/train/a.jpg}); else the deepest folder named like a split
     * ({@code train/images/a.jpg}); else null.
     */
    static String splitFromPath(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            Matcher m = DARKNET_SPLIT_FOLDER.matcher(parts[i]);
            if (m.matches()) {
                return m.group(1);
            }
        }
        int images = lastFolder(path, IMAGE_FOLDERS);
        if (images >= 0 && images + 1 < parts.length - 1) {
            return parts[images + 1];
        }
        for (int i = parts.length - 2; i >= 0; i--) {
            if (SPLIT_NAME.matcher(parts[i]).matches()) {
                return parts[i];
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- data.yaml

    /**
     * What an Ultralytics data.yaml says.
     *
     * @param path           the yaml file
     * @param names          class id to name, in file order, or null when the yaml has no usable names
     * @param tree           the parsed document
     * @param keypointValues values after the box on each line (kpt_shape K x D), 0 for a detection dataset
     */
    record YamlConfig(String path, Map<Integer, String> names, JsonNode tree, int keypointValues) {
    }

    /** Root-level yaml files worth reading, data.yaml first. */
    static List<String> yamlCandidates(FileListing files) {
        List<String> result = new ArrayList<>();
        for (String name : List.of("data.yaml", "data.yml")) {
            if (files.contains(name)) {
                result.add(name);
            }
        }
        for (String file : files.in("")) {
            String ext = DatasetPaths.extension(file);
            if ((ext.equals("yaml") || ext.equals("yml")) && !result.contains(file)) {
                result.add(file);
            }
        }
        return result;
    }

    /**
     * Reads the dataset's yaml: data.yaml (reporting any fault), or else the first other root-level yaml that
     * has names or split entries (others are silently passed over: they may be anything). Null when none.
     */
    static YamlConfig readYaml(Path root, FileListing files, DatasetSink sink) {
        int tried = 0;
        for (String candidate : yamlCandidates(files)) {
            boolean isDataYaml = candidate.startsWith("data.");
            if (!isDataYaml && ++tried > 5) {
                break;
            }
            YamlConfig config = readYaml(root, candidate, isDataYaml ? sink : null);
            if (config != null) {
                return config;
            }
        }
        return null;
    }

    /** Parses one yaml file; problems go to {@code sink} when it is not null. */
    static YamlConfig readYaml(Path root, String path, DatasetSink sink) {
        JsonNode tree;
        try {
            Path file = root.resolve(path);
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                report(sink, Problem.of(ProblemKind.OTHER, path, "",
                        "larger than " + MAX_CONFIG_BYTES + " bytes; not read as the dataset's yaml"));
                return null;
            }
            tree = YAML.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path,
                    at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() : "",
                    "not valid YAML (" + yamlMessage(e) + "); the images are taken from the folders on disk"));
            return null;
        } catch (IOException e) {
            report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "", "cannot be read: " + e.getMessage()));
            return null;
        }
        if (tree == null || !tree.isObject()) {
            report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "",
                    "expected a mapping with names, train and val; found "
                            + (tree == null || tree.isMissingNode() ? "an empty file" : "a " + tree.getNodeType())));
            return null;
        }
        boolean relevant = tree.has("names") || tree.has("nc") || tree.has("train") || tree.has("val");
        if (!relevant) {
            report(sink, Problem.of(ProblemKind.OTHER, path, "",
                    "has none of names, nc, train or val; not read as a YOLO dataset description"));
            return null;
        }
        return new YamlConfig(path, yamlNames(path, tree, sink), tree, keypointValues(path, tree, sink));
    }

    /** The class names of a data.yaml: a list (ids 0..n-1) or a map {0: a, 1: b}; null when absent or unusable. */
    private static Map<Integer, String> yamlNames(String path, JsonNode tree, DatasetSink sink) {
        JsonNode names = tree.get("names");
        JsonNode nc = tree.get("nc");
        Map<Integer, String> result = new LinkedHashMap<>();
        if (names == null || names.isNull()) {
            if (nc != null && nc.canConvertToInt() && nc.asInt() > 0) {
                // Ultralytics names the classes itself in this case; do the same so ids stay known.
                for (int i = 0; i < nc.asInt(); i++) {
                    result.put(i, "class_" + i);
                }
                report(sink, new Problem(Severity.INFO, ProblemKind.OTHER, path, "/names",
                        "no names, only nc: " + nc.asInt() + "; classes are called class_0 .. class_" + (nc.asInt() - 1)));
                return result;
            }
            return null;
        }
        if (names.isArray()) {
            for (int i = 0; i < names.size(); i++) {
                JsonNode name = names.get(i);
                if (name.isNull() || name.isContainerNode()) {
                    report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "/names/" + i,
                            "expected a class name, found " + (name.isNull() ? "nothing" : name.getNodeType())));
                    result.put(i, "class_" + i);
                } else {
                    result.put(i, name.asText());
                }
            }
        } else if (names.isObject()) {
            for (Map.Entry<String, JsonNode> entry : names.properties()) {
                Integer id = parseClassId(entry.getKey());
                if (id == null) {
                    report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "/names/" + entry.getKey(),
                            "expected a class id 0, 1, 2 ... as the key, found '" + entry.getKey() + "'"));
                    continue;
                }
                result.put(id, entry.getValue().isNull() ? "class_" + id : entry.getValue().asText());
            }
        } else {
            report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "/names",
                    "expected a list of class names or a map {0: name, ...}, found '" + names.asText() + "'"));
            return null;
        }
        if (nc != null && !nc.isNull() && (!nc.canConvertToInt() || nc.asInt() != result.size())) {
            report(sink, Problem.of(ProblemKind.OTHER, path, "/nc",
                    "nc is " + nc.asText() + " but names has " + result.size() + " entries; the names are used"));
        }
        return result;
    }

    private static int keypointValues(String path, JsonNode tree, DatasetSink sink) {
        JsonNode shape = tree.get("kpt_shape");
        if (shape == null || shape.isNull()) {
            return 0;
        }
        if (shape.isArray() && shape.size() == 2 && shape.get(0).canConvertToInt() && shape.get(1).canConvertToInt()
                && shape.get(0).asInt() > 0 && shape.get(1).asInt() > 0) {
            return shape.get(0).asInt() * shape.get(1).asInt();
        }
        report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "/kpt_shape",
                "expected [number of keypoints, 2 or 3], found " + shape + "; lines are read as boxes and polygons"));
        return 0;
    }

    private static String yamlMessage(JsonProcessingException e) {
        // SnakeYAML's message spans lines with a caret drawing; keep the sentences only.
        List<String> parts = new ArrayList<>();
        for (String line : String.valueOf(e.getOriginalMessage()).split("\n")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith(" in '")) {
                parts.add(line.strip());
            }
        }
        return String.join("; ", parts);
    }

    /** Assigns the images of data.yaml's train / val / test entries to their splits. */
    private static void yamlSplits(ReadContext ctx, YamlConfig yaml, Map<String, String> configSplits,
                                   Set<String> notLabels) throws IOException {
        FileListing files = ctx.files();
        String yamlDir = parent(yaml.path());
        Predicate<String> isFolder = p -> isFolder(files, p);
        List<String> bases = new ArrayList<>();
        JsonNode pathNode = yaml.tree().get("path");
        if (pathNode != null && pathNode.isTextual() && !pathNode.asText().isBlank()) {
            // NOTE: Ultralytics resolves a relative 'path' against its own datasets folder, not the yaml; it only
            // helps here when it happens to name a folder inside the dataset, so it is a hint and never reported.
            Located base = locate(ctx.root(), pathNode.asText(), isFolder, List.of(yamlDir));
            if (base != null && base.asWritten()) {
                bases.add(base.path());
            }
        }
        bases.add(yamlDir);
        for (String key : YAML_SPLIT_KEYS) {
            JsonNode entry = yaml.tree().get(key);
            if (entry == null || entry.isNull()) {
                continue;
            }
            List<String> refs = new ArrayList<>();
            if (entry.isArray()) {
                entry.forEach(e -> refs.add(e.asText()));
            } else {
                refs.add(entry.asText());
            }
            for (String ref : refs) {
                if (ref.isBlank()) {
                    continue;
                }
                Located target = locate(ctx.root(), ref, p -> isFolder(files, p) || isListFile(files, p), bases);
                if (target == null) {
                    ctx.sink().problem(Problem.of(ProblemKind.OTHER, yaml.path(), "/" + key,
                            key + ": '" + ref + "' matches no folder or list file in the dataset; "
                                    + "its images are taken from the folders on disk instead"));
                    continue;
                }
                if (!target.asWritten()) {
                    ctx.sink().problem(new Problem(Severity.INFO, ProblemKind.OTHER, yaml.path(), "/" + key,
                            key + ": '" + ref + "' does not exist as written (relative to " + describe(bases)
                                    + "); read as '" + display(target.path()) + "'"));
                }
                if (isListFile(files, target.path())) {
                    notLabels.add(target.path());
                    List<String> listBases = new ArrayList<>();
                    listBases.add(parent(target.path()));
                    listBases.addAll(bases);
                    readImageList(ctx, target.path(), key, listBases, configSplits);
                } else {
                    for (String file : files.under(target.path())) {
                        if (DatasetPaths.isImage(file)) {
                            configSplits.putIfAbsent(file, key);
                        }
                    }
                }
            }
        }
    }

    private static String describe(List<String> bases) {
        return bases.stream().map(b -> b.isEmpty() ? "the dataset folder" : "'" + b + "'")
                .distinct().reduce((a, b) -> a + " or " + b).orElse("the dataset folder");
    }

    private static String display(String path) {
        return path.isEmpty() ? "." : path;
    }

    // ---------------------------------------------------------------- darknet obj.data and list files

    /**
     * What a darknet obj.data says.
     *
     * @param path    the .data file
     * @param classes its 'classes' count, or -1
     * @param names   the names file it points to, located in the dataset, or null
     * @param lists   subset name to the list file of image paths, located in the dataset
     */
    record DarknetConfig(String path, int classes, String names, Map<String, String> lists) {
    }

    /** Root-level darknet .data files, obj.data first. */
    static List<String> darknetDataCandidates(FileListing files) {
        List<String> result = new ArrayList<>();
        if (files.contains("obj.data")) {
            result.add("obj.data");
        }
        for (String file : files.in("")) {
            if (DatasetPaths.extension(file).equals("data") && !result.contains(file)) {
                result.add(file);
            }
        }
        return result;
    }

    private static DarknetConfig readDarknetData(Path root, FileListing files, DatasetSink sink) throws IOException {
        for (String candidate : darknetDataCandidates(files)) {
            Path file = root.resolve(candidate);
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                continue;
            }
            List<String> lines = readLines(file);
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, candidate, "line " + (i + 1),
                            "expected 'key = value', found '" + line + "'"));
                    continue;
                }
                values.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
            if (!values.containsKey("names") && !values.containsKey("train") && !values.containsKey("classes")) {
                continue;
            }
            String dir = parent(candidate);
            String names = null;
            if (values.containsKey("names")) {
                Located located = locate(root, values.get("names"), files::contains, List.of(dir));
                if (located == null) {
                    sink.problem(Problem.of(ProblemKind.OTHER, candidate, "",
                            "names = " + values.get("names") + " is not in the dataset; looking for obj.names or classes.txt"));
                } else {
                    names = located.path();
                }
            }
            Map<String, String> lists = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : values.entrySet()) {
                if (DARKNET_RESERVED_KEYS.contains(entry.getKey()) || entry.getValue().isEmpty()) {
                    continue;
                }
                Located list = locate(root, entry.getValue(), p -> isListFile(files, p), List.of(dir));
                if (list != null) {
                    lists.put(entry.getKey(), list.path());
                } else {
                    sink.problem(Problem.of(ProblemKind.OTHER, candidate, "",
                            entry.getKey() + " = " + entry.getValue() + " is not a list file in the dataset; "
                                    + "its images are taken from the folders on disk instead"));
                }
            }
            int classes = -1;
            try {
                classes = values.containsKey("classes") ? Integer.parseInt(values.get("classes")) : -1;
            } catch (NumberFormatException e) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, candidate, "",
                        "classes = " + values.get("classes") + " is not a whole number"));
            }
            return new DarknetConfig(candidate, classes, names, lists);
        }
        return null;
    }

    /**
     * Declares the images a list file names (one path per line), in {@code split}. Paths that cannot be
     * found are still declared where they most likely belong, so the indexer reports them as missing.
     */
    private static void readImageList(ReadContext ctx, String listFile, String split, List<String> bases,
                                      Map<String, String> configSplits) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        int lineNumber = 0, byTrailing = 0;
        String example = null;
        // An InputStreamReader replaces undecodable bytes instead of failing, so one odd name does not lose the list.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Files.newInputStream(ctx.root().resolve(listFile)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                ctx.progress().checkCancelled();
                String raw = stripBom(line).strip();
                if (raw.isEmpty() || raw.startsWith("#")) {
                    continue;
                }
                Located image = locate(ctx.root(), raw, files::contains, bases);
                String path;
                if (image != null) {
                    path = image.path();
                    // Darknet writes paths relative to its own folder, where the dataset lives in data/.
                    boolean darknetPrefix = raw.replace('\\', '/').equals("data/" + path);
                    if (!image.asWritten() && !darknetPrefix) {
                        byTrailing++;
                        example = example != null ? example : "'" + raw + "' as '" + path + "'";
                    }
                } else {
                    path = missingImagePath(ctx.root(), files, raw, bases);
                    if (path == null) {
                        boolean absolute = isAbsolute(raw);
                        sink.problem(Problem.of(absolute ? ProblemKind.MISSING_IMAGE : ProblemKind.PATH_ESCAPES_ROOT,
                                listFile, "line " + lineNumber, absolute
                                        ? "'" + raw + "' is outside the dataset and no file of that name is in it"
                                        : "'" + raw + "' points outside the dataset folder"));
                        continue;
                    }
                }
                configSplits.putIfAbsent(path, split);
            }
        }
        if (byTrailing > 0) {
            sink.problem(new Problem(Severity.INFO, ProblemKind.OTHER, listFile, "",
                    byTrailing + " image paths do not exist as written and were matched by their end, e.g. " + example));
        }
    }

    /** Where a listed image that is not on disk would be: its folder as written, or found by trailing folders. */
    private static String missingImagePath(Path root, FileListing files, String raw, List<String> bases) {
        String name = raw.replace('\\', '/');
        String fileName = DatasetPaths.fileName(name);
        String folder = DatasetPaths.parent(name);
        if (!folder.isEmpty()) {
            Located located = locate(root, folder, p -> isFolder(files, p), bases);
            if (located != null) {
                return join(located.path(), fileName);
            }
        }
        return isAbsolute(name) ? null : join(bases.get(0), name);
    }

    // ---------------------------------------------------------------- class names

    /** Emits the class list from the best source and returns the names file used (so it is not a label), or null. */
    private static String declareClasses(Path root, FileListing files, YamlConfig yaml, DarknetConfig darknet,
                                         DatasetSink sink) throws IOException {
        if (yaml != null && yaml.names() != null) {
            yaml.names().forEach((id, name) -> sink.classLabel(new ClassLabel(id, name)));
            return null;
        }
        String namesFile = darknet != null && darknet.names() != null ? darknet.names() : namesFileCandidate(files);
        if (namesFile == null) {
            sink.problem(new Problem(Severity.WARNING, ProblemKind.OTHER, "", "",
                    "no class names found (data.yaml, obj.data, obj.names or classes.txt); classes are known by id only"));
            return null;
        }
        List<String> names = readNames(root, namesFile, sink);
        for (int i = 0; i < names.size(); i++) {
            sink.classLabel(new ClassLabel(i, names.get(i)));
        }
        if (darknet != null && darknet.classes() >= 0 && darknet.classes() != names.size()) {
            sink.problem(Problem.of(ProblemKind.OTHER, darknet.path(), "",
                    "classes = " + darknet.classes() + " but " + namesFile + " has " + names.size() + " names"));
        }
        return namesFile;
    }

    /** The class names file by convention: at the root, then one folder down (Roboflow's train/_darknet.labels). */
    static String namesFileCandidate(FileListing files) {
        // The files at the root, then those one folder down, by folder name (as the folders are listed) and then
        // by path; one pass over the listing picks both out.
        List<String> root = new ArrayList<>();
        List<String> oneDown = new ArrayList<>();
        for (String file : files.all()) {
            int slash = file.indexOf('/');
            if (slash < 0) {
                root.add(file);
            } else if (file.indexOf('/', slash + 1) < 0) {
                oneDown.add(file);
            }
        }
        oneDown.sort(java.util.Comparator.comparing((String f) -> f.substring(0, f.indexOf('/')))
                .thenComparing(java.util.Comparator.naturalOrder()));
        for (List<String> inFolder : List.of(root, oneDown)) {
            for (Predicate<String> rule : List.<Predicate<String>>of(
                    n -> n.equals("obj.names"),
                    n -> n.endsWith(".names"),
                    n -> n.equals("classes.txt"),
                    n -> n.equals("_darknet.labels"))) {
                for (String file : inFolder) {
                    if (rule.test(DatasetPaths.fileName(file).toLowerCase(Locale.ROOT))) {
                        return file;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Reads a names file: one class per line, id = line index. Trailing blank lines are dropped; a blank line
     * in the middle keeps its id (darknet counts it) under a made-up name, and is reported.
     */
    static List<String> readNames(Path root, String namesFile, DatasetSink sink) throws IOException {
        Path file = root.resolve(namesFile);
        if (Files.size(file) > MAX_CONFIG_BYTES) {
            report(sink, Problem.of(ProblemKind.OTHER, namesFile, "",
                    "larger than " + MAX_CONFIG_BYTES + " bytes; not read as a class names file"));
            return List.of();
        }
        List<String> lines = readLines(file);
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        List<String> names = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                name = "class_" + i;
                report(sink, Problem.of(ProblemKind.MALFORMED_ANNOTATION, namesFile, "line " + (i + 1),
                        "empty class name; id " + i + " keeps its place and is called " + name));
            }
            names.add(name);
        }
        return names;
    }

    // ---------------------------------------------------------------- locating written paths

    /**
     * A path from a config or list file, found in the dataset.
     *
     * @param path      relative to the root ("" for the root itself)
     * @param asWritten true when found where the text says; false when found only by its trailing components
     */
    record Located(String path, boolean asWritten) {
    }

    /**
     * Finds {@code raw} in the dataset: as written against each base folder (or, when absolute, inside the
     * root), and then by dropping leading components ({@code ../train/images} → {@code train/images},
     * {@code /home/me/ds/images/train} → {@code images/train}). Null when nothing matches.
     */
    static Located locate(Path root, String raw, Predicate<String> exists, List<String> bases) {
        String name = raw.strip().replace('\\', '/');
        if (name.isEmpty()) {
            return null;
        }
        if (isAbsolute(name)) {
            String rootText = root.toString().replace('\\', '/');
            String inside = name.equals(rootText) ? "" : name.startsWith(rootText + "/")
                    ? join("", name.substring(rootText.length() + 1)) : null;
            if (inside != null && exists.test(inside)) {
                return new Located(inside, true);
            }
        } else {
            for (String base : bases) {
                String candidate = join(base, name);
                if (candidate != null && exists.test(candidate)) {
                    return new Located(candidate, true);
                }
            }
        }
        String[] parts = name.split("/");
        for (int from = 1; from < parts.length; from++) {
            String candidate = join("", String.join("/", Arrays.copyOfRange(parts, from, parts.length)));
            if (candidate != null && !candidate.isEmpty() && exists.test(candidate)) {
                return new Located(candidate, false);
            }
        }
        return null;
    }

    /**
     * {@link DatasetPaths#resolve} that also accepts the root itself: "" for the root, null when the path
     * escapes it or is absolute.
     */
    static String join(String base, String name) {
        String resolved = DatasetPaths.resolve(base, name);
        if (resolved != null || isAbsolute(name)) {
            return resolved;
        }
        int depth = 0;
        for (String part : (base.isEmpty() ? name : base + "/" + name).replace('\\', '/').split("/")) {
            if (part.equals("..")) {
                depth--;
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
            if (depth < 0) {
                return null;
            }
        }
        return "";
    }

    private static boolean isAbsolute(String path) {
        String p = path.replace('\\', '/');
        return p.startsWith("/") || (p.length() > 1 && p.charAt(1) == ':');
    }

    private static boolean isFolder(FileListing files, String path) {
        return path.isEmpty() ? files.size() > 0 : !files.under(path).isEmpty();
    }

    private static boolean isListFile(FileListing files, String path) {
        return !path.isEmpty() && files.contains(path) && DatasetPaths.extension(path).equals("txt");
    }

    // ---------------------------------------------------------------- small helpers

    static String parent(String path) {
        return DatasetPaths.parent(path);
    }

    static Integer parseClassId(String text) {
        try {
            int id = Integer.parseInt(text.strip());
            return id >= 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** All lines of a small text file, UTF-8 with a BOM dropped and bad bytes replaced, CR stripped. */
    static List<String> readLines(Path file) throws IOException {
        String text = stripBom(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        // By hand rather than split("\r?\n|\r"): the regular expression cost as much as reading the file.
        List<String> lines = new ArrayList<>();
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < length) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The first {@code maxBytes} of a file as text, for probing. */
    static String head(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return stripBom(new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8));
        }
    }

    private static void report(DatasetSink sink, Problem problem) {
        if (sink != null) {
            sink.problem(problem);
        }
    }
}
