package loupe.core.formats;

import java.io.IOException;
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
import java.util.regex.Pattern;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * KITTI object labels (the 2D/3D object benchmark): {@code label_2/<id>.txt} beside {@code image_2/<id>.png},
 * one object a line, {@code type truncated occluded alpha x1 y1 x2 y2 h w l x y z rotation_y [score]}.
 *
 * <p><b>Layout.</b> A <em>KITTI folder</em> is one that holds a {@code label_2/} folder: the dataset root, or
 * {@code training/} as in the benchmark's download (any depth). Every {@code .txt} directly in a
 * {@code label_2/} folder is a label file; its image is the file of the same name in the {@code image_2/}
 * folder beside it (png first, then jpg, jpeg, the rest), or, when there is none, {@code image_2/<id>.png} is
 * declared so the indexer reports it missing. Every image in the {@code image_2/} folder of a KITTI folder, or
 * of a folder beside one ({@code testing/image_2}, which has no labels), is declared. The split is the split
 * folder above the image ({@code training}, {@code testing}, as written), else none. Calibration, velodyne,
 * {@code label_02} tracking labels and KITTI's segmentation and raw layouts are not read.
 *
 * <p><b>Coordinates.</b> {@code x1 y1 x2 y2} are the left, top, right and bottom of the box in 0-based
 * pixel coordinates (devkit readme), read as edges: {@code x = x1, width = x2 - x1}. NOTE: the devkit's
 * evaluation ({@code evaluate_object.cpp}, {@code boxoverlap}) measures boxes exactly so, without the +1 of
 * VOC; KITTI's labels do clip boxes to {@code x2 = 1241} in 1242-pixel-wide images, so a clipped box ends one
 * pixel short of the image's right edge, as it does for KITTI's own evaluation.
 *
 * <p><b>Classes.</b> KITTI names classes and has no class list file: ids are 0..N-1 over the sorted
 * ({@link String#compareTo}) types of all lines of all label files, collected in a scan before the units are
 * parsed; each unit's key carries a checksum of that list (as {@link VocFormat} does), so cached units never
 * keep stale ids. {@code DontCare} is kept as a class like any other: its lines mark regions where objects
 * were not labelled (the devkit's evaluation ignores detections there), the count of such regions is worth
 * seeing in the statistics, and a KITTI writer must write them back; remove or remap it to leave it out.
 *
 * <p><b>Attributes.</b> {@code truncated}, {@code occluded}, {@code alpha}, {@code dimensions} ("h w l", metres),
 * {@code location} ("x y z", camera coordinates), {@code rotation_y} and, for results files, {@code score}
 * are kept as written. A line with a number of fields other than 15 or 16, or a field that is not a number, is
 * reported ({@code MALFORMED_ANNOTATION}, "line N") and skipped; at most {@value #MAX_LINE_PROBLEMS} a file are
 * listed. Stateless and thread-safe.
 */
public final class KittiFormat implements DatasetFormat {

    static final String LABELS = "label_2";
    static final String IMAGES = "image_2";
    static final int MAX_LINE_PROBLEMS = 20;
    private static final int PROBE_LABELS = 3;
    private static final int PROBE_BYTES = 1024;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String FIELDS = "type truncated occluded alpha x1 y1 x2 y2 h w l x y z rotation_y";

    @Override
    public String id() {
        return "kitti";
    }

    @Override
    public String displayName() {
        return "KITTI object labels";
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        List<String> labels = labelFiles(files);
        if (labels.isEmpty()) {
            return Support.none("no .txt files in a label_2/ folder");
        }
        int looked = 0;
        for (String label : labels) {
            if (looked++ == PROBE_LABELS) {
                break;
            }
            String first = YoloReader.head(root.resolve(label), PROBE_BYTES).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
            if (first == null) {
                continue;
            }
            Line line = parseLine(first);
            if (line.error() != null) {
                return Support.none(label + " does not hold KITTI object lines (" + line.error() + ")");
            }
            String folder = kittiFolderOf(label);
            boolean images = !files.under(join(folder, IMAGES)).isEmpty();
            return new Support(images ? 0.9 : 0.8, label + " holds KITTI object lines (" + FIELDS + ")"
                    + (images ? " beside an image_2/ folder" : ", but there is no image_2/ folder beside it")
                    + ", " + labels.size() + " label files");
        }
        return new Support(0.5, labels.size() + " label files in label_2/ folders, all empty (looked at "
                + Math.min(PROBE_LABELS, labels.size()) + ")");
    }

    @Override
    public DatasetReader reader() {
        return KittiFormat::read;
    }

    /** Writes the benchmark's layout; see {@link KittiWriter} for the fields and what KITTI cannot hold. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new KittiWriter());
    }

    // ---------------------------------------------------------------- layout

    static List<String> labelFiles(FileListing files) {
        List<String> result = new ArrayList<>();
        for (String p : files.withExtension("txt")) {
            if (!ClassFoldersFormat.isHidden(p)
                    && DatasetPaths.fileName(DatasetPaths.parent(p)).equals(LABELS)) {
                result.add(p);
            }
        }
        return result;
    }

    /** The folder holding the label_2/ folder of a label file ("" for the root). */
    private static String kittiFolderOf(String label) {
        return DatasetPaths.parent(DatasetPaths.parent(label));
    }

    private static void read(ReadContext ctx) throws IOException {
        FileListing files = ctx.files();
        DatasetSink sink = ctx.sink();
        List<String> labels = labelFiles(files);

        // KITTI folders, and the folders beside them (testing/ beside training/) whose image_2/ is declared too.
        Set<String> kittiFolders = new TreeSet<>();
        for (String label : labels) {
            kittiFolders.add(kittiFolderOf(label));
        }
        Set<String> imageFolders = new TreeSet<>();
        for (String k : kittiFolders) {
            imageFolders.add(join(k, IMAGES));
            if (!k.isEmpty()) {
                String parent = DatasetPaths.parent(k);
                for (String sibling : files.subfolders(parent)) {
                    String imagesOfSibling = join(join(parent, sibling), IMAGES);
                    if (!files.under(imagesOfSibling).isEmpty()) {
                        imageFolders.add(imagesOfSibling);
                    }
                }
            }
        }
        Map<String, Map<String, List<String>>> imagesByFolderAndStem = new HashMap<>();
        for (String folder : imageFolders) {
            for (String p : files.in(folder)) {
                if (DatasetPaths.isImage(p) && !ClassFoldersFormat.isHidden(p)) {
                    sink.image(ImageRef.of(p, ClassFoldersFormat.splitOfPath(p)));
                    imagesByFolderAndStem.computeIfAbsent(folder, f -> new HashMap<>())
                            .computeIfAbsent(stem(p), s -> new ArrayList<>()).add(p);
                }
            }
        }
        for (Map<String, List<String>> byStem : imagesByFolderAndStem.values()) {
            byStem.values().forEach(l -> l.sort(KittiFormat::compareByExtensionPreference));
        }

        List<String> names = scanNames(ctx, labels);
        Map<String, Integer> classIds = new HashMap<>();
        for (String name : names) {
            classIds.put(name, classIds.size());
            sink.classLabel(new ClassLabel(classIds.get(name), name));
        }
        String classDigest = UnitChecksum.of(String.join("\n", names));

        List<Unit> units = new ArrayList<>();
        for (String label : labels) {
            ctx.progress().checkCancelled();
            String folder = join(kittiFolderOf(label), IMAGES);
            List<String> unitFiles = new ArrayList<>();
            unitFiles.add(label);
            unitFiles.addAll(imagesByFolderAndStem.getOrDefault(folder, Map.of()).getOrDefault(stem(label), List.of()));
            units.add(new Unit(label + "#" + classDigest, unitFiles));
        }
        ctx.parseUnits(units, (unit, unitSink) -> parseUnit(ctx.root(), unit, classIds, unitSink));
    }

    /** png (KITTI's own) before jpg, jpeg and the rest, then by name. */
    private static int compareByExtensionPreference(String a, String b) {
        int c = Integer.compare(extensionRank(a), extensionRank(b));
        return c != 0 ? c : a.compareTo(b);
    }

    private static int extensionRank(String path) {
        return switch (DatasetPaths.extension(path)) {
            case "png" -> 0;
            case "jpg" -> 1;
            case "jpeg" -> 2;
            default -> 3;
        };
    }

    /** The sorted object types of all lines of all label files. Parallel: it is I/O-bound. */
    private static List<String> scanNames(ReadContext ctx, List<String> labels) {
        Set<String> names = ConcurrentHashMap.newKeySet();
        labels.parallelStream().forEach(label -> {
            ctx.progress().checkCancelled();
            try {
                for (String line : YoloReader.readLines(ctx.root().resolve(label))) {
                    String text = line.strip();
                    if (!text.isEmpty() && parseLine(text).error() == null) {
                        names.add(WHITESPACE.split(text, 2)[0]);
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

    // ---------------------------------------------------------------- label files

    /** One parsed line; exactly one of {@code box} and {@code error} is set. */
    record Line(String type, BoundingBox box, Map<String, String> attributes, String error) {

        static Line failed(String error) {
            return new Line(null, null, Map.of(), error);
        }
    }

    /** Parses one non-blank label line. */
    static Line parseLine(String text) {
        String[] f = WHITESPACE.split(text.strip());
        if (f.length != 15 && f.length != 16) {
            return Line.failed("found " + f.length + (f.length == 1 ? " field" : " fields") + ", expected 15 ("
                    + FIELDS + ") or 16 with a score");
        }
        for (int i = 1; i < f.length; i++) {
            if (!TfodCsvFormat.NUMBER.matcher(f[i]).matches()) {
                return Line.failed("field " + (i + 1) + " (" + fieldName(i) + ") is '" + f[i] + "'; expected a number");
            }
        }
        double x1 = Double.parseDouble(f[4]), y1 = Double.parseDouble(f[5]);
        double x2 = Double.parseDouble(f[6]), y2 = Double.parseDouble(f[7]);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("truncated", f[1]);
        attributes.put("occluded", f[2]);
        attributes.put("alpha", f[3]);
        attributes.put("dimensions", f[8] + " " + f[9] + " " + f[10]);
        attributes.put("location", f[11] + " " + f[12] + " " + f[13]);
        attributes.put("rotation_y", f[14]);
        if (f.length == 16) {
            attributes.put("score", f[15]);
        }
        return new Line(f[0], BoundingBox.fromCorners(x1, y1, x2, y2), attributes, null);
    }

    private static String fieldName(int index) {
        return index < 15 ? FIELDS.split(" ")[index] : "score";
    }

    private static void parseUnit(Path root, Unit unit, Map<String, Integer> classIds, DatasetSink sink) {
        String label = unit.files().get(0);
        String image = unit.files().size() > 1 ? unit.files().get(1)
                : join(join(kittiFolderOf(label), IMAGES), stem(label) + ".png");
        List<String> lines;
        try {
            lines = YoloReader.readLines(root.resolve(label));
        } catch (IOException e) {
            sink.problem(ReadFailures.problem(label, e));
            return;
        }
        sink.image(ImageRef.of(image, ClassFoldersFormat.splitOfPath(image)));
        int bad = 0, objects = 0;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty()) {
                continue;
            }
            Line line = parseLine(text);
            Integer classId = line.error() == null ? classIds.get(line.type()) : null;
            if (line.error() != null || classId == null) {
                // A type missing from the scanned list means the file changed since the scan: report it as bad.
                String error = line.error() != null ? line.error()
                        : "type '" + line.type() + "' appeared after the class scan; index again";
                if (++bad <= MAX_LINE_PROBLEMS) {
                    sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, label, "line " + (i + 1), error));
                }
                continue;
            }
            objects++;
            sink.annotation(new Annotation(image, classId, line.box(), List.of(), false, line.attributes()));
        }
        if (bad > MAX_LINE_PROBLEMS) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, label, "", (bad - MAX_LINE_PROBLEMS)
                    + " more malformed lines not listed (" + bad + " of " + (bad + objects) + " lines are bad)"));
        }
    }

    private static String stem(String path) {
        return DatasetPaths.stripExtension(DatasetPaths.fileName(path));
    }

    private static String join(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }
}
