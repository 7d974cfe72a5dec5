package loupe.core.formats;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import loupe.core.imaging.ImageHeader;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;
import loupe.core.task.Progress;

/**
 * YOLO text labels, in the Ultralytics layouts ({@code data.yaml}; {@code images/<split>} beside
 * {@code labels/<split>}, or Roboflow's {@code <split>/images} beside {@code <split>/labels}) and the darknet
 * ones ({@code obj.data}, {@code obj.names} or {@code classes.txt}; images and labels side by side, or in
 * parallel {@code images/} and {@code labels/} trees). Finding the files is {@link YoloReader}'s job.
 *
 * <p>Each line of a label file is one object: {@code class cx cy w h} (box centre and size) or
 * {@code class x1 y1 x2 y2 x3 y3 ...} (a polygon), every coordinate a fraction of the image's width or
 * height. This class converts them to the pixel boxes of {@link BoundingBox}, using the image size from
 * its file header; a polygon's box is its bounds. Class ids are the line index in the names list.
 */
public final class YoloFormat implements DatasetFormat {

    /** A plain decimal number; Double.parseDouble alone would also take "NaN", "Infinity" and "1f". */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    /** A class id; some exporters write it as a float ("3.0"). */
    private static final Pattern CLASS_ID = Pattern.compile("\\d+(\\.0*)?");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final int PROBE_LABELS = 3;
    private static final int PROBE_BYTES = 1024;
    /** Bad lines reported one by one per file; the rest are counted, so a stray text file cannot flood the audit. */
    static final int MAX_LINE_PROBLEMS = 20;

    @Override
    public boolean needsImageHeaders() {
        return true;
    }

    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new YoloWriter());
    }

    @Override
    public String id() {
        return "yolo";
    }

    @Override
    public String displayName() {
        return "YOLO";
    }

    @Override
    public Support probe(FileListing files, Path root) throws IOException {
        // Cheap exit before pairing every image with a label (a full pass over the listing).
        if (files.all().stream().noneMatch(p -> p.endsWith(".txt") || p.endsWith(".yaml") || p.endsWith(".yml")
                || p.endsWith(".names") || p.endsWith(".data"))) {
            return Support.none("no data.yaml, obj.data, obj.names or classes.txt, and no label .txt files");
        }
        YoloReader.YamlConfig yaml = null;
        List<String> yamls = YoloReader.yamlCandidates(files);
        for (String candidate : yamls.subList(0, Math.min(3, yamls.size()))) {
            yaml = YoloReader.readYaml(root, candidate, null);
            if (yaml != null) {
                break;
            }
        }
        String darknetData = null;
        for (String candidate : YoloReader.darknetDataCandidates(files)) {
            String head = YoloReader.head(root.resolve(candidate), PROBE_BYTES);
            if (Pattern.compile("(?m)^\\s*(names|train|classes)\\s*=").matcher(head).find()) {
                darknetData = candidate;
                break;
            }
        }
        String namesFile = YoloReader.namesFileCandidate(files);
        YoloReader.Pairing pairing = YoloReader.pair(files, namesFile == null ? Set.of() : Set.of(namesFile),
                Progress.NONE);
        int labels = pairing.labels().size();
        int keypointValues = yaml != null ? yaml.keypointValues() : 0;

        String notYolo = null;
        int looked = 0;
        for (String label : pairing.labels().keySet()) {
            if (looked++ == PROBE_LABELS) {
                break;
            }
            String first = YoloReader.head(root.resolve(label), PROBE_BYTES).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
            String error = first == null ? null : parseLine(first, keypointValues).error();
            if (error != null) {
                notYolo = label + " does not hold YOLO lines (" + error + ")";
                break;
            }
        }
        String found = labels == 0 ? "no label .txt files next to images"
                : labels + (labels == 1 ? " label .txt file matches an image" : " label .txt files match images")
                        + (pairing.parallel() > 0 ? " (a labels folder beside an images folder)" : " (side by side)");
        boolean hasNames = yaml != null && yaml.names() != null;
        String config = hasNames ? yaml.path() + " names " + yaml.names().size()
                + (yaml.names().size() == 1 ? " class" : " classes")
                : yaml != null ? yaml.path() + " has train/val entries"
                : darknetData != null ? darknetData + " describes a darknet dataset"
                : namesFile != null ? namesFile + " lists the classes" : null;

        if (notYolo != null) {
            return yaml != null || darknetData != null
                    ? new Support(0.5, config + ", but " + notYolo)
                    : Support.none(notYolo);
        }
        if (hasNames || darknetData != null) {
            return new Support(labels > 0 ? (hasNames ? 0.95 : 0.9) : 0.6, config + "; " + found);
        }
        if (config != null && labels > 0) {
            return new Support(0.9, config + "; " + found);
        }
        if (pairing.parallel() > 0) {
            return new Support(0.8, found + "; no class names file");
        }
        if (labels > 0) {
            return new Support(0.5, found + "; no class names file");
        }
        return Support.none(config != null ? config + ", but " + found
                : "no data.yaml, obj.data, obj.names or classes.txt, and " + found);
    }

    @Override
    public DatasetReader reader() {
        return new YoloReader();
    }

    // ---------------------------------------------------------------- label files

    /**
     * One label line, still normalised: a box ({@code cx cy w h}) or a polygon ({@code x1 y1 x2 y2 ...}).
     * Exactly one of {@code values} and {@code error} is set.
     */
    record Line(int classId, double[] values, boolean polygon, String error) {

        static Line failed(String error) {
            return new Line(-1, null, false, error);
        }
    }

    /**
     * Parses one non-blank label line. With {@code keypointValues > 0} (a pose dataset's kpt_shape) a line is
     * a box followed by that many keypoint values, which are skipped; without, an even count of six or more
     * numbers after the class is a polygon.
     */
    static Line parseLine(String line, int keypointValues) {
        String text = line.strip();
        Line fast = parsePlainLine(text, keypointValues);
        return fast != null ? fast : parseLineStrictly(text, keypointValues);
    }

    /** Powers of ten that are exact doubles: a decimal of at most 15 digits divided by one is correctly rounded. */
    private static final double[] EXACT_POWERS = new double[23];

    static {
        EXACT_POWERS[0] = 1;
        for (int i = 1; i < EXACT_POWERS.length; i++) {
            EXACT_POWERS[i] = EXACT_POWERS[i - 1] * 10;
        }
    }

    /**
     * The common line, without regular expressions: a class id of digits ({@code 3} or {@code 3.0}) and
     * plain decimals ({@code 0.123456789}, at most 15 digits, no exponent). Null for anything else, which
     * {@link #parseLineStrictly} then reads or reports; the result is the same {@link Line} it would give.
     * Parsing the label lines with three regular expressions per field was the largest cost of indexing
     * 120,000 polygon label files (issue 3's benchmark).
     */
    private static Line parsePlainLine(String text, int keypointValues) {
        int length = text.length();
        // Field boundaries: starts[i] and ends[i]; lines of polygons have tens of fields.
        int[] bounds = new int[32];
        int fields = 0;
        int i = 0;
        while (i < length) {
            while (i < length && isSpace(text.charAt(i))) {
                i++;
            }
            if (i == length) {
                break;
            }
            int start = i;
            while (i < length && !isSpace(text.charAt(i))) {
                i++;
            }
            if (2 * fields + 2 > bounds.length) {
                bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[2 * fields] = start;
            bounds[2 * fields + 1] = i;
            fields++;
        }
        int numbers = fields - 1;
        boolean box = numbers == 4 || (keypointValues > 0 && numbers == 4 + keypointValues);
        boolean polygon = keypointValues == 0 && numbers >= 6 && numbers % 2 == 0;
        if (!box && !polygon) {
            return null;
        }
        int classId = 0;
        int end = bounds[1];
        int at = bounds[0];
        if (end - at > 9) {
            return null;
        }
        for (; at < end && text.charAt(at) != '.'; at++) {
            char c = text.charAt(at);
            if (c < '0' || c > '9') {
                return null;
            }
            classId = classId * 10 + (c - '0');
        }
        if (at == bounds[0]) {
            return null;
        }
        for (int z = at + 1; z < end; z++) {
            if (text.charAt(z) != '0') {
                return null;
            }
        }
        int kept = box ? 4 : numbers;
        double[] values = new double[kept];
        for (int f = 0; f < kept; f++) {
            double v = plainDecimal(text, bounds[2 * f + 2], bounds[2 * f + 3]);
            if (Double.isNaN(v)) {
                return null;
            }
            values[f] = v;
        }
        return new Line(classId, values, polygon, null);
    }

    /** Java's {@code \s}: the characters the strict path splits fields on. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * {@code [-+]?digits[.digits]} with 1..15 digits in all, as the nearest double (the same value as
     * {@link Double#parseDouble}: both operands of the division are exact); NaN for any other text.
     */
    static double plainDecimal(String text, int from, int to) {
        int at = from;
        boolean negative = false;
        if (at < to && (text.charAt(at) == '-' || text.charAt(at) == '+')) {
            negative = text.charAt(at) == '-';
            at++;
        }
        long mantissa = 0;
        int digits = 0;
        int decimals = 0;
        boolean point = false;
        for (; at < to; at++) {
            char c = text.charAt(at);
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (point) {
                    decimals++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || digits > 15) {
            return Double.NaN;
        }
        double v = decimals == 0 ? mantissa : mantissa / EXACT_POWERS[decimals];
        return negative ? -v : v;
    }

    /** Parses a stripped line with the grammar's regular expressions, with a message for every kind of fault. */
    static Line parseLineStrictly(String text, int keypointValues) {
        String[] fields = WHITESPACE.split(text);
        int numbers = fields.length - 1;
        boolean box = numbers == 4 || (keypointValues > 0 && numbers == 4 + keypointValues);
        boolean polygon = keypointValues == 0 && numbers >= 6 && numbers % 2 == 0;
        if (!box && !polygon) {
            String expected = keypointValues > 0
                    ? "'class cx cy w h' followed by " + keypointValues + " keypoint values (kpt_shape in data.yaml)"
                    : "'class cx cy w h' or a polygon 'class x1 y1 x2 y2 x3 y3 ...'";
            return Line.failed("expected " + expected + ", found " + fields.length
                    + (fields.length == 1 ? " field" : " fields"));
        }
        if (fields[0].startsWith("-") && NUMBER.matcher(fields[0]).matches()) {
            return Line.failed("class id " + fields[0] + " is negative");
        }
        if (!CLASS_ID.matcher(fields[0]).matches()) {
            return Line.failed("class id '" + fields[0] + "' is not a whole number");
        }
        Integer classId = YoloReader.parseClassId(fields[0].contains(".")
                ? fields[0].substring(0, fields[0].indexOf('.')) : fields[0]);
        if (classId == null) {
            return Line.failed("class id " + fields[0] + " is too large");
        }
        int kept = box ? 4 : numbers;
        double[] values = new double[kept];
        for (int i = 0; i < kept; i++) {
            String field = fields[i + 1];
            if (!NUMBER.matcher(field).matches()) {
                return Line.failed("field " + (i + 2) + " '" + field + "' is not a number");
            }
            values[i] = Double.parseDouble(field);
        }
        return new Line(classId, values, polygon, null);
    }

    /**
     * Converts a parsed line to pixels for an image of {@code width} x {@code height}: the box corner is
     * {@code ((cx - w/2) W, (cy - h/2) H)}; a polygon's points are scaled and its box is their bounds.
     */
    static Annotation toPixels(String imagePath, Line line, int width, int height) {
        double[] v = line.values();
        if (!line.polygon()) {
            BoundingBox box = new BoundingBox((v[0] - v[2] / 2) * width, (v[1] - v[3] / 2) * height,
                    v[2] * width, v[3] * height);
            return Annotation.box(imagePath, line.classId(), box);
        }
        double[] points = new double[v.length];
        for (int i = 0; i < v.length; i += 2) {
            points[i] = v[i] * width;
            points[i + 1] = v[i + 1] * height;
        }
        Polygon polygon = new Polygon(points);
        return new Annotation(imagePath, line.classId(), polygon.bounds(), List.of(polygon), false, Map.of());
    }

    /**
     * Parses one label file and emits its objects for each of {@code images} (normally one). Bad lines become
     * {@code MALFORMED_ANNOTATION} problems at "line N"; blank lines, CRLF endings and a missing final newline
     * are fine; an empty file is an image with no objects.
     */
    static void parseLabelFile(ReadContext ctx, String labelPath, List<String> images, int keypointValues,
                               DatasetSink sink) {
        List<String> lines;
        try {
            lines = YoloReader.readLines(ctx.root().resolve(labelPath));
        } catch (NoSuchFileException e) {
            sink.problem(Problem.of(ProblemKind.FILE_VANISHED, labelPath, "", "label file disappeared while reading"));
            return;
        } catch (IOException e) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, labelPath, "", "cannot be read: " + e.getMessage()));
            return;
        }
        List<Line> objects = new ArrayList<>();
        int bad = 0;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty()) {
                continue;
            }
            Line line = parseLine(text, keypointValues);
            if (line.error() == null) {
                objects.add(line);
            } else if (++bad <= MAX_LINE_PROBLEMS) {
                sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, labelPath, "line " + (i + 1), line.error()));
            }
        }
        if (bad > MAX_LINE_PROBLEMS) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, labelPath, "",
                    (bad - MAX_LINE_PROBLEMS) + " more malformed lines not listed (" + bad + " of "
                            + (bad + objects.size()) + " lines are bad)"));
        }
        if (objects.isEmpty()) {
            return;
        }
        for (String image : images) {
            ImageHeader header = ctx.header(image);
            if (header == null) {
                // The indexer reports the unreadable image itself; here only say what is lost with it.
                sink.problem(new Problem(Severity.WARNING, ProblemKind.OTHER, labelPath, "",
                        objects.size() + (objects.size() == 1 ? " object" : " objects") + " not placed: the size of "
                                + image + " cannot be read, and YOLO coordinates are fractions of it"));
                continue;
            }
            for (Line line : objects) {
                sink.annotation(toPixels(image, line, header.width(), header.height()));
            }
        }
    }
}
