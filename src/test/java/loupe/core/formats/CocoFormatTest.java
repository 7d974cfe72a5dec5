package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Polygon;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

class CocoFormatTest {

    private static final Path DATASETS = Path.of("..", "shared", "datasets");
    private static final Path DATUMARO_COCO = DATASETS.resolve("datumaro/coco");

    @TempDir
    Path root;

    // ---- shared samples -------------------------------------------------------------------------------------
    // Expected numbers were counted with python3's json module on the source files:
    // len(d["images"]), len(d["annotations"]), sorted(c["id"] for c in d["categories"]), and per annotation
    // whether "segmentation" is a list or an RLE dict and the value of "iscrowd".

    @Test
    void readsDatumaroInstancesWithSplitsAndCategoryIdGaps() throws IOException {
        DatasetLoader.Result result = loadShared(DATUMARO_COCO.resolve("coco_instances"));
        assertDatumaroInstances(result, "images/train/a.jpg", "images/val/b.jpg");
    }

    @Test
    void readsOnlyInstancesWhenTheAnnotationsFolderHoldsEveryCocoTask() throws IOException {
        // datumaro/coco/coco has instances, person_keypoints, stuff, labels, captions, image_info and panoptic
        // files of the same two images; reading more than instances would duplicate the boxes.
        DatasetLoader.Result result = loadShared(DATUMARO_COCO.resolve("coco"));
        assertDatumaroInstances(result, "images/train/a.jpg", "images/val/b.jpg");
    }

    @Test
    void readsRoboflowLayoutWithImagesBesideEachJson() throws IOException {
        DatasetLoader.Result result = loadShared(DATUMARO_COCO.resolve("coco_roboflow"));
        assertDatumaroInstances(result, "train/a.jpg", "val/b.jpg");
    }

    @Test
    void readsMmdetLayoutWithSplitFoldersAtTheRoot() throws IOException {
        DatasetLoader.Result result = loadShared(DATUMARO_COCO.resolve("mmdet_coco"));
        assertDatumaroInstances(result, "train/a.jpg", "val/b.jpg");
    }

    /** instances_train.json: 1 image (id 5, 10x5), 1 box; instances_val.json: 1 image (id 40, 5x10), 2 boxes. */
    private static void assertDatumaroInstances(DatasetLoader.Result result, String train, String val) {
        CollectingSink sink = result.sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(Map.of(1, "a", 2, "b", 4, "c"), classes(sink));
        assertEquals(Map.of(train, new ImageRef(train, "train", 10, 5), val, new ImageRef(val, "val", 5, 10)),
                images(sink));
        List<Annotation> annotations = sink.annotations();
        assertEquals(3, annotations.size());

        Annotation trainBox = only(annotations, a -> a.imagePath().equals(train));
        assertEquals(2, trainBox.classId());
        assertEquals(new BoundingBox(2, 2, 3, 1), trainBox.box());
        assertEquals(List.of(), trainBox.polygons());
        assertFalse(trainBox.crowd());
        assertEquals("1", trainBox.attributes().get("id"));

        Annotation polygon = only(annotations, a -> a.imagePath().equals(val) && a.classId() == 1);
        assertEquals(new BoundingBox(0, 0, 1, 2), polygon.box());
        assertEquals(List.of(new Polygon(new double[] {0, 0, 1, 0, 1, 2, 0, 2})), polygon.polygons());
        assertEquals("1", polygon.attributes().get("x"));
        assertEquals("hello", polygon.attributes().get("y"));
        assertEquals("2.0", polygon.attributes().get("area"));

        Annotation rle = only(annotations, a -> a.imagePath().equals(val) && a.classId() == 2);
        assertEquals(new BoundingBox(0, 0, 1, 9), rle.box(), "the file's bbox is kept as written");
        assertTrue(rle.crowd());
        // {"counts": [0, 20, 30], "size": [10, 5]}: uncompressed counts, carried compressed ("0d0n0", see
        // CocoRleTest for the hand derivation) with the source's form.
        assertEquals("rle-uncompressed", rle.attributes().get("segmentation"));
        assertEquals("10 5 0d0n0", rle.attributes().get("rle"));
        assertEquals(List.of(), rle.polygons());
    }

    @Test
    void readsPersonKeypointBoxesWhenThereIsNoInstancesFile() throws IOException {
        // person_keypoints_train: 1 annotation, _val: 2 (one RLE crowd); categories 1, 2.
        CollectingSink sink = loadShared(DATUMARO_COCO.resolve("coco_person_keypoints")).sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(Set.of(1, 2), classes(sink).keySet());
        assertEquals(2, sink.images().size());
        assertEquals(3, sink.annotations().size());
        assertEquals(1, sink.annotations().stream().filter(Annotation::crowd).count());
        assertTrue(sink.annotations().stream().allMatch(a -> a.box() != null));
    }

    @Test
    void readsStuffRleSegmentsAsCrowdBoxes() throws IOException {
        // stuff_train and stuff_val: one RLE annotation each, iscrowd 1; bbox of the train one [2, 0, 4, 4].
        CollectingSink sink = loadShared(DATUMARO_COCO.resolve("coco_stuff")).sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(2, sink.annotations().size());
        assertTrue(sink.annotations().stream()
                .allMatch(a -> a.crowd() && "rle-uncompressed".equals(a.attributes().get("segmentation"))));
        Annotation train = only(sink.annotations(), a -> a.imagePath().equals("images/train/a.jpg"));
        assertEquals(new BoundingBox(2, 0, 4, 4), train.box());
    }

    @Test
    void readsLabelsFilesAsImageLevelLabels() throws IOException {
        // labels_train: 1 annotation (category 2), labels_val: 2 (categories 1, 2); none has bbox or segmentation.
        CollectingSink sink = loadShared(DATUMARO_COCO.resolve("coco_labels")).sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(3, sink.annotations().size());
        assertTrue(sink.annotations().stream().allMatch(a -> a.box() == null));
        assertEquals(List.of(2), classIdsOf(sink, "images/train/a.jpg"));
        assertEquals(List.of(1, 2), classIdsOf(sink, "images/val/b.jpg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"coco_image_info", "coco_captions", "coco_panoptic"})
    void declaresTheImagesOfFilesWithoutBoxes(String sample) throws IOException {
        // Each holds image a.jpg (id 5) in *_train.json and b.jpg (id 40) in *_val.json, and no boxes.
        CollectingSink sink = loadShared(DATUMARO_COCO.resolve(sample)).sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(Map.of("images/train/a.jpg", new ImageRef("images/train/a.jpg", "train", 10, 5),
                "images/val/b.jpg", new ImageRef("images/val/b.jpg", "val", 5, 10)), images(sink));
        assertEquals(List.of(), sink.annotations());
    }

    @Test
    void readsLabelmeCocoExportWithZeroBasedIdsAndMultiPolygonObjects() throws IOException {
        // annotations.json: 3 images (file_name JPEGImages/...), 12 annotations with 16 polygons in all,
        // categories 0 (_background_) .. 20; annotation on image 2 (2011_000006.jpg) with category 18 has
        // 4 polygons and bbox [18, 140, 460, 172].
        CollectingSink sink = loadShared(DATASETS.resolve("labelme/instance_segmentation/data_dataset_coco")).sink();
        assertEquals(List.of(), sink.problems());
        Map<Integer, String> classes = classes(sink);
        assertEquals(21, classes.size());
        assertEquals("_background_", classes.get(0));
        assertEquals("tv/monitor", classes.get(20));
        assertEquals(Set.of("JPEGImages/2011_000003.jpg", "JPEGImages/2011_000006.jpg", "JPEGImages/2011_000025.jpg"),
                images(sink).keySet());
        assertEquals(new ImageRef("JPEGImages/2011_000003.jpg", null, 500, 338),
                images(sink).get("JPEGImages/2011_000003.jpg"));
        assertEquals(12, sink.annotations().size());
        assertEquals(16, sink.annotations().stream().mapToInt(a -> a.polygons().size()).sum());
        Annotation sofa = only(sink.annotations(), a -> a.polygons().size() == 4);
        assertEquals("JPEGImages/2011_000006.jpg", sofa.imagePath());
        assertEquals(18, sofa.classId());
        assertEquals(new BoundingBox(18, 140, 460, 172), sofa.box());
    }

    @Test
    void readsEverySahiCocoFileAndIgnoresTheLabelmeTwins() throws IOException {
        // Seven *_coco.json files: 12 + 7 + 5 + 7 + 5 + 10 + 22 = 68 annotations, all polygons; images
        // terrain1.jpg, terrain2.png, terrain3.png (the last is not in the folder); category ids 1..3 (their
        // names differ between files). terrain1/2/3.json are LabelMe files and must not be read.
        Path folder = DATASETS.resolve("sahi/tests_data/coco_utils");
        Assumptions.assumeTrue(Files.isDirectory(folder), "shared sahi sample not present");
        DatasetLoader.Result result = DatasetLoader.load(folder, new CocoFormat());
        CollectingSink sink = result.sink();
        assertEquals(List.of(), sink.problems());
        assertEquals(Set.of("terrain1.jpg", "terrain2.png", "terrain3.png"), images(sink).keySet());
        assertEquals(new ImageRef("terrain1.jpg", null, 2048, 1365), images(sink).get("terrain1.jpg"));
        assertEquals(68, sink.annotations().size());
        assertTrue(sink.annotations().stream().allMatch(a -> a.polygons().size() == 1 && a.box() != null));
        assertEquals(Set.of(1, 2, 3), classes(sink).keySet());
        assertTrue(new CocoFormat().probe(DatasetLoader.list(folder), folder).confidence() >= 0.8);
    }

    @Test
    void probeRecognisesEveryDatumaroCocoSample() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DATUMARO_COCO), "shared datumaro sample not present");
        for (String sample : List.of("coco", "coco_instances", "coco_roboflow", "mmdet_coco")) {
            Support support = probe(DATUMARO_COCO.resolve(sample));
            assertTrue(support.confidence() >= 0.9, sample + ": " + support);
        }
        for (String sample : List.of("coco_person_keypoints", "coco_stuff", "coco_labels", "coco_image_info",
                "coco_captions", "coco_panoptic")) {
            Support support = probe(DATUMARO_COCO.resolve(sample));
            assertTrue(support.matches() && support.confidence() < 0.9, sample + ": " + support);
        }
        assertTrue(probe(DATUMARO_COCO.resolve("coco_instances")).reason()
                .contains("has images, annotations with bbox and categories"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"raccoon", "datumaro/voc/voc_dataset1", "datumaro/yolo_darknet",
            "datumaro/imagenet_folders/subsets",
            "datumaro/cvat_xml/for_images", "datumaro/segment_anything", "labelme/bbox_detection/data_annotated",
            "labelme/primitives", "label-studio-converter/tests_data", "labelImg"})
    void probeGivesZeroForOtherFormats(String sample) throws IOException {
        Path folder = DATASETS.resolve(sample);
        Assumptions.assumeTrue(Files.isDirectory(folder), "shared sample not present: " + sample);
        Support support = probe(folder);
        assertEquals(0, support.confidence(), sample + ": " + support.reason());
    }

    // ---- generated fixtures ---------------------------------------------------------------------------------

    @Test
    void readsPolygonsCrowdRleSubFoldersAndNonAsciiNames() throws IOException {
        writeImage("images/train/street/ümlaut café.jpg", 40, 30);
        writeImage("images/train/b.png", 20, 10);
        writeJson("annotations/instances_train.json", """
                {"info": {"year": 2024}, "categories": [{"id": 3, "name": "Fußgänger"}, {"id": 7, "name": "car"}],
                 "images": [{"id": 1, "file_name": "street/ümlaut café.jpg", "width": 40, "height": 30},
                            {"id": 2, "file_name": "b.png", "width": 20, "height": 10}],
                 "annotations": [
                   {"id": 10, "image_id": 1, "category_id": 3, "bbox": [1.5, 2, 10, 12.25], "area": 99, "score": 0.5,
                    "segmentation": [[1, 2, 11, 2, 11, 14], [20, 20, 25, 20, 25, 25]], "iscrowd": 0},
                   {"id": 11, "image_id": 2, "category_id": 7, "bbox": [0, 0, 20, 10],
                    "segmentation": {"size": [10, 20], "counts": "n5:"}, "iscrowd": 1},
                   {"id": 12, "image_id": 2, "category_id": 7, "segmentation": [[2, 3, 8, 3, 8, 9, 2, 9]]},
                   {"id": 13, "image_id": 1, "category_id": 3, "bbox": [0, 0, 0, 0], "segmentation": [1, 1, 4, 1, 4, 4]}
                 ]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(List.of(), sink.problems());
        assertEquals(Map.of(3, "Fußgänger", 7, "car"), classes(sink));
        String umlaut = "images/train/street/ümlaut café.jpg";
        assertEquals(Map.of(umlaut, new ImageRef(umlaut, "train", 40, 30),
                "images/train/b.png", new ImageRef("images/train/b.png", "train", 20, 10)), images(sink));
        Map<String, Annotation> byId = sink.annotations().stream()
                .collect(Collectors.toMap(a -> a.attributes().get("id"), Function.identity()));

        Annotation polygons = byId.get("10");
        assertEquals(umlaut, polygons.imagePath());
        assertEquals(new BoundingBox(1.5, 2, 10, 12.25), polygons.box());
        assertEquals(List.of(new Polygon(new double[] {1, 2, 11, 2, 11, 14}),
                new Polygon(new double[] {20, 20, 25, 20, 25, 25})), polygons.polygons());
        assertEquals(Map.of("id", "10", "area", "99", "score", "0.5"), polygons.attributes());

        Annotation crowd = byId.get("11");
        assertTrue(crowd.crowd());
        assertEquals(new BoundingBox(0, 0, 20, 10), crowd.box());
        assertEquals("rle", crowd.attributes().get("segmentation"));
        // "n5:" is the runs 190, 10 (n = 30 + 0x20 with 5 more to come: 30 + 5 * 32 = 190; ':' = 10): the last
        // column of the 20 x 10 image.
        assertEquals("10 20 n5:", crowd.attributes().get("rle"));

        // No bbox: the bounds of the polygon stand in.
        assertEquals(new BoundingBox(2, 3, 6, 6), byId.get("12").box());
        // A zero-size box is kept as read (the indexer judges it); a flat polygon list is one polygon.
        assertEquals(new BoundingBox(0, 0, 0, 0), byId.get("13").box());
        assertEquals(List.of(new Polygon(new double[] {1, 1, 4, 1, 4, 4})), byId.get("13").polygons());
    }

    @Test
    void readsAnnotationsThatComeBeforeTheImages() throws IOException {
        writeImage("images/a.jpg", 8, 8);
        writeImage("images/b.jpg", 8, 8);
        writeJson("annotations.json", """
                {"annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 2, "image_id": 1, "category_id": 1, "bbox": [3, 3, 2, 2]}],
                 "categories": [{"id": 1, "name": "x"}],
                 "images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(List.of(), sink.problems());
        assertEquals(Set.of("images/a.jpg", "images/b.jpg"), images(sink).keySet());
        assertNull(images(sink).get("images/a.jpg").split());
        Map<String, String> imageOfId = sink.annotations().stream()
                .collect(Collectors.toMap(a -> a.attributes().get("id"), Annotation::imagePath));
        assertEquals(Map.of("1", "images/b.jpg", "2", "images/a.jpg"), imageOfId);
    }

    @Test
    void keepsWhatWasReadBeforeTheFileBreaksOff() throws IOException {
        writeImage("images/val/a.jpg", 8, 8);
        String full = """
                {"categories": [{"id": 1, "name": "x"}],
                 "images": [{"id": 1, "file_name": "a.jpg"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 2, "image_id": 1, "category_id": 1, "bbox": [3, 3, 2, 2]}]}""";
        writeJson("annotations/instances_val.json", full.substring(0, full.indexOf("[3, 3")));
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Map.of(1, "x"), classes(sink));
        assertEquals(Set.of("images/val/a.jpg"), images(sink).keySet());
        assertEquals(1, sink.annotations().size());
        assertEquals(new BoundingBox(1, 1, 2, 2), sink.annotations().get(0).box());
        Problem problem = only(sink.problems(), p -> true);
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, problem.kind());
        assertEquals("annotations/instances_val.json", problem.path());
        assertTrue(problem.location().matches("line 4, column \\d+"), problem.location());
    }

    @Test
    void placesAnnotationsBeforeABrokenImagesArrayOnTheImagesReadBeforeTheBreak() throws IOException {
        writeImage("images/a.jpg", 8, 8);
        writeJson("annotations/instances.json", """
                {"categories": [{"id": 1, "name": "x"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 2, "image_id": 2, "category_id": 1, "bbox": [3, 3, 2, 2]},
                                 {"id": 3, "image_id": 2, "category_id": 1, "bbox": [5, 5, 2, 2]}],
                 "images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_na""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Set.of("images/a.jpg"), images(sink).keySet());
        assertEquals("1", only(sink.annotations(), a -> true).attributes().get("id"));
        assertEquals(2, sink.problems().size(), sink.problems().toString());
        assertTrue(sink.problems().get(0).location().startsWith("line 5, column "));
        assertEquals("/annotations", sink.problems().get(1).location());
        assertTrue(sink.problems().get(1).message().startsWith("2 annotations refer to images that were not read"));
    }

    @Test
    void reportsAFileThatIsNotACocoObjectInsteadOfThrowing() throws IOException {
        writeJson("annotations/instances_train.json", "[1, 2, 3]");
        writeJson("annotations/instances_val.json", "");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Set.of("annotations/instances_train.json", "annotations/instances_val.json"),
                sink.problems().stream().map(Problem::path).collect(Collectors.toSet()));
        assertTrue(sink.problems().stream().allMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION));
        assertEquals(List.of(), sink.images());
    }

    @Test
    void flagsFileNameThatEscapesTheRootAndSkipsItsAnnotations() throws IOException {
        writeImage("a.jpg", 8, 8);
        writeJson("dataset.json", """
                {"categories": [{"id": 1, "name": "x"}],
                 "images": [{"id": 1, "file_name": "../outside.jpg"}, {"id": 2, "file_name": "a.jpg"},
                            {"id": 3, "file_name": "/etc/passwd"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 2, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2]}]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Set.of("a.jpg"), images(sink).keySet());
        assertEquals(List.of("a.jpg"), sink.annotations().stream().map(Annotation::imagePath).toList());
        assertEquals(2, sink.problems().size());
        assertTrue(sink.problems().stream().allMatch(p -> p.kind() == ProblemKind.PATH_ESCAPES_ROOT));
        assertEquals(Set.of("/images/0", "/images/2"),
                sink.problems().stream().map(Problem::location).collect(Collectors.toSet()));
    }

    @Test
    void flagsAnnotationWithUnknownImageIdAndReadsTheRest() throws IOException {
        writeImage("images/a.jpg", 8, 8);
        writeJson("annotations/instances.json", """
                {"categories": [{"id": 1, "name": "x"}],
                 "images": [{"id": "img-1", "file_name": "a.jpg"}],
                 "annotations": [{"id": 1, "image_id": "img-1", "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 2, "image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                 {"id": 3, "image_id": "img-1", "category_id": 1, "bbox": [4, 4, 2, 2]}]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(2, sink.annotations().size());
        Problem problem = only(sink.problems(), p -> true);
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, problem.kind());
        assertEquals("/annotations/1", problem.location());
        assertTrue(problem.message().contains("image_id 99"), problem.message());
    }

    @Test
    void flagsBboxThatIsNotFourNumbers() throws IOException {
        writeImage("images/a.jpg", 8, 8);
        writeJson("annotations/instances.json", """
                {"categories": [{"id": 1, "name": "x"}],
                 "images": [{"id": 1, "file_name": "a.jpg"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2]},
                                 {"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, "1", 2, 2]},
                                 {"id": 3, "image_id": 1, "category_id": 1, "bbox": "1 1 2 2"},
                                 {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, NaN]},
                                 {"id": 5, "image_id": 1, "category_id": 1, "bbox": [1, 1],
                                  "segmentation": [[0, 0, 4, 0, 4, 4]]},
                                 {"id": 6, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(List.of("/annotations/0/bbox", "/annotations/1/bbox", "/annotations/2/bbox",
                        "/annotations/3/bbox", "/annotations/4/bbox"),
                sink.problems().stream().map(Problem::location).toList());
        assertTrue(sink.problems().stream().allMatch(p -> p.kind() == ProblemKind.MALFORMED_ANNOTATION));
        // The one with a polygon keeps the polygon's bounds; the others are skipped.
        Map<String, BoundingBox> boxes = sink.annotations().stream()
                .collect(Collectors.toMap(a -> a.attributes().get("id"), Annotation::box));
        assertEquals(Map.of("5", new BoundingBox(0, 0, 4, 4), "6", new BoundingBox(1, 1, 2, 2)), boxes);
    }

    @Test
    void flagsDuplicateImageAndCategoryIds() throws IOException {
        writeImage("images/a.jpg", 8, 8);
        writeImage("images/b.jpg", 8, 8);
        writeJson("annotations/instances.json", """
                {"categories": [{"id": 1, "name": "x"}, {"id": 1, "name": "y"}],
                 "images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Map.of(1, "x"), classes(sink));
        assertEquals(Set.of("images/a.jpg", "images/b.jpg"), images(sink).keySet());
        assertEquals("images/a.jpg", only(sink.annotations(), a -> true).imagePath());
        assertEquals(Set.of("/categories/1", "/images/1"),
                sink.problems().stream().map(Problem::location).collect(Collectors.toSet()));
    }

    @Test
    void findsImagesInCoco2017FoldersAndDeclaresMissingOnesBesideThem() throws IOException {
        writeImage("train2017/000001.jpg", 8, 8);
        writeImage("val2017/000002.jpg", 8, 8);
        writeJson("annotations/instances_train2017.json", """
                {"images": [{"id": 1, "file_name": "000001.jpg"}, {"id": 3, "file_name": "000003.jpg"}],
                 "annotations": [], "categories": []}""");
        writeJson("annotations/instances_val2017.json", """
                {"images": [{"id": 2, "file_name": "000002.jpg"}], "annotations": [], "categories": []}""");
        // A stats file with an "images" count is no COCO file.
        writeJson("meta.json", "{\"images\": 3, \"annotations\": 0}");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(List.of(), sink.problems());
        assertEquals(Map.of("train2017/000001.jpg", "train", "train2017/000003.jpg", "train",
                        "val2017/000002.jpg", "val"),
                images(sink).values().stream().collect(Collectors.toMap(ImageRef::path, ImageRef::split)));
    }

    @Test
    void prefersSplitImageFolderOverTheJsonFolder() throws IOException {
        // Roboflow-like export whose images were moved to images/<split>/: the candidates are tried in order.
        writeImage("valid/images/valid/a.jpg", 8, 8);
        writeImage("valid/a.jpg", 8, 8);
        writeJson("valid/_annotations.coco.json", """
                {"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [], "categories": []}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Map.of("valid/images/valid/a.jpg", new ImageRef("valid/images/valid/a.jpg", "valid", 0, 0)),
                images(sink));
    }

    @Test
    void declaresImagesOfAnAnnotationsOnlyDatasetUnderImagesSplitFolder() throws IOException {
        writeJson("annotations/instances_train.json", """
                {"images": [{"id": 1, "file_name": "x/000001.jpg"}], "annotations": [], "categories": []}""");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(Set.of("images/train/x/000001.jpg"), images(sink).keySet());
    }

    @Test
    void listsOnlyTheFirstHundredProblemsOfAFile() throws IOException {
        StringBuilder annotations = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            annotations.append(i == 0 ? "" : ",").append("{\"image_id\": ").append(1000 + i)
                    .append(", \"category_id\": 1, \"bbox\": [0, 0, 1, 1]}");
        }
        writeJson("annotations/instances_train.json",
                "{\"images\": [], \"categories\": [], \"annotations\": [" + annotations + "]}");
        CollectingSink sink = DatasetLoader.load(root, new CocoFormat()).sink();

        assertEquals(CocoReader.MAX_LISTED_PROBLEMS + 1, sink.problems().size());
        assertTrue(sink.problems().get(CocoReader.MAX_LISTED_PROBLEMS).message().startsWith("50 more problems"));
    }

    @Test
    void takesSplitsFromFileNames() {
        assertEquals("val", split("annotations/instances_val.json"));
        assertEquals("val", split("annotations/instances_val2017.json"));
        assertEquals("test-dev", split("annotations/image_info_test-dev2017.json"));
        assertEquals("train", split("train/_annotations.coco.json"));
        assertEquals("train", split("annotations/train.json"));
        assertNull(split("_annotations.coco.json"));
        assertNull(split("annotations.json"));
        assertNull(split("annotations/instances.json"));
    }

    private static String split(String path) {
        String raw = CocoFormat.rawSplit(path);
        return raw == null ? null : CocoFormat.splitWithoutYear(raw);
    }

    @Test
    void probeIgnoresJsonFilesWithoutImagesArray() throws IOException {
        writeImage("a.jpg", 8, 8);
        writeJson("a.json", """
                {"version": "5.0", "shapes": [{"label": "x", "points": [[1, 2], [3, 4]]}], "imagePath": "a.jpg"}""");
        writeJson("annotations/meta.json", "{\"annotations\": [{\"label\": 1}]}");
        writeJson("stats.json", "{\"images\": 120000, \"annotations\": [{\"image_id\": 1}]}");
        assertEquals(0, probe(root).confidence());
        assertEquals(0, probe(root.resolve("annotations")).confidence());
    }

    @Test
    void probeRecognisesACocoFileByItsContentWhateverItsName() throws IOException {
        writeJson("labels/my export.json", """
                {"images": [{"id": 1, "file_name": "a.jpg"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}],
                 "categories": [{"id": 1, "name": "x"}]}""");
        Support support = probe(root);
        assertEquals(0.9, support.confidence());
        assertEquals("labels/my export.json has images, annotations with bbox and categories", support.reason());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static DatasetLoader.Result loadShared(Path folder) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(folder), "shared sample not present: " + folder);
        return DatasetLoader.load(folder, new CocoFormat());
    }

    private static Support probe(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        return new CocoFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private void writeJson(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private void writeImage(String relative, int width, int height) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        String format = relative.endsWith(".png") ? "png" : "jpg";
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no ImageIO writer for " + format);
    }

    private static Map<Integer, String> classes(CollectingSink sink) {
        return sink.classes().stream()
                .collect(Collectors.toMap(ClassLabel::id, ClassLabel::name, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, ImageRef> images(CollectingSink sink) {
        return sink.images().stream().collect(Collectors.toMap(ImageRef::path, Function.identity()));
    }

    private static List<Integer> classIdsOf(CollectingSink sink, String imagePath) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(imagePath))
                .map(Annotation::classId).collect(Collectors.toCollection(TreeSet::new)).stream().toList();
    }

    private static <T> T only(List<T> items, java.util.function.Predicate<T> filter) {
        List<T> matches = items.stream().filter(filter).toList();
        assertEquals(1, matches.size(), "expected exactly one match in " + items);
        return matches.get(0);
    }
}
