package loupe.core.formats;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * Pascal VOC XML: one {@code <annotation>} file per image.
 *
 * <p><b>Layouts.</b> A <em>devkit</em> folder {@code D} has {@code D/Annotations/*.xml} next to
 * {@code D/JPEGImages/} or {@code D/ImageSets/}; images are {@code D/JPEGImages/*}, and
 * {@code D/ImageSets/Main/<split>.txt} lists the image ids of each split (the per-class
 * {@code <class>_<split>.txt} files are not split lists). An image listed in no split gets the split of its
 * path (a {@code train/}, {@code val/}, ... folder above it) or none. When the dataset has a devkit folder,
 * only the XML files under its {@code Annotations/} are read. Otherwise every {@code .xml} file is an
 * annotation file (<em>flat</em> layout), and the images of a folder of XML files are looked for in the
 * folder itself, its parent, its sibling folders and its sub-folders: the one holding the most images named
 * like the XML files wins, the folder itself on a tie (so {@code annotations/} + {@code images/}, as in
 * datitran's raccoon set, works). Flat-layout splits come from the path only.
 *
 * <p><b>Image of an annotation file.</b> {@code <path>} is never used: labelImg writes the annotator's
 * absolute path ({@code C:\Users\...}). {@code <filename>} is resolved in the image folder (devkit: against
 * {@code JPEGImages/} when it holds a '/'). When that file is not one of the images named like the XML file
 * (its <em>stem</em>) but such an image exists, that image is used, with a warning when {@code <filename>}
 * named something else. When neither is known, the path {@code <filename>} names is declared, so the indexer
 * reports it missing.
 *
 * <p><b>Coordinates.</b> One convention for every file, the devkit's: corners are 1-based and inclusive, so
 * {@code x = xmin - 1}, {@code y = ymin - 1}, {@code width = xmax - xmin + 1}, {@code height = ymax - ymin + 1}
 * (see {@link #toPixels}). Files written 0-based (labelme's export, datumaro) therefore come out one pixel
 * left and up and one pixel larger, and a box with {@code xmin = 0} lies partly outside the image, which the
 * indexer reports; that is true to the devkit, and guessing per file would shift boxes of one dataset by
 * different amounts. Float coordinates are taken as they are, with the same formula.
 *
 * <p><b>Class ids.</b> VOC names classes and has no ids; ids are 0.. in the order of the first of: a
 * {@code labelmap.txt} (datumaro: {@code name:color:parts:actions}) or a {@code class_names.txt} (labelme: one
 * name a line) in the dataset root or a devkit folder; the class names of the
 * {@code ImageSets/Main/<class>_<split>.txt} files, sorted; otherwise the names of all objects of all
 * annotation files, sorted by {@link String#compareTo} (code points, no locale), which the reader collects
 * in a scan of the XML files before parsing units. With a list file, an object whose class is not in it is
 * reported ({@code UNKNOWN_CLASS}) and skipped. Because every unit's ids depend on the whole class list (and
 * its image path on the chosen image folder), each unit's key is the XML path followed by
 * {@code #} and a checksum of the class list and the image folders: when a new class name appears anywhere,
 * all keys change and all units are parsed again, so cached units never keep stale ids.
 *
 * <p>Objects without {@code <name>} or {@code <bndbox>}, or with a missing or non-numeric coordinate, are
 * reported ({@code MALFORMED_ANNOTATION}, "line N" of the {@code <object>}) and skipped. A file that is not
 * well-formed XML is reported with the line of the error; its objects before the error are kept.
 * {@code pose}, {@code truncated}, {@code difficult} and {@code occluded} become attributes, as do VOC action
 * flags ({@code action.<name>}) and CVAT/datumaro {@code <attributes>}; {@code <part>}s are skipped. XML is
 * read with DTDs and external entities disabled (see {@link VocXml}). Stateless and thread-safe.
 */
public final class VocFormat implements DatasetFormat {

    private static final String ANNOTATIONS = "Annotations";
    private static final String JPEG_IMAGES = "JPEGImages";
    private static final String IMAGE_SETS = "ImageSets";
    private static final int PROBE_SAMPLES = 3;
    private static final int PROBE_BYTES = 4096;
    private static final Pattern FIRST_ELEMENT = Pattern.compile("<([A-Za-z_][\\w.:-]*)");
    private static final Set<String> CLASS_FLAGS = Set.of("-1", "0", "1");

    @Override
    public String id() {
        return "voc";
    }

    @Override
    public String displayName() {
        return "Pascal VOC XML";
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        List<String> xmls = xmlFiles(files);
        if (xmls.isEmpty()) {
            return Support.none("no .xml files");
        }
        List<String> inAnnotations = new ArrayList<>();
        for (String x : xmls) {
            if (devkitRootOf(x) != null) {
                inAnnotations.add(x);
            }
        }
        List<String> candidates = inAnnotations.isEmpty() ? xmls : inAnnotations;
        List<String> sample = candidates.subList(0, Math.min(PROBE_SAMPLES, candidates.size()));
        String voc = null;
        String notVoc = null;
        for (String x : sample) {
            String head = head(root.resolve(x));
            if (looksLikeVoc(head)) {
                voc = x;
                break;
            }
            notVoc = x;
        }
        if (voc == null) {
            return Support.none(notVoc + " is not a Pascal VOC <annotation> file");
        }
        String devkit = devkitRootOf(voc);
        if (devkit != null) {
            boolean full = !files.under(join(devkit, JPEG_IMAGES)).isEmpty()
                    || !files.under(join(devkit, IMAGE_SETS)).isEmpty();
            // A devkit deeper down (a dataset/VOC2012/Annotations tree, or labelme's data_dataset_voc/ export
            // next to its own JSON) is a little less certain to be what the user means.
            double confidence = (full ? 0.95 : 0.9) - (devkit.isEmpty() ? 0 : 0.1);
            return new Support(confidence, voc + " is a Pascal VOC <annotation> in a devkit "
                    + (full ? "layout (Annotations/ with JPEGImages/ or ImageSets/)" : "Annotations/ folder")
                    + ", " + inAnnotations.size() + " XML files");
        }
        return new Support(0.85, voc + " is a Pascal VOC <annotation> with <bndbox>/<size>, "
                + xmls.size() + " XML files");
    }

    /** Reads the first bytes of a file as text (VOC files are ASCII or UTF-8 in practice). */
    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(PROBE_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException | AccessDeniedException e) {
            return "";
        }
    }

    /**
     * The root element is {@code <annotation>} (CVAT's is {@code <annotations>}) and it has VOC's elements,
     * not MIT LabelMe's, which shares the root name but has {@code <polygon>} and {@code <imagesize>}.
     */
    static boolean looksLikeVoc(String head) {
        String body = head.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?s)<[?!][^>]*>", "");
        Matcher m = FIRST_ELEMENT.matcher(body);
        if (!m.find() || !m.group(1).equals("annotation")) {
            return false;
        }
        boolean vocish = body.contains("<bndbox") || body.contains("<size>") || body.contains("<segmented");
        boolean labelMe = body.contains("<polygon") || body.contains("<imagesize");
        return vocish && !labelMe;
    }

    @Override
    public DatasetReader reader() {
        return VocFormat::read;
    }

    /** Writes a devkit layout; see {@link VocWriter} for the layout, names and what VOC cannot hold. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new VocWriter());
    }

    /** Where the image of one annotation file is looked for. */
    private record Target(String imageRoot, String imageFolder, String stem) {
    }

    /** A class list and where it came from, for messages. */
    private record ClassList(List<String> names, String source) {
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        Map<String, Map<String, List<String>>> imagesByFolderAndStem = imagesByFolderAndStem(files);

        List<String> xmls = xmlFiles(files);
        Set<String> devkitRoots = new TreeSet<>();
        Set<String> notDevkit = new TreeSet<>();
        for (String x : xmls) {
            String d = devkitRootOf(x);
            if (d == null || devkitRoots.contains(d) || notDevkit.contains(d)) {
                continue;
            }
            boolean devkit = !files.under(join(d, JPEG_IMAGES)).isEmpty()
                    || !files.under(join(d, IMAGE_SETS)).isEmpty();
            (devkit ? devkitRoots : notDevkit).add(d);
        }

        // Which image folder each annotation file points into: a layout decision made once, here.
        Map<String, Target> targetOfXml = new LinkedHashMap<>();
        if (!devkitRoots.isEmpty()) {
            for (String x : xmls) {
                String d = devkitRootOf(x);
                if (d != null && devkitRoots.contains(d)) {
                    String rel = x.substring(join(d, ANNOTATIONS).length() + 1);
                    String imageRoot = join(d, JPEG_IMAGES);
                    String imageFolder = join(imageRoot, DatasetPaths.parent(rel));
                    targetOfXml.put(x, new Target(imageRoot, imageFolder, stem(x)));
                }
            }
        } else {
            Map<String, List<String>> xmlsByFolder = new LinkedHashMap<>();
            for (String x : xmls) {
                xmlsByFolder.computeIfAbsent(DatasetPaths.parent(x), k -> new ArrayList<>()).add(x);
            }
            for (Map.Entry<String, List<String>> e : xmlsByFolder.entrySet()) {
                String folder = imageFolderFor(e.getKey(), e.getValue(), files, imagesByFolderAndStem);
                for (String x : e.getValue()) {
                    targetOfXml.put(x, new Target(folder, folder, stem(x)));
                }
            }
        }

        ClassList classes = classList(ctx, devkitRoots, targetOfXml.keySet());
        Map<String, Integer> classIds = new HashMap<>();
        for (String name : classes.names()) {
            if (classIds.putIfAbsent(name, classIds.size()) == null) {
                sink.classLabel(new ClassLabel(classIds.get(name), name));
            }
        }

        declareImages(ctx, devkitRoots, targetOfXml.values());

        String classDigest = classes.source() + "\0" + String.join("\n", classes.names());
        Map<String, Target> targetOfUnit = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (Map.Entry<String, Target> e : targetOfXml.entrySet()) {
            ctx.progress().checkCancelled();
            String xml = e.getKey();
            Target t = e.getValue();
            List<String> unitFiles = new ArrayList<>();
            unitFiles.add(xml);
            unitFiles.addAll(imagesByFolderAndStem.getOrDefault(t.imageFolder(), Map.of())
                    .getOrDefault(t.stem(), List.of()));
            String key = xml + "#" + checksum(classDigest, t);
            units.add(new Unit(key, unitFiles));
            targetOfUnit.put(key, t);
        }
        ctx.parseUnits(units, (unit, unitSink) ->
                parseUnit(ctx.root(), unit, targetOfUnit.get(unit.key()), classIds, classes.source(), unitSink));
    }

    // ---------------------------------------------------------------- layout

    private static List<String> xmlFiles(FileListing files) {
        List<String> xmls = new ArrayList<>();
        for (String p : files.withExtension("xml")) {
            if (!isHidden(p)) {
                xmls.add(p);
            }
        }
        return xmls;
    }

    /** The folder holding the {@code Annotations/} folder this file is under (any depth), or null. */
    private static String devkitRootOf(String xml) {
        String marker = "/" + ANNOTATIONS + "/";
        int at = xml.lastIndexOf(marker);
        if (at >= 0) {
            return xml.substring(0, at);
        }
        return xml.startsWith(ANNOTATIONS + "/") ? "" : null;
    }

    private static Map<String, Map<String, List<String>>> imagesByFolderAndStem(FileListing files) {
        Map<String, Map<String, List<String>>> result = new HashMap<>();
        for (String p : files.images()) {
            if (!isHidden(p)) {
                result.computeIfAbsent(DatasetPaths.parent(p), k -> new HashMap<>())
                        .computeIfAbsent(stem(p), k -> new ArrayList<>()).add(p);
            }
        }
        for (Map<String, List<String>> byStem : result.values()) {
            for (List<String> candidates : byStem.values()) {
                candidates.sort(VocFormat::compareByExtensionPreference);
            }
        }
        return result;
    }

    /** jpg before jpeg before png before the rest, then by name: the order the stem fallback tries them. */
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

    private static String imageFolderFor(String folder, List<String> xmls, FileListing files,
                                         Map<String, Map<String, List<String>>> imagesByFolderAndStem) {
        Set<String> stems = new TreeSet<>();
        for (String x : xmls) {
            stems.add(stem(x));
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(folder);
        for (String child : files.subfolders(folder)) {
            candidates.add(join(folder, child));
        }
        if (!folder.isEmpty()) {
            String parent = DatasetPaths.parent(folder);
            candidates.add(parent);
            for (String sibling : files.subfolders(parent)) {
                candidates.add(join(parent, sibling));
            }
        }
        String best = folder;
        int bestScore = 0;
        for (String c : candidates) {
            Map<String, List<String>> byStem = imagesByFolderAndStem.getOrDefault(c, Map.of());
            int score = 0;
            for (String s : stems) {
                if (byStem.containsKey(s)) {
                    score++;
                }
            }
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- images and splits

    private static void declareImages(ReadContext ctx, Set<String> devkitRoots, Iterable<Target> targets) {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        if (!devkitRoots.isEmpty()) {
            for (String d : devkitRoots) {
                Map<String, String> splitOfId = splitsOf(ctx, d);
                String imageRoot = join(d, JPEG_IMAGES);
                Set<String> idsWithImage = new TreeSet<>();
                for (String p : files.under(imageRoot)) {
                    ctx.progress().checkCancelled();
                    if (!DatasetPaths.isImage(p) || isHidden(p)) {
                        continue;
                    }
                    String id = DatasetPaths.stripExtension(p.substring(imageRoot.length() + 1));
                    idsWithImage.add(id);
                    String split = splitOfId.get(id);
                    sink.image(ImageRef.of(p, split != null ? split : ClassFoldersFormat.splitOfPath(p)));
                }
                // A split list naming an image that is not there: declare the devkit's path for it
                // (JPEGImages/<id>.jpg) so the indexer reports it missing, in its split.
                for (Map.Entry<String, String> e : splitOfId.entrySet()) {
                    if (!idsWithImage.contains(e.getKey())) {
                        String p = DatasetPaths.resolve(imageRoot, e.getKey() + ".jpg");
                        if (p != null) {
                            sink.image(ImageRef.of(p, e.getValue()));
                        }
                    }
                }
            }
        } else {
            Set<String> folders = new TreeSet<>();
            for (Target t : targets) {
                folders.add(t.imageFolder());
            }
            for (String folder : folders) {
                for (String p : files.in(folder)) {
                    if (DatasetPaths.isImage(p) && !isHidden(p)) {
                        sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                    }
                }
            }
        }
    }

    /**
     * Image id to split from {@code D/ImageSets/Main/<split>.txt}. {@code trainval} is the union of
     * {@code train} and {@code val} in VOC, so any other split wins over it; an id in two other splits keeps
     * the first (in file name order) and is reported.
     */
    private static Map<String, String> splitsOf(ReadContext ctx, String devkitRoot) {
        String main = join(join(devkitRoot, IMAGE_SETS), "Main");
        List<String> lists = new ArrayList<>(classOrSplitFiles(ctx, main, false));
        // trainval last, so it only fills in what train/val did not assign
        lists.sort((a, b) -> {
            boolean ta = stem(a).equals("trainval"), tb = stem(b).equals("trainval");
            return ta != tb ? Boolean.compare(ta, tb) : a.compareTo(b);
        });
        Map<String, String> splitOfId = new HashMap<>();
        for (String list : lists) {
            String split = stem(list);
            List<String> lines = readLines(ctx, list);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String id = line.split("\\s+")[0];
                String before = splitOfId.putIfAbsent(id, split);
                if (before != null && !before.equals(split) && !split.equals("trainval")) {
                    ctx.sink().problem(Problem.of(ProblemKind.OTHER, list, "line " + (i + 1),
                            "image '" + id + "' is also listed in split '" + before + "'; keeping '" + before + "'"));
                }
            }
        }
        return splitOfId;
    }

    /** The {@code .txt} files of {@code main} that are per-class lists ({@code classLists}) or split lists. */
    private static List<String> classOrSplitFiles(ReadContext ctx, String main, boolean classLists) {
        List<String> txts = new ArrayList<>();
        Set<String> stems = new TreeSet<>();
        for (String p : ctx.files().in(main)) {
            if (DatasetPaths.extension(p).equals("txt")) {
                txts.add(p);
                stems.add(stem(p));
            }
        }
        List<String> result = new ArrayList<>();
        for (String p : txts) {
            if (isClassList(ctx, p, stems) == classLists) {
                result.add(p);
            }
        }
        return result;
    }

    /**
     * {@code <class>_<split>.txt} when {@code <split>.txt} exists too (VOC's {@code train_train.txt} is class
     * "train", split "train"), or when its first line is {@code <id> <-1|0|1>}.
     */
    private static boolean isClassList(ReadContext ctx, String path, Set<String> stemsInFolder) {
        String s = stem(path);
        int underscore = s.lastIndexOf('_');
        if (underscore > 0 && stemsInFolder.contains(s.substring(underscore + 1))) {
            return true;
        }
        try (BufferedReader in = Files.newBufferedReader(ctx.root().resolve(path), StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    String[] parts = t.split("\\s+");
                    return parts.length == 2 && CLASS_FLAGS.contains(parts[1]);
                }
            }
        } catch (IOException e) {
            // not readable as text: readLines reports it when the file is read as a split list
        }
        return false;
    }

    private static List<String> readLines(ReadContext ctx, String path) {
        try {
            return Files.readAllLines(ctx.root().resolve(path), StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            ctx.sink().problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "not a UTF-8 text file"));
        } catch (IOException e) {
            ctx.sink().problem(ReadFailures.problem(path, e));
        }
        return List.of();
    }

    // ---------------------------------------------------------------- classes

    private static ClassList classList(ReadContext ctx, Set<String> devkitRoots, Set<String> xmls) {
        List<String> folders = new ArrayList<>();
        folders.add("");
        folders.addAll(devkitRoots);
        for (String file : List.of("labelmap.txt", "class_names.txt")) {
            for (String folder : folders) {
                String p = join(folder, file);
                if (ctx.files().contains(p)) {
                    List<String> names = new ArrayList<>();
                    for (String line : readLines(ctx, p)) {
                        String t = line.trim();
                        if (file.equals("labelmap.txt")) {
                            if (t.startsWith("#")) {
                                continue;
                            }
                            int colon = t.indexOf(':');
                            t = (colon >= 0 ? t.substring(0, colon) : t).trim();
                        }
                        if (!t.isEmpty() && !names.contains(t)) {
                            names.add(t);
                        }
                    }
                    return new ClassList(names, p);
                }
            }
        }
        Set<String> fromClassLists = new TreeSet<>();
        String firstClassList = null;
        for (String d : devkitRoots) {
            for (String p : classOrSplitFiles(ctx, join(join(d, IMAGE_SETS), "Main"), true)) {
                String s = stem(p);
                int underscore = s.lastIndexOf('_');
                fromClassLists.add(underscore > 0 ? s.substring(0, underscore) : s);
                firstClassList = firstClassList == null ? p : firstClassList;
            }
        }
        if (!fromClassLists.isEmpty()) {
            return new ClassList(List.copyOf(fromClassLists), DatasetPaths.parent(firstClassList)
                    + "/<class>_<split>.txt");
        }
        return new ClassList(scanNames(ctx, xmls), null);
    }

    /** The sorted class names of all objects of all annotation files. Parallel: it is I/O-bound. */
    private static List<String> scanNames(ReadContext ctx, Set<String> xmls) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        new ArrayList<>(xmls).parallelStream().forEach(x -> {
            ctx.progress().checkCancelled();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(ctx.root().resolve(x)))) {
                VocXml.Document doc = VocXml.parse(in);
                if (doc.isVoc()) {
                    for (VocXml.VocObject o : doc.objects()) {
                        if (o.name() != null && !o.name().isEmpty()) {
                            names.add(o.name());
                        }
                    }
                }
            } catch (IOException e) {
                // the unit reads this file again and reports what is wrong with it
            }
        });
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        return sorted;
    }

    /** A checksum of everything besides its files that a unit's output depends on. */
    private static String checksum(String classDigest, Target t) {
        return UnitChecksum.of(classDigest + "\0" + t.imageRoot() + "\0" + t.imageFolder());
    }

    // ---------------------------------------------------------------- units

    private static void parseUnit(Path root, Unit unit, Target target, Map<String, Integer> classIds,
                                  String classSource, DatasetSink sink) {
        String xml = unit.files().get(0);
        VocXml.Document doc;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(root.resolve(xml)))) {
            doc = VocXml.parse(in);
        } catch (IOException e) {
            sink.problem(ReadFailures.problem(xml, e));
            return;
        }
        if (doc.error() != null) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml,
                    doc.errorLine() > 0 ? "line " + doc.errorLine() : "",
                    "not well-formed XML: " + doc.error()
                            + (doc.objects().isEmpty() ? "" : "; the objects before it were read")));
        }
        if (!doc.isVoc()) {
            if (doc.rootName() != null) {
                sink.problem(Problem.of(ProblemKind.OTHER, xml, "root element is <" + doc.rootName()
                        + ">, not Pascal VOC's <annotation>; file skipped"));
            }
            return;
        }
        String image = imagePath(xml, doc.filename(), target, unit.files().subList(1, unit.files().size()), sink);
        if (image == null) {
            return;
        }
        sink.image(new ImageRef(image, null, size(doc.width(), "width", xml, sink),
                size(doc.height(), "height", xml, sink)));
        for (VocXml.VocObject o : doc.objects()) {
            emitObject(xml, image, o, classIds, classSource, sink);
        }
    }

    private static String imagePath(String xml, String filename, Target t, List<String> stemImages,
                                    DatasetSink sink) {
        String named = null;
        if (filename != null && !filename.isEmpty()) {
            boolean hasFolder = filename.indexOf('/') >= 0 || filename.indexOf('\\') >= 0;
            named = DatasetPaths.resolve(hasFolder ? t.imageRoot() : t.imageFolder(), filename);
            if (named == null) {
                sink.problem(Problem.of(ProblemKind.PATH_ESCAPES_ROOT, xml, "<filename> '" + filename
                        + "' points outside the dataset folder; file skipped"));
                return null;
            }
            if (stemImages.contains(named)) {
                return named;
            }
        }
        if (!stemImages.isEmpty()) {
            String chosen = stemImages.get(0);
            if (named != null) {
                String ext = DatasetPaths.extension(named);
                for (String s : stemImages) {
                    if (DatasetPaths.extension(s).equals(ext)) {
                        chosen = s;
                        break;
                    }
                }
                if (DatasetPaths.isImage(named)) {
                    sink.problem(Problem.of(ProblemKind.OTHER, xml, "<filename> is '" + filename
                            + "', but the image named like this annotation file is '" + chosen + "'; using it"));
                }
            }
            return chosen;
        }
        if (named != null) {
            // "2007_000001" without an extension: the devkit's images are .jpg
            return DatasetPaths.isImage(named) ? named : named + ".jpg";
        }
        return join(t.imageFolder(), t.stem() + ".jpg");
    }

    private static int size(String text, String what, String xml, DatasetSink sink) {
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
        sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml, "<size><" + what + "> is '" + text
                + "'; expected a whole number of pixels"));
        return 0;
    }

    private static void emitObject(String xml, String image, VocXml.VocObject o, Map<String, Integer> classIds,
                                   String classSource, DatasetSink sink) {
        String at = "line " + o.line();
        if (o.name() == null || o.name().isEmpty()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml, at,
                    "<object> without a <name>; expected the class name"));
            return;
        }
        Integer classId = classIds.get(o.name());
        if (classId == null) {
            sink.problem(Problem.of(ProblemKind.UNKNOWN_CLASS, xml, at, "class '" + o.name() + "' is not in "
                    + (classSource == null ? "the class list" : classSource) + " (" + classIds.size()
                    + " classes); object skipped"));
            return;
        }
        if (!o.hasBox()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml, at, "object '" + o.name()
                    + "' has no <bndbox>; expected <xmin>, <ymin>, <xmax>, <ymax>"));
            return;
        }
        List<String> bad = new ArrayList<>();
        double xmin = coordinate("xmin", o.xmin(), bad);
        double ymin = coordinate("ymin", o.ymin(), bad);
        double xmax = coordinate("xmax", o.xmax(), bad);
        double ymax = coordinate("ymax", o.ymax(), bad);
        if (!bad.isEmpty()) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, xml, at, "object '" + o.name() + "': "
                    + String.join(", ", bad) + "; expected numbers"));
            return;
        }
        sink.annotation(new Annotation(image, classId, toPixels(xmin, ymin, xmax, ymax), List.of(), false,
                o.attributes()));
    }

    private static double coordinate(String name, String text, List<String> bad) {
        if (text == null || text.isEmpty()) {
            bad.add("<" + name + "> is missing");
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported by the caller
        }
        bad.add("<" + name + "> is '" + text + "'");
        return Double.NaN;
    }

    /** VOC's 1-based inclusive corners to Loupe's box (0-based pixel edges, see {@link BoundingBox}). */
    static BoundingBox toPixels(double xmin, double ymin, double xmax, double ymax) {
        // NOTE: the VOC devkit (VOCdevkit devkit_doc: bounding boxes are "pixel indices, 1-based"; its
        // evaluation code takes a box's width as xmax - xmin + 1) uses 1-based inclusive corners: column xmin
        // is the box's first column and xmax its last. In Loupe's 0-based edge coordinates the box starts at
        // the left edge of column xmin - 1 and is xmax - xmin + 1 columns wide. Detectron2's VOC loader does
        // the same ("make pixel indexes 0-based"). labelImg (clamps xmin to >= 1), labelme and datumaro write
        // other conventions; we apply this one to every file rather than guess per file (class Javadoc).
        // A writer must invert it exactly: xmin = x + 1, xmax = x + width.
        return new BoundingBox(xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1);
    }

    // ---------------------------------------------------------------- small helpers

    private static String stem(String path) {
        return DatasetPaths.stripExtension(DatasetPaths.fileName(path));
    }

    private static String join(String folder, String name) {
        if (folder.isEmpty()) {
            return name;
        }
        return name.isEmpty() ? folder : folder + "/" + name;
    }

    private static boolean isHidden(String path) {
        return ClassFoldersFormat.isHidden(path);
    }
}
