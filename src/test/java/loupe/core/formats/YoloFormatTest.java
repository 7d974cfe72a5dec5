package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.model.Severity;

class YoloFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;

    @TempDir
    Path root;

    // ---------------------------------------------------------------- shared samples

    @Test
    void readsDatumaroStrictDarknetLayout() throws IOException {
        Path dir = shared("datumaro/yolo_darknet/strict");
        CollectingSink sink = load(dir);

        // obj.names has 10 lines label_0..label_9; obj_train_data holds one image (1.jpg, 15x10 per `file`)
        // and 1.txt with 2 lines; train.txt lists data/obj_train_data/1.jpg.
        assertEquals(10, sink.classes().size());
        assertEquals(new ClassLabel(9, "label_9"), sink.classes().get(9));
        assertEquals(List.of(ImageRef.of("obj_train_data/1.jpg", "train")), sink.images());
        assertEquals(2, sink.annotations().size());
        // line "2 0.133333 0.300000 0.266667 0.200000" on 15x10
        Annotation first = sink.annotations().get(0);
        assertEquals(2, first.classId());
        assertBox((0.133333 - 0.266667 / 2) * 15, (0.3 - 0.1) * 10, 0.266667 * 15, 0.2 * 10, first.box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroLabelsLayoutWithSplitsFromFolders() throws IOException {
        Path dir = shared("datumaro/yolo_darknet/labels");
        CollectingSink sink = load(dir);

        // images/train/1.jpg, images/val/1.jpg; labels/{train,val}/1.txt with 2 lines each (python count: 4);
        // README.txt at the root is not a label.
        assertEquals(10, sink.classes().size());
        assertEquals(List.of(ImageRef.of("images/train/1.jpg", "train"), ImageRef.of("images/val/1.jpg", "val")),
                sink.images());
        assertEquals(Map.of("images/train/1.jpg", 2, "images/val/1.jpg", 2), countByImage(sink));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaroAnnotationsLayoutWithoutSplit() throws IOException {
        Path dir = shared("datumaro/yolo_darknet/annotations");
        CollectingSink sink = load(dir);

        // Images/1.jpg + Annotations/1.txt (2 lines), obj.names with 10 names.
        assertEquals(10, sink.classes().size());
        assertEquals(List.of(ImageRef.of("Images/1.jpg", null)), sink.images());
        assertEquals(2, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsLabelStudioYoloExportWithRealImageSizes() throws IOException {
        Path dir = shared("label-studio-converter/tests_data/test_import_yolo_data");
        CollectingSink sink = load(dir);

        // classes.txt: 4 CRLF lines. images/: 7 files (jpg, png, jpeg). labels/img_N.txt non-blank lines
        // counted with python: 4, 4, 4, 4, 3, 4, 2 = 25.
        assertEquals(List.of(new ClassLabel(0, "closed_door"), new ClassLabel(1, "opened_door"),
                new ClassLabel(2, "bus"), new ClassLabel(3, "number")), sink.classes());
        assertEquals(7, sink.images().size());
        assertTrue(sink.images().stream().allMatch(i -> i.split() == null));
        assertEquals(Map.of("images/img_1.jpg", 4, "images/img_2.png", 4, "images/img_3.png", 4,
                "images/img_4.png", 4, "images/img_5.jpg", 3, "images/img_6.jpeg", 4, "images/img_7.jpeg", 2),
                countByImage(sink));
        // img_3.png is 1280x720 (`file`); its line 1 "3 0.2828125 0.23055555555555557 0.0390625 0.06388888888888888"
        // is (337, 143, 50, 46) in pixels (computed with python).
        Annotation img3 = annotationsOf(sink, "images/img_3.png").get(0);
        assertEquals(3, img3.classId());
        assertBox(337, 143, 50, 46, img3.box(), 1e-6);
        // img_7.jpeg is 640x427: line 1 "2 0.56953125 0.5304449648711944 0.7578125 0.47540983606557374".
        assertBox(122, 125, 485, 203, annotationsOf(sink, "images/img_7.jpeg").get(0).box(), 1e-6);
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsLabelStudioUniformDimensionsSample() throws IOException {
        Path dir = shared("label-studio-converter/tests_data/test_import_yolo_data_unif_dims");
        CollectingSink sink = load(dir);

        // 5 jpg images, labels img_1..img_5.txt with 4, 4, 4, 4, 3 non-blank lines (python count: 19).
        assertEquals(4, sink.classes().size());
        assertEquals(5, sink.images().size());
        assertEquals(19, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void probeRecognisesTheSharedYoloSamples() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        for (String sample : List.of("datumaro/yolo_darknet/strict", "datumaro/yolo_darknet/labels",
                "datumaro/yolo_darknet/annotations", "label-studio-converter/tests_data/test_import_yolo_data")) {
            Support support = probe(SHARED.resolve(sample));
            assertTrue(support.confidence() >= 0.8, sample + ": " + support);
        }
        // Kaggle's relaxed YOLO: 1.jpg + 1.txt side by side, no class names file.
        assertEquals(0.5, probe(SHARED.resolve("datumaro/kaggle_relaxed/relaxed_yolo")).confidence());
    }

    @Test
    void probeRejectsTheSharedSamplesOfOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        for (String sample : List.of("raccoon", "labelme", "sahi", "labelImg", "datumaro/coco/coco_instances",
                "datumaro/voc", "datumaro/dota", "datumaro/kitti", "datumaro/icdar", "datumaro/imagenet_txt",
                "datumaro/imagenet_folders", "datumaro/mot", "datumaro/widerface", "datumaro/cvat_xml",
                "datumaro/kaggle_relaxed/image_txt_det", "datumaro/mapillary_vistas")) {
            Path dir = SHARED.resolve(sample);
            if (Files.isDirectory(dir)) {
                assertEquals(0, probe(dir).confidence(), sample + ": " + probe(dir));
            }
        }
    }

    // ---------------------------------------------------------------- Ultralytics layouts

    @Test
    void readsYoloBoxesAsPixelCoordinates() throws IOException {
        write("data.yaml", "path: .\ntrain: images/train\nval: images/val\nnames:\n  - cat\n  - dog\n");
        png("images/train/a.png", 200, 100);
        write("labels/train/a.txt", "0 0.5 0.5 0.5 0.2\n");
        jpeg("images/val/b.jpg", 64, 48);
        write("labels/val/b.txt", "");

        CollectingSink sink = load(root);

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(1, "dog")), sink.classes());
        assertEquals(List.of(ImageRef.of("images/train/a.png", "train"), ImageRef.of("images/val/b.jpg", "val")),
                sink.images());
        assertEquals(1, sink.annotations().size());
        Annotation a = sink.annotations().get(0);
        assertEquals("images/train/a.png", a.imagePath());
        assertEquals(0, a.classId());
        assertBox(50, 40, 100, 20, a.box());
        assertEquals(List.of(), a.polygons());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsClassNamesGivenAsMap() throws IOException {
        write("data.yaml", "train: images/train\nnames: {0: cat, 2: bird}\n");
        png("images/train/a.png", 10, 10);
        write("labels/train/a.txt", "2 0.5 0.5 1 1\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(new ClassLabel(0, "cat"), new ClassLabel(2, "bird")), sink.classes());
        assertEquals(2, sink.annotations().get(0).classId());
        assertBox(0, 0, 10, 10, sink.annotations().get(0).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsRoboflowLayoutWhoseYamlPathsPointOutsideTheDataset() throws IOException {
        // Roboflow writes paths relative to a folder above the dataset; Ultralytics drops the '../'.
        write("data.yaml", "train: ../train/images\nval: ../valid/images\ntest: ../test/images\n"
                + "nc: 1\nnames: ['ball']\n");
        png("train/images/t.png", 40, 20);
        write("train/labels/t.txt", "0 0.5 0.5 0.5 0.5");
        png("valid/images/v.png", 40, 20);
        write("valid/labels/v.txt", "0 0.25 0.25 0.5 0.5");

        CollectingSink sink = load(root);

        assertEquals(List.of(ImageRef.of("train/images/t.png", "train"), ImageRef.of("valid/images/v.png", "val")),
                sink.images());
        assertEquals(Map.of("train/images/t.png", 1, "valid/images/v.png", 1), countByImage(sink));
        assertBox(0, 0, 20, 10, annotationsOf(sink, "valid/images/v.png").get(0).box());

        Problem train = problemAt(sink, "/train");
        assertEquals(Severity.INFO, train.severity());
        assertEquals(ProblemKind.OTHER, train.kind());
        assertTrue(train.message().contains("'train/images'"), train.message());
        assertEquals(Severity.INFO, problemAt(sink, "/val").severity());
        Problem test = problemAt(sink, "/test");
        assertEquals(Severity.WARNING, test.severity());
        assertEquals("data.yaml", test.path());
        assertEquals(3, sink.problems().size(), sink.problems().toString());
    }

    @Test
    void fallsBackToFoldersOnDiskWhenYamlPathsMatchNothing() throws IOException {
        write("data.yaml", "path: /home/someone/datasets/x\ntrain: /mnt/nowhere/train_set\nval: elsewhere/val\n"
                + "names: [a, b]\n");
        png("images/train/a.png", 20, 20);
        write("labels/train/a.txt", "1 0.5 0.5 0.5 0.5\n");
        png("images/val/b.png", 20, 20);
        write("labels/val/b.txt", "0 0.5 0.5 0.5 0.5\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(ImageRef.of("images/train/a.png", "train"), ImageRef.of("images/val/b.png", "val")),
                sink.images());
        assertEquals(2, sink.annotations().size());
        assertEquals(Severity.WARNING, problemAt(sink, "/train").severity());
        assertTrue(problemAt(sink, "/val").message().contains("folders on disk"));
        assertEquals(2, sink.problems().size(), sink.problems().toString());
    }

    @Test
    void reportsMalformedYamlWithItsLineAndReadsTheFolders() throws IOException {
        write("data.yaml", "nc: 2\nnames: [a, b\ntrain: images/train\n");
        write("classes.txt", "a\nb\n");
        png("images/train/a.png", 20, 20);
        write("labels/train/a.txt", "1 0.5 0.5 0.5 0.5\n");

        CollectingSink sink = load(root);

        Problem yaml = sink.problems().stream().filter(p -> p.path().equals("data.yaml")).findFirst().orElseThrow();
        assertEquals(ProblemKind.MALFORMED_ANNOTATION, yaml.kind());
        assertEquals("line 3", yaml.location());
        assertEquals(List.of(ImageRef.of("images/train/a.png", "train")), sink.images());
        assertEquals(1, sink.annotations().size());
        // The names fall back to classes.txt.
        assertEquals(List.of(new ClassLabel(0, "a"), new ClassLabel(1, "b")), sink.classes());
        assertEquals(1, sink.problems().size(), sink.problems().toString());
    }

    @Test
    void readsImagesFromYamlListFile() throws IOException {
        write("data.yaml", "train: train.txt\nnames: [a]\n");
        write("train.txt", "./images/x/a.png\n/somewhere/else/images/x/b.png\n");
        png("images/x/a.png", 10, 10);
        png("images/x/b.png", 10, 10);
        png("images/x/c.png", 10, 10);
        write("labels/x/a.txt", "0 0.5 0.5 1 1\n");

        CollectingSink sink = load(root);

        // Listed images take the yaml key as split; c.png, listed nowhere, gets its folder's name.
        assertEquals(List.of(ImageRef.of("images/x/a.png", "train"), ImageRef.of("images/x/b.png", "train"),
                ImageRef.of("images/x/c.png", "x")), sink.images());
        assertEquals(1, sink.annotations().size());
        Problem info = sink.problems().stream().filter(p -> p.path().equals("train.txt")).findFirst().orElseThrow();
        assertEquals(Severity.INFO, info.severity());
        assertEquals(1, sink.problems().size(), sink.problems().toString());
    }

    // ---------------------------------------------------------------- darknet layouts

    @Test
    void readsDarknetLayoutWithObjDataAndListFiles() throws IOException {
        write("obj.data", "classes = 2\ntrain = data/train.txt\nvalid = data/valid.txt\nnames = data/obj.names\n"
                + "backup = backup/\n");
        write("obj.names", "person\ncar\n");
        write("train.txt", "data/obj_train_data/a.jpg\ndata/obj_train_data/missing.jpg\n../outside.jpg\n");
        write("valid.txt", "data/obj_valid_data/b.png\n");
        jpeg("obj_train_data/a.jpg", 100, 50);
        write("obj_train_data/a.txt", "1 0.5 0.5 0.2 0.2\n");
        png("obj_valid_data/b.png", 30, 30);
        write("obj_valid_data/b.txt", "0 0.5 0.5 1 1\n");
        write("obj_valid_data/stray.txt", "0 0.5 0.5 1 1\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(new ClassLabel(0, "person"), new ClassLabel(1, "car")), sink.classes());
        // The missing image is still declared, where its folder is, so the indexer reports it as missing.
        assertEquals(List.of(ImageRef.of("obj_train_data/a.jpg", "train"),
                ImageRef.of("obj_train_data/missing.jpg", "train"), ImageRef.of("obj_valid_data/b.png", "valid")),
                sink.images());
        assertBox(40, 20, 20, 10, annotationsOf(sink, "obj_train_data/a.jpg").get(0).box());
        assertEquals(1, annotationsOf(sink, "obj_valid_data/b.png").size());

        Problem escape = sink.problems().stream().filter(p -> p.kind() == ProblemKind.PATH_ESCAPES_ROOT)
                .findFirst().orElseThrow();
        assertEquals("train.txt", escape.path());
        assertEquals("line 3", escape.location());
        Problem orphan = sink.problems().stream().filter(p -> p.kind() == ProblemKind.ORPHAN_ANNOTATION)
                .findFirst().orElseThrow();
        assertEquals("obj_valid_data/stray.txt", orphan.path());
        assertEquals(2, sink.problems().size(), sink.problems().toString());
    }

    @Test
    void readsSideBySideLabelsWithClassesTxt() throws IOException {
        write("classes.txt", "a\r\nb\r\n");
        png("train/1.png", 50, 50);
        write("train/1.txt", "1 0.5 0.5 0.2 0.2");
        png("train/2.png", 50, 50);

        CollectingSink sink = load(root);

        // 2.png has no label but sits among labelled images: it is part of the dataset.
        assertEquals(List.of(ImageRef.of("train/1.png", "train"), ImageRef.of("train/2.png", "train")),
                sink.images());
        assertEquals(1, sink.annotations().size());
        assertEquals(List.of(), sink.problems());
    }

    // ---------------------------------------------------------------- label lines

    @Test
    void readsPolygonLinesAsPixelPolygonsWithTheirBounds() throws IOException {
        write("data.yaml", "names: [a, b]\n");
        png("images/train/a.png", 200, 100);
        write("labels/train/a.txt", "1 0.1 0.2 0.5 0.2 0.5 0.8\n");

        CollectingSink sink = load(root);

        Annotation a = sink.annotations().get(0);
        assertEquals(1, a.classId());
        assertEquals(1, a.polygons().size());
        double[] points = a.polygons().get(0).points();
        double[] expected = {20, 20, 100, 20, 100, 80};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], points[i], EPS);
        }
        assertBox(20, 20, 80, 60, a.box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsMalformedLinesAndKeepsTheGoodOnes() throws IOException {
        write("data.yaml", "names: [a]\n");
        png("images/train/a.png", 100, 100);
        write("labels/train/a.txt", String.join("\n",
                "0 0.5 0.5 0.2 0.2",
                "0 0.5 0.5",
                "a 0.5 0.5 0.1 0.1",
                "-1 0.5 0.5 0.1 0.1",
                "0 0.5 x 0.1 0.1",
                "0 0.1 0.2 0.3 0.4 0.5 0.6 0.7",
                "0 0.5 0.5 NaN 0.1",
                "0 0.25 0.25 0.5 0.5", ""));

        CollectingSink sink = load(root);

        assertEquals(2, sink.annotations().size());
        assertBox(0, 0, 50, 50, sink.annotations().get(1).box());
        Map<String, String> byLine = new TreeMap<>();
        for (Problem p : sink.problems()) {
            assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
            assertEquals("labels/train/a.txt", p.path());
            byLine.put(p.location(), p.message());
        }
        assertEquals(List.of("line 2", "line 3", "line 4", "line 5", "line 6", "line 7"), List.copyOf(byLine.keySet()));
        assertTrue(byLine.get("line 2").contains("expected 'class cx cy w h'"), byLine.get("line 2"));
        assertTrue(byLine.get("line 2").contains("found 3 fields"), byLine.get("line 2"));
        assertTrue(byLine.get("line 3").contains("not a whole number"), byLine.get("line 3"));
        assertTrue(byLine.get("line 4").contains("negative"), byLine.get("line 4"));
        assertTrue(byLine.get("line 5").contains("'x' is not a number"), byLine.get("line 5"));
        assertTrue(byLine.get("line 6").contains("found 8 fields"), byLine.get("line 6"));
        assertTrue(byLine.get("line 7").contains("'NaN' is not a number"), byLine.get("line 7"));
    }

    @Test
    void summarisesMalformedLinesBeyondTheFirstTwenty() throws IOException {
        write("data.yaml", "names: [a]\n");
        png("images/a.png", 10, 10);
        write("labels/a.txt", "0 0.5 0.5 0.5 0.5\n" + "garbage\n".repeat(25));

        CollectingSink sink = load(root);

        assertEquals(1, sink.annotations().size());
        assertEquals(21, sink.problems().size());
        Problem summary = sink.problems().get(20);
        assertEquals("", summary.location());
        assertTrue(summary.message().startsWith("5 more malformed lines"), summary.message());
    }

    @Test
    void keepsClassIdsBeyondTheNamesAsRead() throws IOException {
        write("data.yaml", "names: [only]\n");
        png("images/a.png", 10, 10);
        write("labels/a.txt", "7 0.5 0.5 0.5 0.5\n3.0 0.5 0.5 0.5 0.5\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(7, 3), sink.annotations().stream().map(Annotation::classId).toList());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void toleratesCrlfBlankLinesTrailingSpacesBomAndNoFinalNewline() throws IOException {
        write("data.yaml", "names: [a, b]\n");
        png("images/a.png", 200, 100);
        write("labels/a.txt", "\uFEFF0 0.5 0.5 0.5 0.2  \r\n\r\n   \r\n\t1 0.5 0.5 0.5 0.2");

        CollectingSink sink = load(root);

        assertEquals(2, sink.annotations().size());
        assertBox(50, 40, 100, 20, sink.annotations().get(1).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsLabelWithoutImageAsOrphan() throws IOException {
        write("data.yaml", "names: [a]\n");
        png("images/train/a.png", 10, 10);
        write("labels/train/a.txt", "0 0.5 0.5 1 1\n");
        write("labels/train/ghost.txt", "0 0.5 0.5 1 1\n");

        CollectingSink sink = load(root);

        assertEquals(1, sink.annotations().size());
        assertEquals(1, sink.problems().size());
        Problem orphan = sink.problems().get(0);
        assertEquals(ProblemKind.ORPHAN_ANNOTATION, orphan.kind());
        assertEquals("labels/train/ghost.txt", orphan.path());
        assertTrue(orphan.message().contains("images/train/ghost"), orphan.message());
    }

    @Test
    void readsNonAsciiAndSpaceContainingFileNames() throws IOException {
        write("data.yaml", "names: [chat]\n");
        png("images/train/chat noir é 猫.png", 200, 100);
        write("labels/train/chat noir é 猫.txt", "0 0.5 0.5 0.5 0.2\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(ImageRef.of("images/train/chat noir é 猫.png", "train")), sink.images());
        assertEquals("images/train/chat noir é 猫.png", sink.annotations().get(0).imagePath());
        assertBox(50, 40, 100, 20, sink.annotations().get(0).box());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsBoxesThatCannotBePlacedOnAnUnreadableImage() throws IOException {
        write("data.yaml", "names: [a]\n");
        write("images/train/broken.jpg", "not a jpeg at all");
        write("labels/train/broken.txt", "0 0.5 0.5 0.5 0.5\n0 0.1 0.1 0.1 0.1\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(ImageRef.of("images/train/broken.jpg", "train")), sink.images());
        assertEquals(List.of(), sink.annotations());
        assertEquals(1, sink.problems().size());
        Problem p = sink.problems().get(0);
        assertEquals("labels/train/broken.txt", p.path());
        assertTrue(p.message().contains("2 objects") && p.message().contains("images/train/broken.jpg"), p.message());
    }

    @Test
    void readsPoseLinesAsBoxesWhenYamlGivesKeypointShape() throws IOException {
        write("data.yaml", "kpt_shape: [2, 3]\nnames: [person]\n");
        png("images/a.png", 100, 100);
        write("labels/a.txt", "0 0.5 0.5 0.2 0.2 0.4 0.4 2 0.6 0.6 2\n0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 0.4\n");

        CollectingSink sink = load(root);

        assertEquals(2, sink.annotations().size());
        assertBox(40, 40, 20, 20, sink.annotations().get(0).box());
        assertEquals(List.of(), sink.annotations().get(0).polygons());
        assertEquals(1, sink.problems().size(), sink.problems().toString());
        assertEquals("line 3", sink.problems().get(0).location());
    }

    @Test
    void labelUnitDependsOnTheLabelAndItsImage() throws IOException {
        write("data.yaml", "names: [a]\n");
        png("images/train/a.png", 10, 10);
        write("labels/train/a.txt", "0 0.5 0.5 1 1\n");

        DatasetLoader.Result ctx = DatasetLoader.load(root, new YoloFormat());

        assertEquals(List.of(new Unit("labels/train/a.txt", List.of("labels/train/a.txt", "images/train/a.png"))),
                ctx.units());
        assertEquals(1, ctx.sink().annotations().size());
    }

    @Test
    void warnsWhenNoClassNamesExist() throws IOException {
        png("images/a.png", 10, 10);
        write("labels/a.txt", "0 0.5 0.5 1 1\n");

        CollectingSink sink = load(root);

        assertEquals(List.of(), sink.classes());
        assertEquals(1, sink.annotations().size());
        assertEquals(1, sink.problems().size());
        assertEquals(ProblemKind.OTHER, sink.problems().get(0).kind());
    }

    // ---------------------------------------------------------------- probe

    @Test
    void probeIsSureOfUltralyticsDatasetWithDataYaml() throws IOException {
        write("data.yaml", "train: images/train\nnames: [a, b]\n");
        png("images/train/a.png", 10, 10);
        write("labels/train/a.txt", "0 0.5 0.5 1 1\n");

        Support support = probe(root);

        assertEquals(0.95, support.confidence());
        assertTrue(support.reason().contains("data.yaml"), support.reason());
    }

    @Test
    void probeAcceptsImagesAndLabelsTreesWithoutNames() throws IOException {
        png("images/a.png", 10, 10);
        write("labels/a.txt", "0 0.5 0.5 1 1\n");

        assertEquals(0.8, probe(root).confidence());
    }

    @Test
    void probeRejectsImagesWithoutYoloLabels() throws IOException {
        png("cats/a.png", 10, 10);
        write("classes.txt", "cats\n");
        assertEquals(0, probe(root).confidence());

        png("images/b.png", 10, 10);
        write("labels/b.txt", "this is a caption, not a box\n");
        Support support = probe(root);
        assertEquals(0, support.confidence());
        assertTrue(support.reason().contains("labels/b.txt"), support.reason());
    }

    // ---------------------------------------------------------------- helpers

    private static Path shared(String sample) {
        Path dir = SHARED.resolve(sample);
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared sample absent: " + dir);
        return dir;
    }

    private static CollectingSink load(Path dir) throws IOException {
        return DatasetLoader.load(dir, new YoloFormat()).sink();
    }

    private static Support probe(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        return new YoloFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private static Map<String, Integer> countByImage(CollectingSink sink) {
        return sink.annotations().stream().collect(Collectors.toMap(Annotation::imagePath, a -> 1, Integer::sum));
    }

    private static List<Annotation> annotationsOf(CollectingSink sink, String image) {
        return sink.annotations().stream().filter(a -> a.imagePath().equals(image)).toList();
    }

    private static Problem problemAt(CollectingSink sink, String location) {
        return sink.problems().stream().filter(p -> p.location().equals(location)).findFirst()
                .orElseThrow(() -> new AssertionError("no problem at " + location + " in " + sink.problems()));
    }

    private static void assertBox(double x, double y, double w, double h, BoundingBox box) {
        assertBox(x, y, w, h, box, EPS);
    }

    private static void assertBox(double x, double y, double w, double h, BoundingBox box, double delta) {
        String message = "expected (" + x + ", " + y + ", " + w + ", " + h + "), got " + box;
        assertEquals(x, box.x(), delta, message);
        assertEquals(y, box.y(), delta, message);
        assertEquals(w, box.width(), delta, message);
        assertEquals(h, box.height(), delta, message);
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private void png(String relative, int width, int height) throws IOException {
        image(relative, width, height, "png");
    }

    private void jpeg(String relative, int width, int height) throws IOException {
        image(relative, width, height, "jpg");
    }

    private void image(String relative, int width, int height, String format) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(width / 2, height / 2, 0xFF8800);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no ImageIO writer for " + format);
    }

}
