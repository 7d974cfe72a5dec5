package loupe.core.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

class KittiFormatTest {

    private static final Path SHARED = Path.of("..", "shared", "datasets");
    private static final double EPS = 1e-9;
    private static final String CAR =
            "Car 0.00 0 -1.58 587.01 173.33 614.12 200.12 1.65 1.67 3.64 -0.65 1.71 46.70 -1.59";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- shared samples

    @Test
    void readsDatumaroDetectionSample() throws IOException {
        CollectingSink sink = load(shared("datumaro/kitti/kitti_detection"));

        // training/label_2/000030_10.txt has 2 lines (Truck, Van), 000030_11.txt 3 (Van x3): python3 split() of
        // every non-blank line, all 15 fields; training/image_2 holds the two PNGs (10x10 per `file`).
        assertEquals(List.of(new ClassLabel(0, "Truck"), new ClassLabel(1, "Van")), sink.classes());
        assertEquals(List.of(ImageRef.of("training/image_2/000030_10.png", "training"),
                ImageRef.of("training/image_2/000030_11.png", "training")), sink.images());
        assertEquals(5, sink.annotations().size());
        // "Truck 1.0 0 -1 0 1 2 3 -1 -1 -1 -1 -1 -1 -1"
        Annotation truck = sink.annotations().get(0);
        assertEquals("training/image_2/000030_10.png", truck.imagePath());
        assertEquals(0, truck.classId());
        assertBox(new BoundingBox(0, 1, 2, 2), truck.box());
        assertEquals(Map.of("truncated", "1.0", "occluded", "0", "alpha", "-1", "dimensions", "-1 -1 -1",
                "location", "-1 -1 -1", "rotation_y", "-1"), truck.attributes());
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsDatumaro3dSampleAndKeepsDontCareAsAClass() throws IOException {
        CollectingSink sink = load(shared("datumaro/kitti/kitti_3d"));

        // training/label_2/000001.txt: Truck, Car, DontCare; one image in image_2; calib/ and velodyne/ ignored.
        assertEquals(List.of(new ClassLabel(0, "Car"), new ClassLabel(1, "DontCare"), new ClassLabel(2, "Truck")),
                sink.classes());
        assertEquals(List.of(ImageRef.of("training/image_2/000001.png", "training")), sink.images());
        assertEquals(List.of(2, 0, 1), sink.annotations().stream().map(Annotation::classId)
                .collect(Collectors.toList()));
        // "Car 0.00 3 -1.65 650 160 700 200 1.86 0.60 2.02 4.59 1.32 45.84 -1.55"
        Annotation car = sink.annotations().get(1);
        assertBox(new BoundingBox(650, 160, 50, 40), car.box());
        assertEquals("3", car.attributes().get("occluded"));
        assertEquals("1.86 0.60 2.02", car.attributes().get("dimensions"));
        assertEquals("4.59 1.32 45.84", car.attributes().get("location"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void readsEveryKittiFolderUnderTheParentButNotTheSegmentationImages() throws IOException {
        CollectingSink sink = load(shared("datumaro/kitti"));

        // 3 label files with 8 lines of 4 types (python3); kitti_segmentation/training has image_2/ but no
        // label_2/ beside it, and kitti_raw has neither: only the 3 images beside label files are declared.
        assertEquals(4, sink.classes().size());
        assertEquals(3, sink.images().size());
        assertEquals(8, sink.annotations().size());
        assertTrue(sink.images().stream().noneMatch(i -> i.path().contains("segmentation")));
    }

    @Test
    void probeRecognisesTheLabelSamplesOnly() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        assertEquals(0.9, probe(SHARED.resolve("datumaro/kitti/kitti_detection")).confidence(), EPS);
        assertEquals(0.9, probe(SHARED.resolve("datumaro/kitti/kitti_3d")).confidence(), EPS);
        assertEquals(0, probe(SHARED.resolve("datumaro/kitti/kitti_segmentation")).confidence());
        assertEquals(0, probe(SHARED.resolve("datumaro/kitti/kitti_raw")).confidence());
        assertEquals("kitti", Formats.detect(SHARED.resolve("datumaro/kitti/kitti_detection").toAbsolutePath(),
                DatasetLoader.list(SHARED.resolve("datumaro/kitti/kitti_detection"))).format().id());
    }

    @Test
    void probeGivesZeroForEverySharedSampleOfOtherFormats() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(SHARED));
        List<Path> samples = new ArrayList<>();
        try (Stream<Path> top = Files.list(SHARED)) {
            top.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("datumaro"))
                    .forEach(samples::add);
        }
        try (Stream<Path> datumaro = Files.list(SHARED.resolve("datumaro"))) {
            datumaro.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("kitti"))
                    .forEach(samples::add);
        }
        for (Path sample : samples) {
            Support s = probe(sample);
            assertEquals(0, s.confidence(), sample + ": " + s.reason());
        }
    }

    // ---------------------------------------------------------------- generated fixtures

    @Test
    void readsBenchmarkLayoutWithUnlabelledTestingImagesAndScores() throws IOException {
        write("training/label_2/000000.txt", CAR + "\r\nPedestrian 0.00 0 0.21 712.40 143.00 810.73 307.92 "
                + "1.89 0.48 1.20 1.84 1.47 8.41 0.01 0.87");      // CRLF, a score, no final line break
        png("training/image_2/000000.png", 1242, 375);
        png("testing/image_2/000000.png", 1242, 375);
        Files.createDirectories(dir.resolve("training/calib"));
        write("training/calib/000000.txt", "P0: 1 0 0 0 0 1 0 0 0 0 1 0\n");

        CollectingSink sink = load(dir);

        assertEquals(List.of(new ClassLabel(0, "Car"), new ClassLabel(1, "Pedestrian")), sink.classes());
        assertEquals(Map.of("training/image_2/000000.png", "training", "testing/image_2/000000.png", "testing"),
                splits(sink));
        List<Annotation> a = sink.annotations();
        assertEquals(2, a.size());
        assertBox(new BoundingBox(587.01, 173.33, 614.12 - 587.01, 200.12 - 173.33), a.get(0).box());
        assertEquals("0.87", a.get(1).attributes().get("score"));
        assertEquals(null, a.get(0).attributes().get("score"));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void reportsMalformedLinesWithTheirNumbersAndKeepsTheRest() throws IOException {
        write("label_2/a.txt", CAR + "\n"
                + "\n"
                + "Car 0.00 0 -1.58 587.01 173.33 614.12\n"                           // line 3: 7 fields
                + CAR.replace("587.01", "left") + "\n"                                 // line 4: not a number
                + CAR.replace("-1.59", "NaN") + "\n"                                   // line 5: NaN
                + "0 0.5 0.5 0.1 0.1\n"                                                // line 6: a YOLO line
                + CAR + " 0.5 extra\n");                                               // line 7: 17 fields
        png("image_2/a.png", 20, 20);

        CollectingSink sink = load(dir);

        assertEquals(1, sink.annotations().size());
        Map<String, String> problems = new HashMap<>();
        for (Problem p : sink.problems()) {
            assertEquals(ProblemKind.MALFORMED_ANNOTATION, p.kind());
            assertEquals("label_2/a.txt", p.path());
            problems.put(p.location(), p.message());
        }
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get("line 3").startsWith("found 7 fields, expected 15"), problems.get("line 3"));
        assertEquals("field 5 (x1) is 'left'; expected a number", problems.get("line 4"));
        assertEquals("field 15 (rotation_y) is 'NaN'; expected a number", problems.get("line 5"));
        assertTrue(problems.containsKey("line 6") && problems.containsKey("line 7"));
    }

    @Test
    void listsTheFirstTwentyBadLinesOfAFileAndCountsTheRest() throws IOException {
        write("label_2/a.txt", "bad\n".repeat(30) + CAR + "\n");
        png("image_2/a.png", 20, 20);

        CollectingSink sink = load(dir);

        assertEquals(21, sink.problems().size());
        assertEquals("10 more malformed lines not listed (30 of 31 lines are bad)", sink.problems().get(20).message());
        assertEquals(1, sink.annotations().size());
    }

    @Test
    void declaresAMissingImageAndReadsEmptyLabelFilesAndNonAsciiNames() throws IOException {
        write("label_2/gone.txt", CAR + "\n");
        write("label_2/empty.txt", "");
        write("label_2/straße 1.txt", CAR.replace("Car", "Fußgänger") + "\n");
        png("image_2/empty.png", 20, 20);
        jpeg("image_2/straße 1.jpg", 20, 20);

        CollectingSink sink = load(dir);

        assertEquals(Map.of("image_2/gone.png", "null", "image_2/empty.png", "null", "image_2/straße 1.jpg", "null"),
                splits(sink));
        assertEquals(List.of(new ClassLabel(0, "Car"), new ClassLabel(1, "Fußgänger")), sink.classes());
        assertEquals(List.of("image_2/gone.png", "image_2/straße 1.jpg"), sink.annotations().stream()
                .map(Annotation::imagePath).sorted().collect(Collectors.toList()));
        assertEquals(List.of(), sink.problems());
    }

    @Test
    void unitsDependOnLabelAndImageAndTheirKeysOnTheClassList() throws IOException {
        write("label_2/a.txt", CAR + "\n");
        write("label_2/b.txt", CAR + "\n");
        png("image_2/a.png", 20, 20);
        DatasetLoader.Result before = result(dir);

        write("label_2/b.txt", CAR.replace("Car", "Bus") + "\n");
        DatasetLoader.Result after = result(dir);

        assertEquals(List.of("label_2/a.txt", "image_2/a.png"), before.units().get(0).files());
        assertEquals(List.of("label_2/b.txt"), before.units().get(1).files());
        // "Bus" sorts before "Car": a.txt's Car is now id 1, so its unit key changes and it is parsed again.
        assertNotEquals(before.units().get(0).key(), after.units().get(0).key());
        assertEquals(0, before.sink().annotations().get(0).classId());
        assertEquals(1, after.sink().annotations().get(0).classId());
    }

    @Test
    void probeNeedsKittiLinesInALabel2Folder() throws IOException {
        write("a/label_2/1.txt", "0 0.5 0.5 0.1 0.1\n");
        png("a/image_2/1.png", 4, 4);
        assertEquals(0, probe(dir.resolve("a")).confidence());
        write("b/labels/1.txt", CAR + "\n");
        assertEquals(0, probe(dir.resolve("b")).confidence());
        write("c/label_2/1.txt", CAR + "\n");
        assertEquals(0.8, probe(dir.resolve("c")).confidence(), EPS);
        png("c/image_2/1.png", 4, 4);
        assertEquals(0.9, probe(dir.resolve("c")).confidence(), EPS);
    }

    // ---------------------------------------------------------------- helpers

    private static CollectingSink load(Path root) throws IOException {
        return result(root).sink();
    }

    private static DatasetLoader.Result result(Path root) throws IOException {
        return DatasetLoader.load(root, new KittiFormat());
    }

    private static Support probe(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return new KittiFormat().probe(DatasetLoader.list(absolute), absolute);
    }

    private static Path shared(String sample) {
        Path p = SHARED.resolve(sample);
        Assumptions.assumeTrue(Files.isDirectory(p), "../shared/datasets not present");
        return p;
    }

    private void write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void png(String relative, int w, int h) throws IOException {
        image(relative, w, h, "png");
    }

    private void jpeg(String relative, int w, int h) throws IOException {
        image(relative, w, h, "jpg");
    }

    private void image(String relative, int w, int h, String format) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff8800);
        assertTrue(ImageIO.write(img, format, file.toFile()));
    }

    private static Map<String, String> splits(CollectingSink sink) {
        Map<String, String> result = new HashMap<>();
        sink.images().forEach(i -> result.put(i.path(), String.valueOf(i.split())));
        return result;
    }

    private static void assertBox(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), EPS, "x");
        assertEquals(expected.y(), actual.y(), EPS, "y");
        assertEquals(expected.width(), actual.width(), EPS, "width");
        assertEquals(expected.height(), actual.height(), EPS, "height");
    }
}
