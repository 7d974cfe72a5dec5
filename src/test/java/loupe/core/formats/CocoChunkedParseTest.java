package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;

/**
 * A big COCO file's annotations are outlined and parsed in chunks on several threads; the result must be the
 * one-pass parse's, record for record and in the same order, problems included.
 */
class CocoChunkedParseTest {

    @TempDir
    Path dir;

    private long savedMin;
    private int savedChunk;

    @BeforeEach
    void remember() {
        savedMin = CocoReader.outlineMinBytes;
        savedChunk = CocoReader.chunkBytes;
    }

    @AfterEach
    void restore() {
        CocoReader.outlineMinBytes = savedMin;
        CocoReader.chunkBytes = savedChunk;
    }

    @Test
    void chunkedParseGivesTheOnePassResultInOrder() throws Exception {
        Path root = dataset(generated(3000, true, false, ", "));
        assertOutlined(root, 3000);
        List<String> onePass = parse(root, Long.MAX_VALUE, 1);
        List<String> chunked = parse(root, 0, 4);
        assertTrue(onePass.size() > 3000, "annotations and problems were read: " + onePass.size());
        assertSameRecords(onePass, chunked);
        assertTrue(onePass.stream().anyMatch(s -> s.startsWith("problem") && s.contains("/annotations/")),
                "the fixture has bad annotations");
    }

    @Test
    void prettyPrintedFileWithAnnotationsBeforeImagesGivesTheSameResult() throws Exception {
        Path root = dataset(generated(800, false, true, ",\n    "));
        assertOutlined(root, 800);
        assertSameRecords(parse(root, Long.MAX_VALUE, 1), parse(root, 0, 3));
    }

    @Test
    void malformedJsonInsideAChunkIsReportedAtItsLineAndEverythingBeforeIsKept() throws Exception {
        String json = generated(2000, true, false, ",\n");
        int at = json.indexOf("\"bbox\"", json.length() * 2 / 3);
        json = json.substring(0, at) + "\"bbox\": [1, 2,, 3, 4], " + json.substring(at);
        Path root = dataset(json);
        assertOutlined(root, 2000);
        List<String> onePass = parse(root, Long.MAX_VALUE, 1);
        List<String> chunked = parse(root, 0, 4);
        assertSameRecords(onePass, chunked);
        assertTrue(chunked.stream().anyMatch(s -> s.contains("malformed JSON") && s.contains("line ")),
                chunked.subList(Math.max(0, chunked.size() - 5), chunked.size()).toString());
    }

    @Test
    void malformedJsonAfterTheAnnotationsIsReportedAtTheSameLine() throws Exception {
        String json = generated(1500, true, true, ",\n");
        int at = json.lastIndexOf("\"name\": \"dog\"");
        json = json.substring(0, at) + "\"name\": dog" + json.substring(at + "\"name\": \"dog\"".length());
        Path root = dataset(json);
        assertOutlined(root, 1500);
        List<String> onePass = parse(root, Long.MAX_VALUE, 1);
        assertSameRecords(onePass, parse(root, 0, 2));
        assertTrue(onePass.stream().anyMatch(s -> s.contains("malformed JSON") && s.contains("line ")),
                onePass.subList(Math.max(0, onePass.size() - 3), onePass.size()).toString());
    }

    @Test
    void outlineFindsTheFieldsAndCutsTheArrayOnElements() throws IOException {
        Path file = dir.resolve("x.json");
        Files.writeString(file, "{\"a\": \"x,}{\\\"\", \"list\": [ {\"k\": [1, 2]}, {\"s\": \"]\"} ,3 ], \"z\": {}}\n");
        JsonOutline outline = JsonOutline.scan(file, "list", 1, () -> { });
        assertNotNull(outline);
        assertEquals(List.of("a", "list", "z"), outline.fields().stream().map(JsonOutline.Field::name).toList());
        assertEquals(3, outline.elements());
        String text = Files.readString(file);
        List<String> elements = outline.chunks().stream()
                .map(c -> text.substring((int) c.start(), (int) c.end())).toList();
        assertEquals(List.of("{\"k\": [1, 2]}", "{\"s\": \"]\"}", "3"), elements);
        JsonOutline.Field list = outline.field("list");
        assertEquals("[ {\"k\": [1, 2]}, {\"s\": \"]\"} ,3 ]", text.substring((int) list.start(), (int) list.end()));
    }

    @Test
    void outlineGivesUpOnWhatItDoesNotFollow() throws IOException {
        for (String bad : List.of("[1, 2]", "{\"a\": [1, 2}", "{\"a\": \"open", "{\"a\": 1, \"a\": 2}",
                "{\"list\": [1,, 2]}", "{\"a\": 1} {\"b\": 2}", "{\"a\" 1}")) {
            Path file = dir.resolve("bad.json");
            Files.writeString(file, bad);
            assertNull(JsonOutline.scan(file, "list", 1, () -> { }), bad);
        }
    }

    /** Equal lists; on failure, says where they first differ rather than printing thousands of records. */
    private static void assertSameRecords(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            assertEquals(expected.get(i), actual.get(i), "record " + i);
        }
        assertEquals(expected.size(), actual.size(), "records; extra: "
                + (expected.size() > n ? expected.subList(n, expected.size()) : actual.subList(n, actual.size())));
    }

    /** The file is one the chunked parse takes: its outline is followed and has every annotation. */
    private static void assertOutlined(Path root, int annotations) throws IOException {
        JsonOutline outline = JsonOutline.scan(root.resolve("annotations/instances_train.json"), "annotations", 1024,
                () -> { });
        assertNotNull(outline);
        assertEquals(annotations, outline.elements());
        assertTrue(outline.chunks().size() > 10, "several chunks: " + outline.chunks().size());
    }

    /** Parses the dataset with the given outline threshold on a pool of the given size; records as text. */
    private List<String> parse(Path root, long outlineMin, int threads) throws Exception {
        CocoReader.outlineMinBytes = outlineMin;
        CocoReader.chunkBytes = 1024;
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            CollectingSink sink = pool.submit(() -> DatasetLoader.load(root, new CocoFormat()).sink()).get();
            List<String> result = new ArrayList<>();
            for (Annotation a : sink.annotations()) {
                result.add(describe(a));
            }
            for (Problem p : sink.problems()) {
                result.add("problem " + p.kind() + " " + p.path() + " " + p.location() + " " + p.message());
            }
            return result;
        } finally {
            pool.shutdown();
        }
    }

    private static String describe(Annotation a) {
        StringBuilder sb = new StringBuilder(a.imagePath()).append(' ').append(a.classId()).append(' ')
                .append(a.box()).append(' ').append(a.crowd()).append(' ').append(new TreeMap<>(a.attributes()));
        for (Polygon p : a.polygons()) {
            sb.append(' ').append(Arrays.toString(p.points()));
        }
        return sb.toString();
    }

    private Path dataset(String json) throws IOException {
        Path root = dir.resolve("ds");
        Files.createDirectories(root.resolve("annotations"));
        Files.write(root.resolve("annotations/instances_train.json"), json.getBytes(StandardCharsets.UTF_8));
        return root;
    }

    /**
     * A COCO file with {@code n} annotations: boxes, polygons, RLE masks, nested attributes, non-ASCII and
     * escaped text, and some bad records (unknown image, missing category, bad bbox, odd polygon).
     */
    private static String generated(int n, boolean imagesFirst, boolean pretty, String separator) {
        Random random = new Random(42);
        StringBuilder images = new StringBuilder("[");
        int imageCount = Math.max(1, n / 5);
        for (int i = 1; i <= imageCount; i++) {
            images.append(i > 1 ? separator : "").append("{\"id\": ").append(i)
                    .append(", \"file_name\": \"img ").append(i).append(i % 7 == 0 ? "_é" : "").append(".jpg\"")
                    .append(", \"width\": 640, \"height\": 480}");
        }
        images.append("]");
        StringBuilder annotations = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            annotations.append(i > 0 ? separator : "").append("{\"id\": ").append(i + 1)
                    .append(", \"image_id\": ").append(i % 97 == 5 ? 999_999 : 1 + random.nextInt(imageCount));
            if (i % 89 != 3) {
                annotations.append(", \"category_id\": ").append(1 + random.nextInt(3));
            }
            double x = random.nextInt(500) + random.nextInt(100) / 10.0, y = random.nextInt(400) + 0.25;
            if (i % 83 == 7) {
                annotations.append(", \"bbox\": [1, 2, \"w\", 4]");
            } else {
                annotations.append(", \"bbox\": [").append(x).append(", ").append(y).append(", 20.5, 1.5e1]");
            }
            switch (i % 4) {
                case 0 -> annotations.append(", \"segmentation\": [[").append(x).append(", ").append(y)
                        .append(", ").append(x + 20).append(", ").append(y).append(", ").append(x + 10)
                        .append(", ").append(y + 15).append(i % 79 == 0 ? ", 1" : "").append("]]");
                case 1 -> annotations.append(", \"segmentation\": {\"size\": [480, 640], \"counts\": [")
                        .append(1000 + i).append(", 30, ").append(640 * 480 - 1030 - i).append("]}, \"iscrowd\": 1");
                case 2 -> annotations.append(", \"attributes\": {\"occluded\": ").append(i % 3 == 0)
                        .append(", \"note\": \"quote \\\" brace } bracket ] é\"}");
                default -> annotations.append(", \"segmentation\": []");
            }
            annotations.append(", \"area\": ").append(300 + i).append("}");
        }
        annotations.append("]");
        String categories = "[{\"id\": 1, \"name\": \"cat\"}, {\"id\": 2, \"name\": \"dog\"}, {\"id\": 3, \"name\": \"bird\"}]";
        String nl = pretty ? "\n" : "";
        StringBuilder sb = new StringBuilder("{" + nl + "\"info\": {\"year\": 2026}, ");
        if (imagesFirst) {
            sb.append(nl).append("\"images\": ").append(images).append(", ").append(nl)
                    .append("\"annotations\": ").append(annotations);
        } else {
            sb.append(nl).append("\"annotations\": ").append(annotations).append(", ").append(nl)
                    .append("\"images\": ").append(images);
        }
        sb.append(", ").append(nl).append("\"categories\": ").append(categories).append(nl).append("}\n");
        return sb.toString();
    }
}
