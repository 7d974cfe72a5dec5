package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;

/**
 * The byte-level fast path of the chunked COCO parse ({@link CocoAnnotationScanner}) gives exactly what Jackson
 * gives over the same chunks, and what the one-pass parse gives: every annotation (doubles compared by their
 * bits), attribute and problem, in order, for odd number forms, escapes, non-ASCII text, RLE masks, malformed
 * records and malformed JSON.
 */
class CocoFastPathTest {

    @TempDir
    Path dir;

    private long savedMin;
    private int savedChunk;
    private boolean savedFast;

    @BeforeEach
    void remember() {
        savedMin = CocoReader.outlineMinBytes;
        savedChunk = CocoReader.chunkBytes;
        savedFast = CocoReader.fastPath;
    }

    @AfterEach
    void restore() {
        CocoReader.outlineMinBytes = savedMin;
        CocoReader.chunkBytes = savedChunk;
        CocoReader.fastPath = savedFast;
    }

    /** Number literals Jackson reads in ways a hand-written reader could get wrong. */
    private static final List<String> ODD_NUMBERS = List.of("0", "-0", "-0.0", "0.0", "12.50", "1e-3", "1E+2",
            "0.1e1", "-1.5E-7", "9007199254740993", "-9007199254740993", "123456789012345678",
            "1234567890123456789", "12345678901234567890123", "0.30000000000000004", "2.2250738585072014E-308",
            "4.9e-324", "1e400", "-1e400", "1.7976931348623157e308", "3.141592653589793238462643383279",
            "0.000000000000000000000000001", "1e22", "1e23", "8.98846567431158e307", "100", "7.0", "NaN",
            "Infinity", "-Infinity", "1.00000000000000000000000000001", "99999999999999999.5", "9999999999999999999",
            "-9223372036854775808", "9223372036854775807", "18446744073709551617", "9999999999999999999.0");

    @Test
    void fastPathReadsGeneratedRecordsAsJacksonDoes() throws Exception {
        List<String> all = new ArrayList<>();
        // Several small files rather than one big one: a file lists its first 100 problems only.
        for (int seed = 0; seed < 20; seed++) {
            Path root = dataset(generated(150, seed, null), "ds" + seed);
            List<String> jackson = parse(root, false, 4);
            long before = CocoReader.FAST_RECORDS.sum();
            List<String> fast = parse(root, true, 4);
            long scanned = CocoReader.FAST_RECORDS.sum() - before;
            assertTrue(scanned > 60 && scanned < 150,
                    "the fast path read most records, Jackson the others: " + scanned);
            assertSame(jackson, fast);
            assertSame(parse(root, false, 1, Long.MAX_VALUE), fast);
            assertFalse(fast.stream().anyMatch(s -> s.contains("more problems in this file")), "all listed");
            all.addAll(fast);
        }
        assertTrue(all.stream().filter(s -> s.startsWith("annotation")).count() > 1500, "most records are read");
        assertTrue(all.stream().anyMatch(s -> s.startsWith("problem") && s.contains("/annotations/")),
                "the fixture has bad records");
        assertTrue(all.stream().anyMatch(s -> s.contains("rle=")), "the fixture has masks");
        assertTrue(all.stream().anyMatch(s -> s.contains("é")), "the fixture has non-ASCII text");
    }

    @Test
    void oddNumberFormsGiveTheSameDoublesAndTexts() throws Exception {
        StringBuilder annotations = new StringBuilder();
        int id = 1;
        for (String n : ODD_NUMBERS) {
            for (String field : List.of("bbox", "polygon", "area", "iscrowd")) {
                String bbox = field.equals("bbox") ? "[" + n + ", 1, 2, " + n + "]" : "[1, 2, 3, 4]";
                String polygon = field.equals("polygon") ? "[[" + n + ", 1, 2, " + n + ", 5, 6]]" : "[[1, 2, 3, 4]]";
                String area = field.equals("area") ? n : "1";
                String crowd = field.equals("iscrowd") ? n : "0";
                annotations.append(annotations.length() > 0 ? ",\n" : "").append("{\"id\": ").append(id++)
                        .append(", \"image_id\": 1, \"category_id\": 1, \"bbox\": ").append(bbox)
                        .append(", \"segmentation\": ").append(polygon).append(", \"area\": ").append(area)
                        .append(", \"iscrowd\": ").append(crowd).append("}");
            }
        }
        Path root = dataset(file("[" + annotations + "]"));
        List<String> jackson = parse(root, false, 2);
        long before = CocoReader.FAST_RECORDS.sum();
        List<String> fast = parse(root, true, 2);
        assertTrue(CocoReader.FAST_RECORDS.sum() - before > ODD_NUMBERS.size() * 2L, "most on the fast path");
        assertSame(jackson, fast);
        assertTrue(fast.contains("annotation images/train/a.jpg 1 box=[0,3ff0000000000000,4000000000000000,0]"
                + " polygons=[[3ff0000000000000,4000000000000000,4008000000000000,4010000000000000]] crowd=false"
                + " {area=1, id=5}"), "-0 as a bbox value is +0.0, as Jackson reads it: " + fast.subList(0, 8));
    }

    @Test
    void malformedJsonInOrBetweenRecordsIsReportedAsJacksonReportsIt() throws Exception {
        List<String> breaks = List.of("\"bbox\": [1, 2,, 3, 4]", "\"area\": 01", "\"area\": 1.", "\"area\": -",
                "\"area\": +1", "\"area\": .5", "\"area\": 1.5x", "\"area\": tru", "\"note\": \"tab\there\"",
                "\"area\": 5 \"x\": 1", "\"area\": 5,}", "\"bbox\": [1, 2, 3, 4,]", "\"segmentation\": [[1, 2],]");
        int n = 0;
        for (String bad : breaks) {
            Path root = dataset(generated(200, 11, bad), "ds" + n++);
            List<String> jackson = parse(root, false, 2);
            List<String> fast = parse(root, true, 2);
            assertSame(jackson, fast);
            assertTrue(fast.stream().anyMatch(s -> s.contains("malformed JSON") && s.contains("line ")),
                    bad + ": " + fast.subList(Math.max(0, fast.size() - 3), fast.size()));
        }
        for (String between : List.of("} x {", "}, , {", "} {", "}5, {", "}, ] , {", "},\u000b{")) {
            String json = generated(200, 13, null);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\}(,\\s*)\\{\\s*\"id\":\\s*150,")
                    .matcher(json);
            assertTrue(m.find());
            json = json.substring(0, m.start()) + between + json.substring(m.start() + m.group().indexOf('{') + 1);
            Path root = dataset(json, "ds" + n++);
            List<String> jackson = parse(root, false, 2);
            List<String> fast = parse(root, true, 2);
            assertSame(jackson, fast);
            assertTrue(fast.stream().anyMatch(s -> s.contains("malformed JSON")), between);
        }
    }

    @Test
    void elementsThatAreNotObjectsAreProblemsOnBothPaths() throws Exception {
        String annotations = "[{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}, 5, \"x\","
                + " [1, 2], null, {}, {\"image_id\": 1, \"category_id\": 1}, true,"
                + " {\"id\": 2, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4]}]";
        Path root = dataset(file(annotations));
        List<String> jackson = parse(root, false, 1);
        List<String> fast = parse(root, true, 1);
        assertSame(jackson, fast);
        assertEquals(5, fast.stream().filter(s -> s.contains("expected an annotation object")).count(),
                fast.toString());
        assertEquals(3, fast.stream().filter(s -> s.startsWith("annotation ")).count(), fast.toString());
        assertEquals(1, fast.stream().filter(s -> s.contains("/annotations/5 annotation has no image_id")).count());
    }

    /** Equal lists; on failure, says where they first differ. */
    private static void assertSame(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            assertEquals(expected.get(i), actual.get(i), "record " + i);
        }
        assertEquals(expected.size(), actual.size(), "records; extra: "
                + (expected.size() > n ? expected.subList(n, expected.size()) : actual.subList(n, actual.size())));
        assertFalse(actual.isEmpty());
    }

    private List<String> parse(Path root, boolean fast, int threads) throws Exception {
        return parse(root, fast, threads, 0);
    }

    /** Reads the dataset (chunked when outlineMin is 0) on a pool of {@code threads}; every record as text. */
    private List<String> parse(Path root, boolean fast, int threads, long outlineMin) throws Exception {
        CocoReader.outlineMinBytes = outlineMin;
        CocoReader.chunkBytes = 700;
        CocoReader.fastPath = fast;
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            CollectingSink sink = pool.submit(() -> DatasetLoader.load(root, new CocoFormat()).sink()).get();
            List<String> result = new ArrayList<>();
            for (ImageRef image : sink.images()) {
                result.add("image " + image);
            }
            for (Annotation a : sink.annotations()) {
                result.add(describe(a));
            }
            for (Problem p : sink.problems()) {
                result.add("problem " + p.severity() + " " + p.kind() + " " + p.path() + " " + p.location() + " "
                        + p.message());
            }
            return result;
        } finally {
            pool.shutdown();
        }
    }

    /** An annotation with its doubles as their bits, so that -0.0 and +0.0, or two near doubles, differ. */
    private static String describe(Annotation a) {
        StringBuilder sb = new StringBuilder("annotation ").append(a.imagePath()).append(' ').append(a.classId())
                .append(" box=");
        if (a.box() == null) {
            sb.append("none");
        } else {
            sb.append('[').append(bits(a.box().x())).append(',').append(bits(a.box().y())).append(',')
                    .append(bits(a.box().width())).append(',').append(bits(a.box().height())).append(']');
        }
        sb.append(" polygons=[");
        for (Polygon p : a.polygons()) {
            sb.append('[');
            for (int i = 0; i < p.points().length; i++) {
                sb.append(i > 0 ? "," : "").append(bits(p.points()[i]));
            }
            sb.append(']');
        }
        sb.append("] crowd=").append(a.crowd()).append(' ');
        TreeMap<String, String> attributes = new TreeMap<>(a.attributes());
        String rle = attributes.remove("rle");
        sb.append(attributes);
        if (rle != null) {
            sb.append(" rle=").append(rle);
        }
        return sb.toString();
    }

    private static String bits(double v) {
        return Long.toHexString(Double.doubleToRawLongBits(v));
    }

    private Path dataset(String json) throws IOException {
        return dataset(json, "ds");
    }

    private Path dataset(String json, String name) throws IOException {
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve("annotations"));
        Files.write(root.resolve("annotations/instances_train.json"), json.getBytes(StandardCharsets.UTF_8));
        return root;
    }

    /** A file with two images (a.jpg id 1, b.jpg id 2), two categories and the given annotations array. */
    private static String file(String annotations) {
        return "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 80},"
                + " {\"id\": 2, \"file_name\": \"b.jpg\", \"width\": 100, \"height\": 80}],\n\"annotations\": "
                + annotations + ",\n\"categories\": [{\"id\": 1, \"name\": \"cat\"},"
                + " {\"id\": 2, \"name\": \"dog\"}]}\n";
    }

    /**
     * A COCO file with {@code n} random annotations in many forms: odd numbers, white space of every kind,
     * field orders, extra scalar fields (strings with escapes and non-ASCII, booleans, null, numbers), nested
     * attributes, polygons (empty, odd, flat, several), RLE masks, crowd flags, unknown images, string ids,
     * missing and fractional categories, bad bboxes, caption records. {@code broken}, when given, is put into
     * one record two thirds in (to make the JSON malformed there).
     */
    private static String generated(int n, long seed, String broken) {
        Random random = new Random(seed);
        StringBuilder images = new StringBuilder("[");
        int imageCount = 50;
        for (int i = 1; i <= imageCount; i++) {
            images.append(i > 1 ? ", " : "").append("{\"id\": ").append(i).append(", \"file_name\": \"")
                    .append(switch (i % 5) {
                        case 0 -> "caf\\u00e9 " + i + ".jpg";
                        case 1 -> "dir/x" + i + ".jpg";
                        case 2 -> "naïve" + i + ".jpg";
                        default -> "img" + i + ".jpg";
                    }).append("\", \"width\": 640, \"height\": 480}");
        }
        images.append(", {\"id\": \"s1\", \"file_name\": \"string-id.jpg\"}]");
        String[] spaces = {"", " ", "  ", "\n", "\t", "\r\n", " \n\t "};
        StringBuilder annotations = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            String sp = spaces[random.nextInt(spaces.length)];
            // Half the records take only forms the fast path reads (so both paths are exercised a lot).
            boolean clean = random.nextBoolean();
            List<String> fields = new ArrayList<>();
            fields.add("\"id\":" + sp + (i + 1));
            int imageKind = clean ? 39 : random.nextInt(40);
            fields.add("\"image_id\":" + sp + (imageKind == 0 ? "9999" : imageKind == 1 ? "\"s1\""
                    : imageKind == 2 ? "\"7\"" : imageKind == 3 ? "3.0"
                    : String.valueOf(1 + random.nextInt(imageCount))));
            int categoryKind = clean ? 39 : random.nextInt(40);
            if (categoryKind != 0) {
                fields.add("\"category_id\":" + sp + (categoryKind == 1 ? "1.5" : categoryKind == 2 ? "\"2\""
                        : categoryKind == 3 ? "4294967296" : String.valueOf(1 + random.nextInt(3))));
            }
            int bboxKind = clean ? 29 : random.nextInt(30);
            if (bboxKind != 0) {
                fields.add("\"bbox\":" + sp + (bboxKind == 1 ? "[1, 2, 3]" : bboxKind == 2 ? "[1, NaN, 3, 4]"
                        : bboxKind == 3 ? "\"box\"" : bboxKind == 4 ? "null" : bboxKind == 5 ? "[1, 2, 3, 1e400]"
                        : "[" + number(random, clean) + "," + sp + number(random, clean) + ", "
                                + number(random, clean) + " ," + number(random, clean) + sp + "]"));
            }
            switch (clean ? 6 + random.nextInt(6) : random.nextInt(12)) {
                case 0 -> fields.add("\"segmentation\": {\"size\": [480, 640], \"counts\": [" + (1000 + i)
                        + ", 30, " + (640 * 480 - 1030 - i) + "]}");
                case 1 -> fields.add("\"segmentation\": {\"size\": [4, 4], \"counts\": \"52203\"}");
                case 2 -> fields.add("\"segmentation\": []");
                case 3 -> fields.add("\"segmentation\": [[]]");
                case 4 -> fields.add("\"segmentation\": [1, 2, 3, 4, 5, 6]");
                case 5 -> fields.add("\"segmentation\": [[1, 2, 3]]");
                case 6 -> fields.add("\"segmentation\": null");
                case 7 -> fields.add("\"segmentation\": [[" + number(random, clean) + ", 2, 3, 4], [5, 6, 7, 8, "
                        + number(random, clean) + ", " + number(random, clean) + "]]");
                default -> {
                    StringBuilder polygon = new StringBuilder("[[");
                    int points = 3 + random.nextInt(20);
                    for (int k = 0; k < 2 * points; k++) {
                        polygon.append(k > 0 ? "," + (random.nextBoolean() ? sp : "") : "")
                                .append(random.nextInt(50) == 0 ? number(random, clean)
                                        : String.valueOf(random.nextInt(60000) / 100.0));
                    }
                    fields.add("\"segmentation\":" + sp + polygon + "]]");
                }
            }
            switch (clean ? 4 + random.nextInt(4) : random.nextInt(8)) {
                case 0 -> fields.add("\"iscrowd\": 1");
                case 1 -> fields.add("\"iscrowd\": true");
                case 2 -> fields.add("\"iscrowd\": \"1\"");
                case 3 -> fields.add("\"iscrowd\": " + number(random, clean));
                case 4 -> { }
                default -> fields.add("\"iscrowd\": 0");
            }
            fields.add("\"area\": " + number(random, clean));
            switch (clean ? List.of(0, 3, 6, 11, 12, 13).get(random.nextInt(6)) : random.nextInt(14)) {
                case 0 -> fields.add("\"attributes\": {\"occluded\": false, \"rotation\": 0.0, \"id\": \"inner\"}");
                case 1 -> fields.add("\"attributes\": {\"note\": \"quote \\\" brace } é\", \"n\": null}");
                case 2 -> fields.add("\"attributes\": {\"list\": [1, 2], \"ok\": true}");
                case 3 -> fields.add("\"attributes\": 5");
                case 4 -> fields.add("\"note\": \"caf\\u00e9\"");
                case 5 -> fields.add("\"note\": \"naïve\"");
                case 6 -> fields.add("\"tag\": \"plain text, with } and ]\", \"flag\": false, \"none\": null");
                case 7 -> fields.add("\"extra\": {\"a\": 1}");
                case 8 -> fields.add("\"extra\": [1, 2]");
                case 9 -> fields.add("\"caption\": \"a cat\"");
                case 10 -> fields.add("\"esc\\u0061ped\": 1");
                case 11 -> fields.add("\"attributes\": {}");
                default -> { }
            }
            if (!clean && random.nextInt(25) == 0) {
                fields.add("\"area\": \"again\""); // a field named twice: the last value wins
            }
            java.util.Collections.shuffle(fields.subList(1, fields.size()), random);
            if (broken != null && i == n * 2 / 3) {
                fields.add(1, broken);
            }
            annotations.append(i > 0 ? "," + sp : "").append('{').append(sp).append(String.join("," + sp, fields))
                    .append(sp).append('}');
        }
        annotations.append("]");
        return "{\"info\": {\"year\": 2026},\n\"images\": " + images + ",\n\"annotations\": " + annotations
                + ",\n\"categories\": [{\"id\": 1, \"name\": \"cat\"}, {\"id\": 2, \"name\": \"dog\"},"
                + " {\"id\": 3, \"name\": \"bird\"}]}\n";
    }

    /** A number literal; a clean one is one the fast path reads (no NaN, no integer beyond 18 digits). */
    private static String number(Random random, boolean clean) {
        return switch (random.nextInt(6)) {
            case 0 -> clean ? ODD_NUMBERS.get(random.nextInt(9)) : ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()));
            case 1 -> String.valueOf(random.nextLong()
                    >> (!clean && random.nextInt(8) == 0 ? 0 : 12 + random.nextInt(52)));
            case 2 -> String.valueOf(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 3 -> {
                StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "");
                int length = 1 + random.nextInt(clean ? 17 : 22);
                digits.append(1 + random.nextInt(9));
                for (int k = 1; k < length; k++) {
                    digits.append(random.nextInt(10));
                }
                int point = 1 + random.nextInt(length);
                String s = point < length ? digits.substring(0, point + (digits.charAt(0) == '-' ? 1 : 0)) + "."
                        + digits.substring(point + (digits.charAt(0) == '-' ? 1 : 0)) : digits.toString();
                yield random.nextInt(4) == 0 ? s + (random.nextBoolean() ? "e" : "E-") + random.nextInt(30) : s;
            }
            default -> String.valueOf(random.nextInt(100000) / 100.0);
        };
    }
}
