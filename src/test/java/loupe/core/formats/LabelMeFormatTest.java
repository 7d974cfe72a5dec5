package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;
import loupe.core.task.Progress;
import loupe.testing.TestImages;

class LabelMeFormatTest {

    private static final Path SAMPLES = Path.of("..", "shared", "datasets");
    private static final Path LABELME = SAMPLES.resolve("labelme");
    private static final double EPS = 1e-9;

    @TempDir
    Path root;

    @TempDir
    Path cache;

    // ------------------------------------------------------------------ shared samples

    @Test
    void readsBboxDetectionWithClassIdsFromLabelsTxt() throws IOException {
        CollectingSink sink = load(sample("labelme/bbox_detection"));

        // 3 JSON files in data_annotated/ with 2 + 4 + 3 rectangles; labels.txt has 22 lines, the first two
        // (__ignore__, _background_) are not classes: python3 json over data_annotated/*.json, wc -l labels.txt.
        // data_dataset_voc/JPEGImages holds labelme's export, not sources: its images are not declared.
        assertEquals(3, sink.images().size());
        assertEquals(9, sink.annotations().size());
        assertEquals(20, sink.classes().size());
        assertEquals(new ClassLabel(0, "aeroplane"), sink.classes().get(0));
        assertEquals(new ClassLabel(14, "person"), classNamed(sink, "person"));
        assertEquals(new ClassLabel(19, "tv/monitor"), classNamed(sink, "tv/monitor"));
        assertEquals(List.of(), sink.problems());
        assertEquals(new ImageRef("data_annotated/2011_000003.jpg", null, 500, 338),
                image(sink, "data_annotated/2011_000003.jpg"));
        // 2011_000003.json, first shape: rectangle [[191.0, 107.36900369003689], [313.0, 329.36900369003695]]
        Annotation first = annotationsOf(sink, "data_annotated/2011_000003.jpg").get(0);
        assertEquals(14, first.classId());
        assertBox(new BoundingBox(191, 107.36900369003689, 122, 222), first.box());
        assertEquals(List.of(), first.polygons());
        assertEquals(Map.of(), first.attributes());
    }

    @Test
    void readsInstanceSegmentationPolygonsGroupIdsAndSkipsIgnoreRegions() throws IOException {
        CollectingSink sink = load(sample("labelme/instance_segmentation"));

        // 5 + 10 + 3 polygons, of which 2 are labelled __ignore__ (one in 2011_000003, one in 2011_000006);
        // 2 + 4 shapes have group_id 0: python3 json over data_annotated/*.json.
        assertEquals(3, sink.images().size());
        assertEquals(16, sink.annotations().size());
        assertEquals(20, sink.classes().size());
        assertTrue(sink.annotations().stream().allMatch(a -> a.polygons().size() == 1
                && a.box().equals(a.polygons().get(0).bounds())));
        assertEquals(6, sink.annotations().stream().filter(a -> "0".equals(a.attributes().get("group_id"))).count());
        List<Problem> problems = sink.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.severity() == Severity.INFO && p.kind() == ProblemKind.OTHER
                && p.message().startsWith("1 shape is labelled as labelme's ignore regions")));
    }

    @Test
    void readsClassificationFlagsAsImageLevelLabels() throws IOException {
        CollectingSink sink = load(sample("labelme/classification"));

        // flags.txt: __ignore__, cat, dog. 0001.json flags cat: true, 0002.json flags dog: true, no shapes.
        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog")), sink.classes());
        assertEquals(2, sink.images().size());
        assertEquals(List.of(Annotation.imageLabel("data_annotated/0001.jpg", 0)),
                annotationsOf(sink, "data_annotated/0001.jpg"));
        assertEquals(List.of(Annotation.imageLabel("data_annotated/0002.jpg", 1)),
                annotationsOf(sink, "data_annotated/0002.jpg"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsEveryPrimitiveShapeTypeWithItsBox() throws IOException {
        CollectingSink sink = load(sample("labelme/primitives"));

        // primitives.json (560x450): 8 shapes, boxes computed with python3 from the points (circle: centre
        // (195, 84), through (225, 125), radius sqrt(30^2 + 41^2)).
        assertEquals(List.of(new ImageRef("primitives.jpg", null, 560, 450)), sink.images());
        assertEquals(List.of("circle", "line", "line_strip", "octagon", "point", "polygon", "rectangle"),
                sink.classes().stream().map(ClassLabel::name).toList());
        List<Annotation> a = sink.annotations();
        assertEquals(8, a.size());
        double r = Math.sqrt(30 * 30 + 41 * 41);
        assertShape(sink, a.get(0), "rectangle", null, new BoundingBox(32, 35, 100, 100));
        assertShape(sink, a.get(1), "circle", "circle", new BoundingBox(195 - r, 84 - r, 2 * r, 2 * r));
        assertShape(sink, a.get(2), "rectangle", null, new BoundingBox(391, 33, 151, 102));
        assertShape(sink, a.get(3), "polygon", null, new BoundingBox(45, 318, 153, 88));
        assertEquals(new Polygon(new double[] {69, 318, 45, 403, 173, 406, 198, 321}), a.get(3).polygons().get(0));
        assertShape(sink, a.get(4), "line", "line", new BoundingBox(160, 178, 28, 46));
        assertShape(sink, a.get(5), "point", "point", new BoundingBox(345, 174, 0, 0));
        assertShape(sink, a.get(6), "line_strip", "linestrip",
                new BoundingBox(402.53703703703707, 181.46296296296293, 142, 94));
        assertShape(sink, a.get(7), "octagon", "mask", new BoundingBox(417.39759036144574, 305, 99, 99));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void tutorialFileNamingItselfUsesTheImageNamedLikeIt() throws IOException {
        CollectingSink sink = load(sample("labelme/tutorial"));

        // apc2016_obj3.json: imagePath "apc2016_obj3.json" (itself), imageData set, 1210x907, 4 polygons.
        // apc2016_obj3.jpg beside it is byte-identical to the decoded imageData (md5 checked), so the real file
        // is used. The PNGs in apc2016_obj3/ are labelme_json_to_dataset output, not dataset images.
        assertEquals(List.of(new ImageRef("apc2016_obj3.jpg", null, 1210, 907)), sink.images());
        assertEquals(4, sink.annotations().size());
        assertEquals(List.of("highland_6539_self_stick_notes", "kong_air_dog_squeakair_tennis_ball",
                "mead_index_cards", "shelf"), sink.classes().stream().map(ClassLabel::name).toList());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsSahiLabelMeTwinsWithStemFallbackAndMissingImage() throws IOException {
        CollectingSink sink = load(sample("sahi/tests_data/coco_utils"));

        // terrain1.json (7 polygons, imagePath terrain1.png, absent; terrain1.jpg present), terrain2.json
        // (5 polygons, terrain2.png), terrain3.json (10 polygons, terrain3.png, absent, no other terrain3.*).
        // terrain2_gray.png and terrain4.png have no JSON. python3 json over the three files.
        assertEquals(List.of("terrain1.jpg", "terrain2.png", "terrain2_gray.png", "terrain3.png", "terrain4.png"),
                sink.images().stream().map(ImageRef::path).sorted().toList());
        assertEquals(22, sink.annotations().size());
        assertEquals(List.of(new ClassLabel(0, "car"), new ClassLabel(1, "human")), sink.classes());
        assertEquals(new ImageRef("terrain1.jpg", null, 2048, 1365), image(sink, "terrain1.jpg"));
        assertEquals(new ImageRef("terrain3.png", null, 2986, 1680), image(sink, "terrain3.png"));
        assertEquals(7, annotationsOf(sink, "terrain1.jpg").size());
        // terrain1.json, first shape "human": bounds of its 53 points
        assertBox(new BoundingBox(491.58878504672896, 1035.5140186915887, 153.2710280373832, 181.7757009345794),
                annotationsOf(sink, "terrain1.jpg").get(0).box());
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.OTHER, p.kind());
        assertEquals("terrain1.json", p.path());
        assertTrue(p.message().contains("'terrain1.png' does not exist; using 'terrain1.jpg'"), p.message());
    }

    @Test
    void readsTheWholeExamplesFolder() throws IOException {
        CollectingSink sink = load(sample("labelme"));

        // 18 LabelMe files, 18 images, 70 annotations (shapes not labelled __ignore__ plus 2 true flags), 20
        // classes: sorted shape labels then cat/dog (no labels.txt at this level); python3 json over every
        // .json with a "shapes" array (/tmp script, imagePath then same-stem image rule).
        assertEquals(18, sink.images().size());
        assertEquals(70, sink.annotations().size());
        assertEquals(20, sink.classes().size());
    }

    @Test
    void probeRecognisesLabelMeSamplesAndDefersToCocoForTwins() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(LABELME), "shared labelme sample not present");
        for (String s : List.of("labelme", "labelme/bbox_detection", "labelme/bbox_detection/data_annotated",
                "labelme/instance_segmentation", "labelme/semantic_segmentation", "labelme/video_annotation",
                "labelme/classification", "labelme/tutorial", "labelme/primitives")) {
            assertEquals(0.92, probe(SAMPLES.resolve(s)).confidence(), EPS, s);
        }
        // The examples hold labelme's own VOC and COCO exports next to the sources; the sources win.
        assertEquals("labelme", detect(LABELME.resolve("bbox_detection")));
        assertEquals("labelme", detect(LABELME.resolve("instance_segmentation")));
        assertEquals("labelme", detect(LABELME));
        Path sahi = SAMPLES.resolve("sahi/tests_data/coco_utils");
        if (Files.isDirectory(sahi)) {
            Support twin = probe(sahi);
            assertEquals(0.6, twin.confidence(), EPS, twin.reason());
            assertTrue(twin.reason().contains("twins"), twin.reason());
            assertEquals("coco", detect(sahi));
            assertEquals("coco", detect(SAMPLES.resolve("sahi")));
        }
    }

    @Test
    void probeGivesZeroForTheSamplesOfOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES), "shared samples not present");
        List<String> others = new ArrayList<>(List.of("raccoon", "labelImg", "label-studio-converter",
                "labelme/bbox_detection/data_dataset_voc", "labelme/instance_segmentation/data_dataset_coco",
                "labelme/instance_segmentation/data_dataset_voc", "labelme/semantic_segmentation/data_dataset_voc",
                "labelme/video_annotation/data_dataset_voc", "labelme/tutorial/apc2016_obj3"));
        // every datumaro sample (COCO, VOC, YOLO, CVAT, MIT LabelMe XML, ...) and each of its sub-folders
        Path datumaro = SAMPLES.resolve("datumaro");
        if (Files.isDirectory(datumaro)) {
            try (Stream<Path> dirs = Files.walk(datumaro, 2)) {
                dirs.filter(Files::isDirectory).forEach(d -> others.add(SAMPLES.relativize(d).toString()));
            }
        }
        for (String other : others) {
            Path dir = SAMPLES.resolve(other);
            if (Files.isDirectory(dir)) {
                Support s = probe(dir);
                assertEquals(0, s.confidence(), other + ": " + s.reason());
            }
        }
    }

    // ------------------------------------------------------------------ generated fixtures

    @Test
    void convertsEveryShapeTypeToItsExactBox() throws IOException {
        jpeg("a.jpg", 100, 80);
        json("a.json", labelMe("a.jpg", 100, 80, """
                {"label": "r", "points": [[30, 40], [10, 20]], "shape_type": "rectangle", "group_id": 3,
                 "description": "parked", "flags": {"occluded": true, "truncated": false}, "difficult": 1},
                {"label": "p", "points": [[1, 2], [9, 2], [5, 7.5]], "shape_type": "polygon"},
                {"label": "p", "points": [[0, 0], [4, 0], [4, 4]]},
                {"label": "c", "points": [[50, 40], [53, 44]], "shape_type": "circle"},
                {"label": "l", "points": [[10, 10], [20, 10]], "shape_type": "line"},
                {"label": "l", "points": [[5, 6], [1, 9], [3, 2]], "shape_type": "linestrip"},
                {"label": "pt", "points": [[7.5, 8.25]], "shape_type": "point"},
                {"label": "m", "points": [[60, 10], [70, 30]], "shape_type": "mask", "mask": "iVBORw0KGgo="},
                {"label": "m", "points": [], "shape_type": "mask"},
                {"label": "e", "points": [[1, 1], [3, 5], [2, 2]], "shape_type": "ellipse"}
                """));
        CollectingSink sink = load(root);

        assertEquals(List.of("c", "e", "l", "m", "p", "pt", "r"),
                sink.classes().stream().map(ClassLabel::name).toList());
        List<Annotation> a = sink.annotations();
        assertEquals(10, a.size());
        assertBox(new BoundingBox(10, 20, 20, 20), a.get(0).box());
        assertEquals(Map.of("group_id", "3", "description", "parked", "flag.occluded", "true",
                "flag.truncated", "false", "difficult", "1"), a.get(0).attributes());
        assertBox(new BoundingBox(1, 2, 8, 5.5), a.get(1).box());
        assertEquals(List.of(new Polygon(new double[] {1, 2, 9, 2, 5, 7.5})), a.get(1).polygons());
        assertBox(new BoundingBox(0, 0, 4, 4), a.get(2).box());
        assertEquals(1, a.get(2).polygons().size(), "a missing shape_type is a polygon, as labelme reads it");
        assertBox(new BoundingBox(45, 35, 10, 10), a.get(3).box());
        assertEquals(Map.of("shape_type", "circle"), a.get(3).attributes());
        assertEquals(List.of(), a.get(3).polygons());
        assertBox(new BoundingBox(10, 10, 10, 0), a.get(4).box());
        assertEquals(Map.of("shape_type", "line"), a.get(4).attributes());
        assertBox(new BoundingBox(1, 2, 4, 7), a.get(5).box());
        assertEquals(Map.of("shape_type", "linestrip"), a.get(5).attributes());
        assertBox(new BoundingBox(7.5, 8.25, 0, 0), a.get(6).box());
        assertBox(new BoundingBox(60, 10, 10, 20), a.get(7).box());
        assertEquals(Map.of("shape_type", "mask"), a.get(7).attributes());
        assertNull(a.get(8).box(), "a mask without points has no place: an image-level label");
        assertBox(new BoundingBox(1, 1, 2, 4), a.get(9).box());
        assertEquals(Map.of("shape_type", "ellipse"), a.get(9).attributes());

        assertEquals(Map.of("/shapes/8", ProblemKind.OTHER, "/shapes/9", ProblemKind.OTHER), problemKinds(sink));
    }

    @Test
    void reportsShapesWithTooFewOrBadPointsAndKeepsTheOthers() throws IOException {
        jpeg("a.jpg", 50, 50);
        json("a.json", labelMe("a.jpg", 50, 50, """
                {"label": "x", "points": [[1, 1], [5, 5]], "shape_type": "polygon"},
                {"label": "x", "points": [[1, 1]], "shape_type": "rectangle"},
                {"label": "x", "points": [[1, 1]], "shape_type": "circle"},
                {"label": "x", "points": [[1, 1]], "shape_type": "line"},
                {"label": "x", "points": [], "shape_type": "point"},
                {"label": "x", "points": [[1, "a"], [2, 2]], "shape_type": "rectangle"},
                {"label": "x", "points": "none", "shape_type": "rectangle"},
                {"points": [[1, 1], [2, 2]], "shape_type": "rectangle"},
                "not a shape",
                {"label": "x", "points": [[1, 1], [2, 2]], "shape_type": "rectangle"}
                """));
        CollectingSink sink = load(root);

        Annotation kept = only(sink.annotations());
        assertBox(new BoundingBox(1, 1, 1, 1), kept.box());
        Map<String, ProblemKind> kinds = problemKinds(sink);
        assertEquals(9, kinds.size(), sink.problems().toString());
        for (int i = 0; i < 9; i++) {
            assertEquals(ProblemKind.MALFORMED_ANNOTATION, kinds.get("/shapes/" + i), "shape " + i);
        }
        assertTrue(problemAt(sink, "/shapes/0").message().contains("polygon has 2 points; expected at least 3"));
        assertTrue(problemAt(sink, "/shapes/1").message().contains("rectangle has 1 point; expected its 2 corners"));
        assertTrue(problemAt(sink, "/shapes/5").message().contains("point 0 is not two finite numbers"));
        assertTrue(problemAt(sink, "/shapes/7").message().contains("no label"));
    }

    @Test
    void reportsMalformedJsonWithLineAndColumnAndKeepsTheShapesBefore() throws IOException {
        jpeg("a.jpg", 50, 50);
        json("a.json", """
                {"version": "5.4.1", "flags": {},
                 "shapes": [
                  {"label": "x", "points": [[1, 1], [5, 5]], "shape_type": "rectangle"},
                  {"label": "x", "points": [[1, 1], [5, 5]] "shape_type": "rectangle"}
                 ], "imagePath": "a.jpg"}""");
        jpeg("b.jpg", 50, 50);
        json("b.json", "{\"shapes\": [");
        jpeg("c.jpg", 50, 50);
        json("c.json", "");
        CollectingSink sink = load(root);

        Problem a = problemOf(sink, "a.json");
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, a.kind());
        assertEquals("line 4, column 45", a.location());
        assertTrue(a.message().startsWith("malformed JSON: Unexpected character ('\"'"), a.message());
        assertTrue(a.message().endsWith("the shapes before this point were read"), a.message());
        assertEquals(1, annotationsOf(sink, "a.jpg").size());
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, problemOf(sink, "b.json").kind());
        assertTrue(problemOf(sink, "c.json").message().contains("the file is empty"));
        assertEquals(3, sink.problems().size(), sink.problems().toString());
        assertEquals(3, sink.images().size());
    }

    @Test
    void readsNonAsciiAndSpacedNamesAndSplitsFromFolders() throws IOException {
        jpeg("train/çà et là.jpg", 30, 20);
        json("train/çà et là.json", labelMe("çà et là.jpg", 30, 20,
                "{\"label\": \"Fußgänger\", \"points\": [[1, 2], [3, 4]], \"shape_type\": \"rectangle\"}"));
        jpeg("val/b.png", 30, 20);
        json("val/b.json", labelMe("b.png", 30, 20,
                "{\"label\": \"狗\", \"points\": [[1, 2], [3, 4]], \"shape_type\": \"rectangle\"}"));
        jpeg("val/unlabelled.jpg", 30, 20);
        CollectingSink sink = load(root);

        assertEquals(List.of(new ClassLabel(0, "Fußgänger"), new ClassLabel(1, "狗")), sink.classes());
        assertEquals(new ImageRef("train/çà et là.jpg", "train", 30, 20), image(sink, "train/çà et là.jpg"));
        assertEquals(new ImageRef("val/b.png", "val", 30, 20), image(sink, "val/b.png"));
        assertEquals(new ImageRef("val/unlabelled.jpg", "val", 0, 0), image(sink, "val/unlabelled.jpg"));
        assertEquals(0, only(annotationsOf(sink, "train/çà et là.jpg")).classId());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void followsImagePathIntoSiblingFolderAndFlagsPathsEscapingTheRoot() throws IOException {
        jpeg("images/a.jpg", 40, 30);
        jpeg("images/unlabelled.jpg", 40, 30);
        json("annotations/a.json", labelMe("..\\images\\a.jpg", 40, 30, rectangle("x")));
        json("annotations/out.json", labelMe("../../elsewhere/out.jpg", 40, 30, rectangle("x")));
        jpeg("annotations/rescued.jpg", 40, 30);
        json("annotations/rescued.json", labelMe("/home/someone/rescued.jpg", 40, 30, rectangle("x")));
        CollectingSink sink = load(root);

        assertEquals(List.of("annotations/rescued.jpg", "images/a.jpg", "images/unlabelled.jpg"),
                sink.images().stream().map(ImageRef::path).sorted().toList());
        assertEquals(1, annotationsOf(sink, "images/a.jpg").size());
        assertEquals(1, annotationsOf(sink, "annotations/rescued.jpg").size());
        assertEquals(2, sink.annotations().size());
        Problem out = problemOf(sink, "annotations/out.json");
        assertEquals(ProblemKind.PATH_ESCAPES_ROOT, out.kind());
        assertEquals(Severity.ERROR, out.severity());
        assertTrue(out.message().contains("'../../elsewhere/out.jpg' points outside the dataset folder"));
        assertTrue(out.message().endsWith("file skipped"), out.message());
        Problem rescued = problemOf(sink, "annotations/rescued.json");
        assertEquals(ProblemKind.PATH_ESCAPES_ROOT, rescued.kind());
        assertEquals(Severity.WARNING, rescued.severity(), "nothing is lost when the image beside it is used");
        assertTrue(rescued.message().endsWith("using 'annotations/rescued.jpg', the image named like this file"));
        assertEquals(2, sink.problems().size(), sink.problems().toString());
    }

    @Test
    void declaresAnEmbeddedImageAtTheJsonPathWithoutReportingItMissing() throws IOException {
        byte[] png = Files.readAllBytes(TestImages.write(cache.resolve("src.png"), 12, 8));
        json("only-embedded.json", """
                {"version": "5.0.1", "flags": {}, "shapes": [
                  {"label": "x", "points": [[1, 1], [5, 5]], "shape_type": "rectangle"}],
                 "imagePath": "only-embedded.png", "imageData": "%s", "imageHeight": 8, "imageWidth": 12}
                """.formatted(Base64.getEncoder().encodeToString(png)));
        jpeg("unlabelled.jpg", 5, 5);
        json("missing.json", labelMe("gone.jpg", 10, 10, rectangle("x")));
        CollectingSink sink = load(root);

        assertEquals(new ImageRef("only-embedded.json", null, 12, 8), image(sink, "only-embedded.json"));
        assertEquals(1, annotationsOf(sink, "only-embedded.json").size());
        Problem info = problemOf(sink, "only-embedded.json");
        assertEquals(Severity.INFO, info.severity());
        assertEquals(ProblemKind.OTHER, info.kind());
        assertTrue(info.message().startsWith("image is embedded in the JSON (imageData)"), info.message());
        // An image that is nowhere is declared where imagePath says, for the indexer to report missing.
        assertEquals(new ImageRef("gone.jpg", null, 10, 10), image(sink, "gone.jpg"));

        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            IndexResult result = new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, root,
                    Progress.NONE);
            assertEquals("labelme", result.format());
            Map<String, String> byPath = new TreeMap<>();
            catalog.query("SELECT path, kind FROM problems", rs -> byPath.put(rs.getString(1), rs.getString(2)));
            assertEquals(Map.of("only-embedded.json", "OTHER", "gone.jpg", "MISSING_IMAGE",
                    "unlabelled.jpg", "IMAGE_WITHOUT_ANNOTATIONS"), byPath);
            assertEquals(12, catalog.queryLong("SELECT width FROM images WHERE path = 'only-embedded.json'"));
        }
    }

    @Test
    void warnsWhenImagePathNamesAnotherImageThanTheOneBesideIt() throws IOException {
        jpeg("a.png", 20, 20);
        jpeg("a.jpg", 20, 20);
        json("a.json", labelMe("a.bmp", 20, 20, rectangle("x")));
        CollectingSink sink = load(root);

        assertEquals(1, annotationsOf(sink, "a.jpg").size(), "jpg is preferred over png");
        Problem p = only(sink.problems());
        assertEquals(ProblemKind.OTHER, p.kind());
        assertEquals("/imagePath", p.location());
    }

    @Test
    void usesLabelListFilesSkippingReservedNamesAndReportsUnknownLabels() throws IOException {
        write("labels.txt", "__ignore__\n_background_\ndog\ncat\n\ncat\n");
        write("flags.txt", "__ignore__\nindoor\n");
        jpeg("a.jpg", 20, 20);
        json("a.json", """
                {"flags": {"indoor": true, "outdoor": true, "__ignore__": true},
                 "shapes": [
                  {"label": "cat", "points": [[1, 1], [5, 5]], "shape_type": "rectangle"},
                  {"label": "cow", "points": [[1, 1], [5, 5]], "shape_type": "rectangle"},
                  {"label": "__ignore__", "points": [[1, 1], [5, 5], [1, 5]], "shape_type": "polygon"},
                  {"label": "_background_", "points": [[1, 1], [5, 5]], "shape_type": "rectangle"}],
                 "imagePath": "a.jpg", "imageHeight": 20, "imageWidth": 20}""");
        CollectingSink sink = load(root);

        assertEquals(List.of(new ClassLabel(0, "dog"), new ClassLabel(1, "cat"), new ClassLabel(2, "indoor")),
                sink.classes());
        assertEquals(List.of(Annotation.imageLabel("a.jpg", 2)),
                sink.annotations().stream().filter(a -> a.box() == null).toList());
        assertEquals(1, sink.annotations().stream().filter(a -> a.box() != null && a.classId() == 1).count());
        assertEquals(2, sink.annotations().size());
        Map<String, ProblemKind> kinds = problemKinds(sink);
        assertEquals(Map.of("/flags/outdoor", ProblemKind.UNKNOWN_CLASS, "/shapes/1", ProblemKind.UNKNOWN_CLASS,
                "", ProblemKind.OTHER), kinds);
        assertTrue(problemAt(sink, "/shapes/1").message().contains("'cow' is not in labels.txt (3 classes)"));
        assertTrue(problemAt(sink, "").message().startsWith("2 shapes are labelled as labelme's ignore regions"));
    }

    @Test
    void ignoresJsonFilesThatAreNotLabelMe() throws IOException {
        jpeg("a.jpg", 20, 20);
        json("a.json", labelMe("a.jpg", 20, 20, rectangle("x")));
        json("coco.json", "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [], "
                + "\"categories\": []}");
        json("list.json", "[{\"image\": \"a.jpg\"}]");
        json("config/settings.json", "{\"threshold\": 0.5}");
        CollectingSink sink = load(root);

        assertEquals(1, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
        assertEquals(List.of("a.json#"), DatasetLoader.load(root, new LabelMeFormat()).units().stream()
                .map(u -> u.key().substring(0, u.key().indexOf('#') + 1)).toList());
    }

    @Test
    void unitsHoldTheJsonAndItsImageAndTheirKeysFollowTheClassList() throws IOException {
        jpeg("a.jpg", 20, 20);
        json("a.json", labelMe("a.jpg", 20, 20, rectangle("x")));
        json("embedded.json", """
                {"shapes": [], "imagePath": "embedded.jpg", "imageData": "AAAA", "imageWidth": 2, "imageHeight": 2}""");
        List<Unit> before = DatasetLoader.load(root, new LabelMeFormat()).units();
        assertEquals(List.of(List.of("a.json", "a.jpg"), List.of("embedded.json")),
                before.stream().map(Unit::files).toList());

        jpeg("b.jpg", 20, 20);
        json("b.json", labelMe("b.jpg", 20, 20, rectangle("new class")));
        List<Unit> after = DatasetLoader.load(root, new LabelMeFormat()).units();
        assertNotEquals(before.get(0).key(), after.get(0).key(), "a new class name changes every unit's key");
        assertTrue(after.get(0).key().startsWith("a.json#"));
    }

    @Test
    void reindexParsesOnlyFilesWhoseImageOrClassListChanged() throws IOException {
        jpeg("a.jpg", 20, 20);
        json("a.json", labelMe("a.jpg", 20, 20, rectangle("x")));
        jpeg("b.jpg", 20, 20);
        json("b.json", labelMe("b.jpg", 20, 20, rectangle("x")));
        json("c.json", labelMe("c.jpg", 20, 20, rectangle("x")));
        Indexer indexer = new Indexer(IndexOptions.defaults().withThreads(2));
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            assertEquals(3, indexer.index(catalog, root, Progress.NONE).unitsParsed());
            assertEquals(1, catalog.queryLong("SELECT count(*) FROM problems WHERE kind = 'MISSING_IMAGE'"));

            IndexResult unchanged = indexer.index(catalog, root, Progress.NONE);
            assertEquals(0, unchanged.unitsParsed());
            assertEquals(3, unchanged.unitsReused());

            jpeg("c.jpg", 20, 20);
            IndexResult imageAppeared = indexer.index(catalog, root, Progress.NONE);
            assertEquals(1, imageAppeared.unitsParsed());
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM problems"));

            json("b.json", labelMe("b.jpg", 20, 20, rectangle("x") + ", " + rectangle("y")));
            IndexResult newClass = indexer.index(catalog, root, Progress.NONE);
            assertEquals(3, newClass.unitsParsed(), "class ids moved, so every unit is parsed again");
            assertEquals(4, newClass.annotations());
            assertEquals(2, newClass.classes());
        }
    }

    @Test
    void probeNeedsShapesWithLabelMeFields() throws IOException {
        jpeg("a.jpg", 20, 20);
        json("a.json", "{\"shapes\": [{\"name\": \"x\", \"box\": [1, 2, 3, 4]}]}");
        assertFalse(probe(root).matches());
        json("a.json", labelMe("a.jpg", 20, 20, rectangle("x")));
        assertEquals(0.92, probe(root).confidence(), EPS);
    }

    // ------------------------------------------------------------------ helpers

    private static Path sample(String name) {
        Path dir = SAMPLES.resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared sample not present: " + name);
        return dir;
    }

    private static CollectingSink load(Path dir) throws IOException {
        return DatasetLoader.load(dir, new LabelMeFormat()).sink();
    }

    private static Support probe(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        return new LabelMeFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private static String detect(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        return Formats.detect(absolute, DatasetLoader.list(absolute)).format().id();
    }

    private static String labelMe(String imagePath, int width, int height, String shapes) {
        return """
                {"version": "5.4.1", "flags": {}, "shapes": [%s],
                 "imagePath": "%s", "imageData": null, "imageHeight": %d, "imageWidth": %d}
                """.formatted(shapes, imagePath.replace("\\", "\\\\"), height, width);
    }

    private static String rectangle(String label) {
        return "{\"label\": \"" + label + "\", \"points\": [[1, 1], [5, 5]], \"shape_type\": \"rectangle\"}";
    }

    private void jpeg(String relative, int width, int height) {
        TestImages.write(root.resolve(relative), width, height);
    }

    private void json(String relative, String content) throws IOException {
        write(relative, content);
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static ClassLabel classNamed(CollectingSink sink, String name) {
        return only(sink.classes().stream().filter(c -> c.name().equals(name)).toList());
    }

    private static ImageRef image(CollectingSink sink, String path) {
        return only(sink.images().stream().filter(i -> i.path().equals(path)).toList());
    }

    private static List<Annotation> annotationsOf(CollectingSink sink, String path) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(path)).toList();
    }

    private static Problem problemOf(CollectingSink sink, String path) {
        return only(sink.problems().stream().filter(p -> p.path().equals(path)).toList());
    }

    private static Problem problemAt(CollectingSink sink, String location) {
        return only(sink.problems().stream().filter(p -> p.location().equals(location)).toList());
    }

    private static Map<String, ProblemKind> problemKinds(CollectingSink sink) {
        return sink.problems().stream().collect(Collectors.toMap(Problem::location, Problem::kind));
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    private static void assertShape(CollectingSink sink, Annotation a, String className, String shapeType,
                                    BoundingBox box) {
        assertEquals(className, only(sink.classes().stream().filter(c -> c.id() == a.classId()).toList()).name());
        assertEquals(shapeType, a.attributes().get("shape_type"), a.toString());
        assertBox(box, a.box());
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-6, "x of " + actual);
        assertEquals(expected.y(), actual.y(), 1e-6, "y of " + actual);
        assertEquals(expected.width(), actual.width(), 1e-6, "width of " + actual);
        assertEquals(expected.height(), actual.height(), 1e-6, "height of " + actual);
    }
}
