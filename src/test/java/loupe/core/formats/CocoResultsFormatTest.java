package loupe.core.formats;

import static loupe.testing.BoxAssertions.assertBoxEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.testing.TestImages;

/**
 * No results file exists in ../shared/datasets (no JSON there is a top-level array with image_id, category_id
 * and bbox: checked with python3 json over every .json file), so these tests use generated fixtures.
 */
class CocoResultsFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;
    private static final String VAL = """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30},
                        {"id": "x7", "file_name": "sub/é b.jpg", "width": 40, "height": 30},
                        {"id": 3, "file_name": "gone.jpg", "width": 40, "height": 30}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}],
             "categories": [{"id": 1, "name": "cat"}, {"id": 3, "name": "dog"}]}
            """;

    @TempDir
    Path dir;

    @Test
    void readsResultsOnTheCompanionsImagesWithScores() throws IOException {
        write("annotations/instances_val2017.json", VAL);
        jpeg("images/val2017/a.jpg", 40, 30);
        jpeg("images/val2017/sub/é b.jpg", 40, 30);
        write("detections_val2017_results.json", """
                [{"image_id": 1, "category_id": 3, "bbox": [1.5, 2, 10, 20.25], "score": 0.912},
                 {"image_id": "x7", "category_id": 1, "bbox": [0, 0, 4, 4], "score": 0.5},
                 {"image_id": 1, "category_id": 99, "bbox": [0, 0, 4, 4]}]
                """);

        CollectingSink sink = load(dir);

        // the ground truth's own annotation is not read; its images and categories are
        assertEquals(List.of(new ClassLabel(1, "cat"), new ClassLabel(3, "dog")), sink.classes());
        assertEquals(List.of(new ImageRef("images/val2017/a.jpg", "val", 40, 30),
                new ImageRef("images/val2017/sub/é b.jpg", "val", 40, 30),
                new ImageRef("images/val2017/gone.jpg", "val", 40, 30)), sink.images());
        List<Annotation> a = sink.annotations();
        assertEquals(3, a.size());
        assertEquals("images/val2017/a.jpg", a.get(0).imagePath());
        assertEquals(3, a.get(0).classId());
        assertBoxEquals(new BoundingBox(1.5, 2, 10, 20.25), a.get(0).box());
        assertEquals(Map.of("score", "0.912"), a.get(0).attributes());
        assertEquals("images/val2017/sub/é b.jpg", a.get(1).imagePath());
        assertEquals(99, a.get(2).classId());       // unknown category: kept, the indexer reports it
        assertEquals(Map.of(), a.get(2).attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsBadRecordsAtTheirPointerAndCountsResultsForUnknownImages() throws IOException {
        write("annotations/instances_val.json", VAL);
        jpeg("images/val/a.jpg", 40, 30);
        write("results.json", """
                [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.9},
                 {"image_id": 1, "category_id": 1, "score": 0.9, "segmentation": {"size": [30, 40], "counts": "x"}},
                 {"image_id": 1, "category_id": 1, "bbox": [1, 1, 2], "score": 0.9},
                 {"category_id": 1, "bbox": [1, 1, 2, 2]},
                 "nonsense",
                 {"image_id": 42, "category_id": 1, "bbox": [1, 1, 2, 2]},
                 {"image_id": 43, "category_id": 1, "bbox": [1, 1, 2, 2]}]
                """);

        CollectingSink sink = load(dir);

        assertEquals(1, sink.annotations().size());
        Map<String, Problem> problems = new TreeMap<>();
        sink.problems().forEach(p -> problems.put(p.location(), p));
        // the segmentation-only result's mask is malformed ("x" is no RLE for 30x40), so it has no box either
        assertEquals(List.of("", "/1", "/1/segmentation", "/2", "/3", "/4"), new ArrayList<>(problems.keySet()));
        assertTrue(problems.get("/1").message().startsWith("result without a usable bbox;"));
        assertTrue(problems.get("/2").message().startsWith("result without a usable bbox (not four numbers)"));
        assertTrue(problems.get("/3").message().startsWith("result without a usable image_id;"));
        Problem orphans = problems.get("");
        assertEquals(ProblemKind.ORPHAN_ANNOTATION, orphans.kind());
        assertEquals("2 results are for image ids that annotations/instances_val.json does not define "
                + "(the first: 42); skipped", orphans.message());
    }

    @Test
    void keepsSegmentationResultsAsPolygonsOrRleMasks() throws IOException {
        write("annotations/instances_val2017.json", VAL);
        jpeg("images/val2017/a.jpg", 40, 30);
        // A 30x40 mask, column-major runs: 100 off, 20 on (column 3, rows 10..29), 1080 off.
        String compressed = new CocoRle(30, 40, new long[] {100, 20, 1080}).toCompressedString();
        write("segm_val2017_results.json", """
                [{"image_id": 1, "category_id": 3, "bbox": [3, 10, 1, 20], "score": 0.9,
                  "segmentation": {"size": [30, 40], "counts": "%s"}},
                 {"image_id": 1, "category_id": 1, "score": 0.8,
                  "segmentation": {"size": [30, 40], "counts": [100, 20, 1080]}},
                 {"image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "score": 0.7,
                  "segmentation": [[1, 1, 5, 1, 5, 5]]},
                 {"image_id": 1, "category_id": 1, "bbox": [2, 2, 3, 3], "score": 0.6,
                  "segmentation": {"size": [30, 40], "counts": [5, 5]}}]
                """.formatted(compressed));

        CollectingSink sink = load(dir);

        List<Annotation> a = sink.annotations();
        assertEquals(4, a.size(), a.toString());
        assertEquals("rle", a.get(0).attributes().get(CocoRle.SOURCE_FORM));
        assertEquals("30 40 " + compressed, a.get(0).attributes().get(CocoRle.ATTRIBUTE));
        assertEquals("0.9", a.get(0).attributes().get("score"));
        // no bbox: the mask's bounds (column 3, rows 10..29)
        assertEquals("rle-uncompressed", a.get(1).attributes().get(CocoRle.SOURCE_FORM));
        assertBoxEquals(new BoundingBox(3, 10, 1, 20), a.get(1).box());
        assertEquals(1, a.get(2).polygons().size());
        assertEquals(List.of(1.0, 1.0, 5.0, 1.0, 5.0, 5.0),
                java.util.Arrays.stream(a.get(2).polygons().get(0).points()).boxed().toList());
        // a malformed mask is reported; the result keeps its box
        assertBoxEquals(new BoundingBox(2, 2, 3, 3), a.get(3).box());
        assertEquals(null, a.get(3).attributes().get(CocoRle.ATTRIBUTE));
        assertEquals(1, sink.problems().size(), sink.problems().toString());
        assertTrue(sink.problems().get(0).location().equals("/3/segmentation")
                && sink.problems().get(0).message().contains("RLE segmentation is malformed"), sink.problems().toString());
    }

    @Test
    void pairsAResultsFileWithTheCompanionOfTheSplitItNames() throws IOException {
        write("annotations/instances_train.json", """
                {"images": [{"id": 1, "file_name": "t.jpg"}], "annotations": [],
                 "categories": [{"id": 1, "name": "cat"}]}
                """);
        write("annotations/instances_val.json", """
                {"images": [{"id": 1, "file_name": "v.jpg"}], "annotations": [],
                 "categories": [{"id": 1, "name": "cat"}]}
                """);
        write("out/bbox_val_results.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]");

        CollectingSink sink = load(dir);

        assertEquals(List.of("images/val/v.jpg"), sink.annotations().stream().map(Annotation::imagePath)
                .collect(Collectors.toList()));
        assertEquals(2, sink.images().size());      // both companions' images are the dataset's
    }

    @Test
    void unitKeyChangesWhenTheCompanionMovesAnImage() throws IOException {
        write("annotations/instances_val.json", VAL);
        write("results.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}]");
        DatasetLoader.Result before = DatasetLoader.load(dir, new CocoResultsFormat());
        write("annotations/instances_val.json", VAL.replace("\"a.jpg\"", "\"renamed.jpg\""));
        DatasetLoader.Result after = DatasetLoader.load(dir, new CocoResultsFormat());

        assertEquals(List.of("results.json"), before.units().get(0).files());
        assertNotEquals(before.units().get(0).key(), after.units().get(0).key());
        assertEquals("images/val/renamed.jpg", after.sink().annotations().get(0).imagePath());
    }

    @Test
    void flagsCompanionFileNamesOutsideTheDatasetAndMalformedResultsJson() throws IOException {
        write("annotations/instances_val.json", """
                {"images": [{"id": 1, "file_name": "../../../etc/x.jpg"}], "annotations": [],
                 "categories": [{"id": 1, "name": "cat"}]}
                """);
        write("results.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1]},\n{\"image_id\": ");

        CollectingSink sink = load(dir);

        assertEquals(List.of(), sink.images());
        assertEquals(List.of(), sink.annotations());
        List<ProblemKind> kinds = sink.problems().stream().map(Problem::kind).collect(Collectors.toList());
        assertTrue(kinds.contains(ProblemKind.PATH_ESCAPES_ROOT), kinds.toString());
        Problem malformed = sink.problems().stream().filter(p -> p.path().equals("results.json")
                && p.kind() == ProblemKind.MALFORMED_ANNOTATION).findFirst().orElseThrow();
        assertTrue(malformed.location().startsWith("line 2"), malformed.location());
    }

    @Test
    void probeStaysBelowCocoAndNeedsACompanion() throws IOException {
        write("a/results.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]");
        assertEquals(0, probe(dir.resolve("a")).confidence());
        write("a/annotations/instances_val.json", VAL);
        Support results = probe(dir.resolve("a"));
        assertEquals(0.7, results.confidence(), EPS);
        Path a = dir.resolve("a").toAbsolutePath();
        assertTrue(new CocoFormat().probe(DatasetLoader.list(a), a).confidence() > results.confidence());
        assertEquals("coco", Formats.detect(a, DatasetLoader.list(a)).format().id());
    }

    @Test
    void probeGivesZeroForEverySharedSample() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        List<Path> samples = new ArrayList<>();
        try (Stream<Path> top = Files.list(SHARED)) {
            top.filter(Files::isDirectory).forEach(samples::add);
        }
        try (Stream<Path> datumaro = Files.list(SHARED.resolve("datumaro"))) {
            datumaro.filter(Files::isDirectory).forEach(samples::add);
        }
        try (Stream<Path> coco = Files.list(SHARED.resolve("datumaro/coco"))) {
            coco.filter(Files::isDirectory).forEach(samples::add);
        }
        for (Path sample : samples) {
            Support s = probe(sample);
            assertEquals(0, s.confidence(), sample + ": " + s.reason());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static CollectingSink load(Path root) throws IOException {
        return DatasetLoader.load(root, new CocoResultsFormat()).sink();
    }

    private static Support probe(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return new CocoResultsFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void jpeg(String relative, int w, int h) throws IOException {
        TestImages.write(dir.resolve(relative), w, h);
    }
}
